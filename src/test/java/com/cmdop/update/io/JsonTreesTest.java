package com.cmdop.update.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * JsonTrees replaces ObjectMapper for start-up's sake, so it must read and write what ObjectMapper did: the
 * reports, state.json and the manifests are a public contract byte for byte. Each test holds it against a real
 * ObjectMapper (tests may build one; the tool no longer does).
 */
class JsonTreesTest {
    private static final ObjectMapper PRETTY = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final ObjectMapper COMPACT = new ObjectMapper();

    private static final String SAMPLE = "{\"a\":1,\"big\":12345678901,\"huge\":123456789012345678901234567890,"
            + "\"d\":1.5,\"e\":-2.5e-7,\"t\":true,\"f\":false,\"n\":null,\"s\":\"caf\\u00e9 \\\"q\\\" \\n\\u0001\","
            + "\"empty\":{},\"none\":[],\"list\":[1,\"x\",[2,{\"k\":\"v\"}],{}],\"nested\":{\"x\":{\"y\":[null]}}}";

    @Test
    void readsTheTreeObjectMapperReads() throws Exception {
        JsonNode ours = JsonTrees.readTree(SAMPLE.getBytes(StandardCharsets.UTF_8));
        JsonNode theirs = COMPACT.readTree(SAMPLE);
        assertThat(ours).isEqualTo(theirs);
        // equal trees could still differ in node types that equals() forgives: compare them too
        assertThat(ours.get("a").numberType()).isEqualTo(theirs.get("a").numberType());
        assertThat(ours.get("big").numberType()).isEqualTo(theirs.get("big").numberType()).hasToString("LONG");
        assertThat(ours.get("huge").numberType()).isEqualTo(theirs.get("huge").numberType()).hasToString("BIG_INTEGER");
        assertThat(ours.get("d").numberType()).isEqualTo(theirs.get("d").numberType()).hasToString("DOUBLE");
    }

    @Test
    void writesTheBytesObjectMapperWritesForATree() throws Exception {
        JsonNode tree = COMPACT.readTree(SAMPLE);
        assertThat(JsonTrees.write(tree, true)).isEqualTo(PRETTY.writeValueAsString(tree));
        assertThat(JsonTrees.write(tree, false)).isEqualTo(COMPACT.writeValueAsString(tree));
        assertThat(JsonTrees.writeBytes(tree, true)).isEqualTo(PRETTY.writeValueAsBytes(tree));
    }

    @Test
    void writesTheBytesObjectMapperWritesForMapsListsAndScalars() throws Exception {
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("long", 7L);
        inner.put("short", (short) 3);
        inner.put("float", 0.25f);
        inner.put("big", new BigInteger("98765432109876543210"));
        inner.put("decimal", new BigDecimal("1.50"));
        inner.put("char", 'c');
        inner.put("enum", Thread.State.RUNNABLE);
        inner.put("array", new Object[] {"a", 1});
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("msg", "ok \u2713");
        doc.put("changed", false);
        doc.put("exit", 0);
        doc.put("nothing", null);
        doc.put("list", new ArrayList<>(List.of("x", 2, List.of())));
        doc.put("inner", inner);
        doc.put("empty", Map.of());
        doc.put("tree", COMPACT.readTree("{\"k\":[1,2.0]}"));
        doc.put(Thread.State.NEW.name(), Arrays.asList(null, true));
        assertThat(JsonTrees.write(doc, true)).isEqualTo(PRETTY.writeValueAsString(doc));
        assertThat(JsonTrees.write(doc, false)).isEqualTo(COMPACT.writeValueAsString(doc));
    }

    @Test
    void refusesAValueItCannotWriteAsJsonInsteadOfInventingAForm() {
        assertThatThrownBy(() -> JsonTrees.write(Map.of("path", Path.of("/etc")), false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a JSON value")
                .hasMessageContaining("Path");
    }

    @Test
    void readWholeRefusesContentAfterTheValue() {
        assertThatThrownBy(() -> JsonTrees.readWhole(JsonTrees.JSON, "{\"a\":1} {\"a\":2}"))
                .isInstanceOf(JsonParseException.class)
                .hasMessageContaining("content after the JSON value");
    }

    @Test
    void readTreeReadsTheFirstValueAsObjectMapperDoes() throws Exception {
        byte[] two = "{\"a\":1} {\"a\":2}".getBytes(StandardCharsets.UTF_8);
        assertThat(JsonTrees.readTree(two)).isEqualTo(COMPACT.readTree(two));
    }

    @Test
    void emptyInputHasNoValue() throws Exception {
        assertThat(JsonTrees.readWhole(JsonTrees.JSON, "  \n")).isNull();
        assertThat(JsonTrees.readTree(new byte[0])).isEqualTo(COMPACT.readTree(new byte[0]));
        assertThat(JsonTrees.readTree(new byte[0]).isMissingNode()).isTrue();
    }

    @Test
    void aDuplicateKeyIsRefusedWhenTheParserRefusesThem() {
        var strict = JsonTrees.JSON.copy().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        assertThatThrownBy(() -> JsonTrees.readWhole(strict, "{\"a\":1,\"a\":2}"))
                .isInstanceOf(JsonParseException.class)
                .hasMessageContaining("Duplicate field 'a'");
    }

    @Test
    void aDuplicateKeyKeepsTheLastValueOtherwiseAsObjectMapperDoes() throws Exception {
        String text = "{\"a\":1,\"a\":2}";
        assertThat(JsonTrees.readWhole(JsonTrees.JSON, text)).isEqualTo(COMPACT.readTree(text));
    }

    @Test
    void readsYamlAsTheYamlMapperReadsIt() throws Exception {
        String yaml = "update:\n  channel: stable\n  auto: true\n  interval: 6h\n  pin: null\n  n: 12\n"
                + "  ratio: 0.5\n  keys:\n    - RWQ\n    - 'quoted: yes'\n  empty: {}\n";
        YAMLFactory factory = new YAMLFactory();
        try (var parser = factory.createParser(yaml)) {
            assertThat(JsonTrees.read(parser)).isEqualTo(new YAMLMapper().readTree(yaml));
        }
    }

    @Test
    void readReturnsNullAtTheEndOfTheInput() throws Exception {
        try (var parser = new YAMLFactory().createParser("# only a comment\n")) {
            assertThat(JsonTrees.read(parser)).isNull();
        }
    }
}
