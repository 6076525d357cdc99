package com.cmdop.update.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.POJONode;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collection;
import java.util.Iterator;
import java.util.Map;

/**
 * The tool's one JSON codec: trees read with jackson-core's streaming parser into databind's tree nodes, and
 * trees, maps, lists and scalars written with its streaming generator, in exactly the bytes an
 * {@code ObjectMapper} would write (with {@code INDENT_OUTPUT} for {@code pretty}).
 *
 * <p>Why not an {@code ObjectMapper}: the first one built in a JVM initialises databind's {@code StdDateFormat},
 * whose {@code SimpleDateFormat} loads the calendar and locale data, about a sixth of a {@code status} run
 * (docs/PERFORMANCE.md). The tool only ever reads and writes trees, which need none of that.
 */
public final class JsonTrees {
    /** JSON with ObjectMapper's defaults (also its read limits, {@code StreamReadConstraints.defaults()}). */
    public static final JsonFactory JSON = new JsonFactory();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private JsonTrees() {}

    /**
     * The next value of {@code parser} as a tree, built as {@code ObjectMapper.readTree(JsonParser)} builds it
     * (int, long or big integer nodes by size; double nodes for decimals; a later duplicate key replaces an
     * earlier one unless the parser refuses duplicates), or {@code null} when the input holds no further value.
     */
    public static JsonNode read(JsonParser parser) throws IOException {
        JsonToken token = parser.currentToken();
        if (token == null || token == JsonToken.END_OBJECT || token == JsonToken.END_ARRAY) {
            token = parser.nextToken();
        }
        return token == null ? null : value(parser, token);
    }

    /**
     * As {@code ObjectMapper.readTree(byte[])}: the first JSON value of {@code bytes} (UTF-8), a
     * {@code MissingNode} when there is none; whatever follows the value is not read.
     */
    public static JsonNode readTree(byte[] bytes) throws IOException {
        try (JsonParser parser = JSON.createParser(bytes)) {
            JsonNode node = read(parser);
            return node == null ? NODES.missingNode() : node;
        }
    }

    /**
     * One JSON value filling all of {@code text}, or {@code null} for text with no value. Content after the value
     * is refused: signed files must not mean one thing to us and another to a reader that takes the last value.
     */
    public static JsonNode readWhole(JsonFactory factory, String text) throws IOException {
        try (JsonParser parser = factory.createParser(text)) {
            return readWhole(parser);
        }
    }

    private static JsonNode readWhole(JsonParser parser) throws IOException {
        JsonNode node = read(parser);
        JsonToken trailing = node == null ? null : parser.nextToken();
        if (trailing != null) {
            throw new JsonParseException(parser, "content after the JSON value (" + trailing.asString()
                    + "); a file holds one value");
        }
        return node;
    }

    private static JsonNode value(JsonParser p, JsonToken token) throws IOException {
        switch (token) {
            case START_OBJECT: {
                ObjectNode object = NODES.objectNode();
                for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
                    String name = p.currentName();
                    object.set(name, value(p, p.nextToken()));
                }
                return object;
            }
            case START_ARRAY: {
                ArrayNode array = NODES.arrayNode();
                for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
                    if (t == null) {
                        throw new JsonParseException(p, "unexpected end of input in an array");
                    }
                    array.add(value(p, t));
                }
                return array;
            }
            case VALUE_STRING:
                return NODES.textNode(p.getText());
            case VALUE_NUMBER_INT:
                switch (p.getNumberType()) {
                    case INT:
                        return NODES.numberNode(p.getIntValue());
                    case LONG:
                        return NODES.numberNode(p.getLongValue());
                    default:
                        return NODES.numberNode(p.getBigIntegerValue());
                }
            case VALUE_NUMBER_FLOAT:
                switch (p.getNumberType()) {
                    case BIG_DECIMAL:
                        return NODES.numberNode(p.getDecimalValue());
                    case FLOAT:
                        return NODES.numberNode(p.getFloatValue());
                    default:
                        return NODES.numberNode(p.getDoubleValue());
                }
            case VALUE_TRUE:
                return NODES.booleanNode(true);
            case VALUE_FALSE:
                return NODES.booleanNode(false);
            case VALUE_NULL:
                return NODES.nullNode();
            case VALUE_EMBEDDED_OBJECT: {
                // YAML's !!binary; nothing the tool reads has one, but a tree must say what it was given
                Object embedded = p.getEmbeddedObject();
                if (embedded == null) {
                    return NODES.nullNode();
                }
                return embedded instanceof byte[] b ? NODES.binaryNode(b) : NODES.pojoNode(embedded);
            }
            default:
                throw new JsonParseException(p, "unexpected " + token.asString() + " where a value was expected");
        }
    }

    /** {@code value} as JSON text; {@code pretty} is ObjectMapper's {@code INDENT_OUTPUT} layout. */
    public static String write(Object value, boolean pretty) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            write(g, value, pretty);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return out.toString();
    }

    /** {@code value} as UTF-8 JSON bytes. */
    public static byte[] writeBytes(Object value, boolean pretty) {
        try (ByteArrayBuilder out = new ByteArrayBuilder()) {
            try (JsonGenerator g = JSON.createGenerator(out)) {
                write(g, value, pretty);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(JsonGenerator g, Object value, boolean pretty) throws IOException {
        if (pretty) {
            g.useDefaultPrettyPrinter();
        }
        value(g, value);
    }

    /**
     * The JSON values the tool writes: trees, maps (keys as text), collections, arrays, text, numbers, booleans,
     * null and enum constants (by name, as databind writes them). Anything else is a programming error, refused
     * rather than written in some form a script would then depend on.
     */
    private static void value(JsonGenerator g, Object v) throws IOException {
        if (v == null) {
            g.writeNull();
        } else if (v instanceof JsonNode node) {
            node(g, node);
        } else if (v instanceof CharSequence s) {
            g.writeString(s.toString());
        } else if (v instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
            g.writeNumber(((Number) v).intValue());
        } else if (v instanceof Long l) {
            g.writeNumber(l);
        } else if (v instanceof Double d) {
            g.writeNumber(d);
        } else if (v instanceof Float f) {
            g.writeNumber(f);
        } else if (v instanceof BigInteger b) {
            g.writeNumber(b);
        } else if (v instanceof BigDecimal b) {
            g.writeNumber(b);
        } else if (v instanceof Map<?, ?> map) {
            g.writeStartObject();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                Object key = e.getKey();
                g.writeFieldName(key instanceof Enum<?> k ? k.name() : String.valueOf(key));
                value(g, e.getValue());
            }
            g.writeEndObject();
        } else if (v instanceof Collection<?> items) { // not any Iterable: a Path is one, of Paths
            g.writeStartArray();
            for (Object item : items) {
                value(g, item);
            }
            g.writeEndArray();
        } else if (v instanceof Object[] items) {
            g.writeStartArray();
            for (Object item : items) {
                value(g, item);
            }
            g.writeEndArray();
        } else if (v instanceof Enum<?> e) {
            g.writeString(e.name());
        } else if (v instanceof Character c) {
            g.writeString(c.toString());
        } else {
            throw new IllegalArgumentException("not a JSON value: " + v.getClass().getName()
                    + "; put its text or a map of its fields in the document");
        }
    }

    private static void node(JsonGenerator g, JsonNode n) throws IOException {
        switch (n.getNodeType()) {
            case OBJECT:
                g.writeStartObject();
                for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    g.writeFieldName(e.getKey());
                    node(g, e.getValue());
                }
                g.writeEndObject();
                break;
            case ARRAY:
                g.writeStartArray();
                for (JsonNode item : n) {
                    node(g, item);
                }
                g.writeEndArray();
                break;
            case STRING:
                g.writeString(n.textValue());
                break;
            case NUMBER:
                number(g, n);
                break;
            case BOOLEAN:
                g.writeBoolean(n.booleanValue());
                break;
            case BINARY:
                g.writeBinary(n.binaryValue());
                break;
            case POJO:
                value(g, ((POJONode) n).getPojo());
                break;
            default: // NULL, MISSING: databind writes both as null
                g.writeNull();
        }
    }

    private static void number(JsonGenerator g, JsonNode n) throws IOException {
        switch (n.numberType()) {
            case INT:
                g.writeNumber(n.intValue());
                break;
            case LONG:
                g.writeNumber(n.longValue());
                break;
            case BIG_INTEGER:
                g.writeNumber(n.bigIntegerValue());
                break;
            case FLOAT:
                g.writeNumber(n.floatValue());
                break;
            case BIG_DECIMAL:
                g.writeNumber(n.decimalValue());
                break;
            default:
                g.writeNumber(n.doubleValue());
        }
    }
}
