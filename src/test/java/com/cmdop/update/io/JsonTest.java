package com.cmdop.update.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The shared mapper writes and reads exactly as the per-class mappers it replaced. */
class JsonTest {
    record Entry(String name, long size, List<String> tags) {}

    private static ObjectNode sample(ObjectMapper m) {
        ObjectNode root = m.createObjectNode();
        root.put("schema", 1).put("text", "tab\there \u0001 \"q\" \u00e9").putNull("none");
        root.putArray("list").add(1).add("two").addObject().put("k", true);
        root.putObject("nested").putArray("empty");
        return root;
    }

    @Test
    void prettyAndCompactOutputAreWhatTheSeparateMappersWrote() throws Exception {
        ObjectMapper indent = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectMapper plain = new ObjectMapper();
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("tree", sample(plain));
        report.put("entry", new Entry("a", 3, List.of("x", "y")));
        report.put("map", Map.of("k", 1));

        assertArrayEquals(indent.writeValueAsBytes(sample(plain)), Json.PRETTY.writeValueAsBytes(sample(Json.MAPPER)));
        assertEquals(indent.writeValueAsString(report), Json.PRETTY.writeValueAsString(report));
        assertEquals(plain.writeValueAsString(report), Json.MAPPER.writeValueAsString(report));
        assertEquals(sample(plain), Json.MAPPER.readTree(indent.writeValueAsBytes(sample(plain))));
    }

    @Test
    void theSharedMapperKeepsJacksonsDefaults() {
        ObjectMapper fresh = new ObjectMapper();
        assertEquals(fresh.getSerializationConfig().getSerializationFeatures(),
                Json.MAPPER.getSerializationConfig().getSerializationFeatures());
        assertEquals(fresh.getDeserializationConfig().getDeserializationFeatures(),
                Json.MAPPER.getDeserializationConfig().getDeserializationFeatures());
        assertEquals(fresh.getFactory().getParserFeatures(), Json.MAPPER.getFactory().getParserFeatures());
        assertEquals(fresh.getFactory().getGeneratorFeatures(), Json.MAPPER.getFactory().getGeneratorFeatures());
        assertEquals(fresh.getRegisteredModuleIds(), Json.MAPPER.getRegisteredModuleIds());
    }
}
