package com.cmdop.update.state;

import com.cmdop.update.io.JsonTrees;
import com.cmdop.update.model.Settings;

import com.cmdop.update.model.error.ErrorCode;
import com.cmdop.update.model.error.InvalidInputException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;

/**
 * Reads YAML (and JSON, which is what the JSON-looking input is parsed as) with the limits of
 * DESIGN.md "Verify before parse": duplicate keys are errors, aliases, nesting and size are capped,
 * and a second document in the same file is refused instead of silently ignored.
 */
public final class StrictYaml {
    /** Files we read as settings are small; anything larger is a mistake or an attack. */
    public static final int MAX_CHARS = 1024 * 1024;

    private static final JsonFactory YAML = yamlFactory();
    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private StrictYaml() {}

    private static JsonFactory yamlFactory() {
        LoaderOptions options = new LoaderOptions();
        options.setMaxAliasesForCollections(10);
        options.setNestingDepthLimit(20);
        options.setCodePointLimit(MAX_CHARS);
        options.setAllowDuplicateKeys(false);
        return YAMLFactory.builder()
                .loaderOptions(options)
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(20).build())
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
    }

    /**
     * Parses {@code text}; returns {@code null} for an empty document (no content, or comments only).
     *
     * @param source the file name or {@code -} for stdin, used in error messages
     * @param code   the error code for a syntax error (INVALID_CONFIG for config.yaml, INVALID_INPUT for a state)
     */
    public static JsonNode read(String text, String source, ErrorCode code) {
        if (text.length() > MAX_CHARS) {
            throw InvalidInputException.field(code, source, null,
                    "is larger than " + MAX_CHARS / 1024 + " KiB; settings files are small: is this the right file?");
        }
        String trimmed = text.stripLeading();
        boolean json = trimmed.startsWith("{") || trimmed.startsWith("[");
        JsonFactory factory = json ? JSON : YAML;
        if (!json) {
            refuseAliases(text, source, code);
        }
        try (JsonParser parser = factory.createParser(text)) {
            JsonNode node = JsonTrees.read(parser);
            if (node != null && !node.isMissingNode() && parser.nextToken() != null) {
                throw InvalidInputException.field(code, source, null,
                        "holds more than one " + (json ? "JSON value" : "YAML document (---)") + "; keep one");
            }
            return node == null || node.isMissingNode() || node.isNull() ? null : node;
        } catch (JsonProcessingException e) {
            throw syntaxError(e, source, code, json);
        } catch (IOException e) {
            throw InvalidInputException.field(code, source, null, "cannot be read: " + e.getMessage());
        } catch (RuntimeException e) {
            // SnakeYAML reports its limits (aliases, code points) as unchecked exceptions
            if (e instanceof InvalidInputException iie) {
                throw iie;
            }
            throw InvalidInputException.field(code, source, null,
                    "is not valid " + (json ? "JSON" : "YAML") + ": " + firstLine(e.getMessage()));
        }
    }

    /**
     * Jackson reads a YAML alias ({@code *name}) as the plain string "name" instead of the anchored value,
     * which would silently turn {@code trusted_keys: *keys} into garbage. Settings files have no need for
     * anchors, so they are refused with a message (this also rules out alias-expansion bombs).
     */
    private static void refuseAliases(String text, String source, ErrorCode code) {
        try (JsonParser parser = YAML.createParser(text)) {
            while (parser.nextToken() != null) {
                if (parser instanceof YAMLParser y && y.isCurrentAlias()) {
                    JsonLocation loc = parser.currentLocation();
                    throw new InvalidInputException(code, source + ": line " + loc.getLineNr() + ": YAML aliases ("
                            + "*name) are not supported in settings files; write the value out",
                            Map.of("source", source));
                }
            }
        } catch (JsonProcessingException e) {
            throw syntaxError(e, source, code, false);
        } catch (IOException e) {
            throw InvalidInputException.field(code, source, null, "cannot be read: " + e.getMessage());
        }
    }

    private static InvalidInputException syntaxError(JsonProcessingException e, String source, ErrorCode code,
            boolean json) {
        JsonLocation loc = e.getLocation();
        String where = loc == null || loc.getLineNr() < 1 ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
        return new InvalidInputException(code,
                source + ": not valid " + (json ? "JSON" : "YAML") + where + ": " + firstLine(e.getOriginalMessage()),
                Map.of("source", source));
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unknown syntax error";
        }
        int nl = message.indexOf('\n');
        return (nl < 0 ? message : message.substring(0, nl)).strip();
    }
}
