package com.cmdop.update.release.manifest;

import com.cmdop.update.io.JsonTrees;
import com.cmdop.update.model.error.ErrorCode;
import com.cmdop.update.model.error.InvalidInputException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.core.JsonFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Strict JSON for signed manifests. Only ever called on bytes whose signature was verified (SPEC 7:
 * "signatures are checked before anything is parsed"), and strict even so: duplicate keys, unknown
 * fields, wrong types and a newer schema are refused, so a field cannot mean two things to two readers.
 */
public final class ManifestJson {
    public static final int SCHEMA = 1;
    public static final String PRODUCT = "cmdop";
    static final Pattern SHA256_HEX = Pattern.compile("^[0-9a-f]{64}$");

    static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(16)
                    .maxStringLength(64 * 1024).build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private final String source;

    ManifestJson(String source) {
        this.source = source;
    }

    JsonNode readObject(byte[] bytes, Set<String> allowed) {
        JsonNode node;
        try {
            node = JsonTrees.readWhole(FACTORY, new String(bytes, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw fail(null, "is not valid JSON: "
                    + (e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()));
        }
        if (node == null || !node.isObject()) {
            throw fail(null, "is not a JSON object");
        }
        checkKeys(node, allowed, null);
        int schema = integer(node, "schema");
        if (schema > SCHEMA) {
            throw fail("schema", "is " + schema + ", newer than this tool understands (" + SCHEMA
                    + "); upgrade cmdop-update");
        }
        if (schema < 1) {
            throw fail("schema", "must be " + SCHEMA);
        }
        return node;
    }

    void checkKeys(JsonNode node, Set<String> allowed, String prefix) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!allowed.contains(k)) {
                throw fail((prefix == null ? "" : prefix + ".") + k, "unknown field; allowed: " + new TreeSet<>(allowed));
            }
        }
        for (String k : allowed) {
            if (!node.has(k)) {
                throw fail((prefix == null ? "" : prefix + ".") + k, "is missing");
            }
        }
    }

    String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual()) {
            throw fail(field, "must be a string");
        }
        return v.textValue();
    }

    int integer(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || !v.canConvertToInt() || !v.isIntegralNumber()) {
            throw fail(field, "must be an integer");
        }
        return v.intValue();
    }

    long positiveLong(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || !v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 0) {
            throw fail(field, "must be a non-negative integer");
        }
        return v.longValue();
    }

    Instant time(JsonNode node, String field) {
        String s = text(node, field);
        try {
            return Instant.parse(s);
        } catch (DateTimeParseException e) {
            throw fail(field, "'" + s + "' is not an RFC 3339 UTC time such as 2026-11-27T10:00:00Z");
        }
    }

    String sha256(JsonNode node, String field) {
        String s = text(node, field);
        if (!SHA256_HEX.matcher(s).matches()) {
            throw fail(field, "must be 64 lowercase hex digits");
        }
        return s;
    }

    InvalidInputException fail(String field, String message) {
        return new InvalidInputException(ErrorCode.INVALID_INPUT, source + (field == null ? "" : ": " + field) + ": "
                + message, field == null ? Map.of("source", source) : Map.of("source", source, "field", field));
    }

    static byte[] write(Object tree) {
        return (JsonTrees.write(tree, true) + "\n").getBytes(StandardCharsets.UTF_8);
    }
}
