package com.cmdop.update.state;

import com.cmdop.update.model.Channel;
import com.cmdop.update.model.DurationText;
import com.cmdop.update.model.SettingKey;
import com.cmdop.update.model.Settings;

import com.cmdop.update.model.error.ErrorCode;
import com.cmdop.update.model.error.InvalidInputException;
import com.cmdop.update.model.error.UpdateException;
import com.cmdop.update.model.Version;
import com.cmdop.update.model.MaintenanceWindow;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Changes keys under {@code update:} in config.yaml by editing only the lines of those keys, so every
 * other key, their order, blank lines and all comments stay exactly as the operator wrote them
 * (SPEC section 2). A YAML library would reformat the file and drop comments.
 *
 * <p>Every edit is checked by parsing the result: the changed settings must read back as intended and
 * everything else must parse to the same tree as before. If not (an unusual layout such as a flow-style
 * {@code update: {...}}), the edit is refused with a message, and nothing is written.
 */
public final class ConfigEditor {
    private static final Pattern HEADER = Pattern.compile("^update:[ \\t]*(#.*)?$");
    private static final Pattern HEADER_EMPTY_VALUE = Pattern.compile("^update:[ \\t]*(null|~)?[ \\t]*(#.*)?$");
    private static final Pattern PLAIN_SAFE = Pattern.compile("^[A-Za-z0-9_./~@+-][A-Za-z0-9_./~@+:=,-]*$");
    private static final Set<String> RESERVED = Set.of("null", "~", "true", "false", "yes", "no", "on", "off", "y", "n");
    private static final String DEFAULT_INDENT = "  ";

    private ConfigEditor() {}

    /**
     * Returns {@code original} with each given setting set. {@code source} names the file in errors.
     *
     * @throws UpdateException INVALID_CONFIG if the file's layout cannot be edited safely
     */
    public static String apply(String original, Map<SettingKey, Object> changes, String source) {
        String eol = original.contains("\r\n") ? "\r\n" : "\n";
        List<String> lines = splitLines(original);
        for (Map.Entry<SettingKey, Object> change : changes.entrySet()) {
            setKey(lines, change.getKey().id(), change.getValue(), source);
        }
        String edited = String.join(eol, lines) + (lines.isEmpty() ? "" : eol);
        verify(original, edited, changes, source);
        return edited;
    }

    private static List<String> splitLines(String text) {
        List<String> lines = new ArrayList<>();
        if (text.isEmpty()) {
            return lines;
        }
        for (String l : text.split("\r?\n", -1)) {
            lines.add(l);
        }
        if (lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1); // the text ended with a newline
        }
        return lines;
    }

    private static void setKey(List<String> lines, String key, Object value, String source) {
        int header = findHeader(lines, source);
        if (header < 0) {
            if (!lines.isEmpty() && !lines.get(lines.size() - 1).isBlank()) {
                lines.add("");
            }
            lines.add("update:");
            header = lines.size() - 1;
        }
        int end = sectionEnd(lines, header);
        String indent = childIndent(lines, header, end);
        int keyLine = -1;
        for (int i = header + 1; i < end; i++) {
            String l = lines.get(i);
            if (l.startsWith(indent + key + ":") && !Character.isWhitespace(charAt(l, indent.length()))
                    && isKeyEnd(l, indent.length() + key.length() + 1)) {
                keyLine = i;
                break;
            }
        }
        if (keyLine < 0) {
            int insertAt = lastContentLine(lines, header, end) + 1;
            lines.addAll(insertAt, render(indent, key, value, null, List.of()));
            return;
        }
        int valueEnd = valueEnd(lines, keyLine, end, indent);
        List<String> rendered = render(indent, key, value, lines.get(keyLine), lines.subList(keyLine + 1, valueEnd + 1));
        for (int i = valueEnd; i >= keyLine; i--) {
            lines.remove(i);
        }
        lines.addAll(keyLine, rendered);
    }

    private static int findHeader(List<String> lines, String source) {
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            if (HEADER.matcher(l).matches()) {
                return i;
            }
            if (HEADER_EMPTY_VALUE.matcher(l).matches()) {
                String comment = commentOf(l, "update:".length());
                lines.set(i, "update:" + (comment == null ? "" : " " + comment));
                return i;
            }
            if (l.startsWith("update:")) {
                throw InvalidInputException.field(ErrorCode.INVALID_CONFIG, source, "update",
                        "is written on one line (flow style); write it as a block, one key per line "
                                + "(update:, then '  channel: stable' below), so it can be edited without losing comments");
            }
        }
        return -1;
    }

    /** The index after the last line of the section: the next line that starts at column 0 with content. */
    private static int sectionEnd(List<String> lines, int header) {
        for (int i = header + 1; i < lines.size(); i++) {
            String l = lines.get(i);
            if (!l.isBlank() && !Character.isWhitespace(l.charAt(0)) && !l.startsWith("#")) {
                return i;
            }
        }
        return lines.size();
    }

    private static String childIndent(List<String> lines, int header, int end) {
        for (int i = header + 1; i < end; i++) {
            String l = lines.get(i);
            String t = l.strip();
            if (!t.isEmpty() && !t.startsWith("#")) {
                return l.substring(0, l.length() - l.stripLeading().length());
            }
        }
        return DEFAULT_INDENT;
    }

    private static int lastContentLine(List<String> lines, int header, int end) {
        int last = header;
        for (int i = header + 1; i < end; i++) {
            String l = lines.get(i);
            if (!l.isBlank() && Character.isWhitespace(l.charAt(0))) {
                last = i;
            }
        }
        return last;
    }

    /** The last line of a key's value: its own line plus deeper lines and, for lists, "- " items. */
    private static int valueEnd(List<String> lines, int keyLine, int end, String indent) {
        int last = keyLine;
        for (int i = keyLine + 1; i < end; i++) {
            String l = lines.get(i);
            if (l.isBlank()) {
                continue;
            }
            boolean deeper = l.startsWith(indent) && l.length() > indent.length()
                    && Character.isWhitespace(l.charAt(indent.length()));
            boolean sameLevelItem = l.startsWith(indent + "- ") || l.equals(indent + "-");
            if (!deeper && !sameLevelItem) {
                break;
            }
            last = i;
        }
        return last;
    }

    /**
     * The new lines of a key. {@code oldValueLines} are the lines below the key that held its old block
     * value: a list item that stays keeps its trailing comment (e.g. which key is which).
     */
    private static List<String> render(String indent, String key, Object value, String oldLine,
            List<String> oldValueLines) {
        String comment = oldLine == null ? null : commentOf(oldLine, indent.length() + key.length() + 1);
        List<String> out = new ArrayList<>();
        if (value instanceof List<?> list && !list.isEmpty()) {
            out.add(indent + key + ":" + (comment == null ? "" : " " + comment));
            for (Object item : list) {
                String line = indent + "  - " + scalar(item);
                String itemComment = oldItemComment(oldValueLines, item.toString());
                out.add(itemComment == null ? line : line + "   " + itemComment);
            }
            return out;
        }
        String content = indent + key + ": " + (value instanceof List<?> ? "[]" : scalar(value));
        if (comment != null) {
            int oldColumn = oldLine.indexOf(comment);
            content = content + " ".repeat(Math.max(1, oldColumn - content.length())) + comment;
        }
        out.add(content);
        return out;
    }

    private static String oldItemComment(List<String> oldValueLines, String item) {
        for (String l : oldValueLines) {
            String t = l.strip();
            if (t.startsWith("- ")) {
                String c = commentOf(t, 2);
                String v = (c == null ? t.substring(2) : t.substring(2, t.indexOf(c))).strip();
                if (v.equals(item) || v.equals("\"" + item + "\"") || v.equals("'" + item + "'")) {
                    return c;
                }
            }
        }
        return null;
    }

    /** The trailing {@code # comment} of a line, looking from {@code from}, ignoring # inside quotes. */
    static String commentOf(String line, int from) {
        boolean single = false;
        boolean dbl = false;
        for (int i = from; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\'' && !dbl) {
                single = !single;
            } else if (c == '"' && !single && (i == 0 || line.charAt(i - 1) != '\\')) {
                dbl = !dbl;
            } else if (c == '#' && !single && !dbl && (i == from || Character.isWhitespace(line.charAt(i - 1)))) {
                return line.substring(i);
            }
        }
        return null;
    }

    /** A YAML scalar: plain where that reads back as the same string, else double-quoted. */
    static String scalar(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof Boolean b) {
            return b.toString();
        }
        String s;
        if (value instanceof Duration d) {
            s = DurationText.format(d);
        } else if (value instanceof Channel || value instanceof Version || value instanceof MaintenanceWindow) {
            s = value.toString();
        } else {
            s = value.toString();
        }
        boolean plain = PLAIN_SAFE.matcher(s).matches() && !RESERVED.contains(s.toLowerCase(Locale.ROOT))
                && !s.matches("^[-+]?[0-9._]+([eE][-+]?[0-9]+)?$") && !s.startsWith("-") && !s.endsWith(":");
        return plain ? s : "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(s)) + "\"";
    }

    private static char charAt(String s, int i) {
        return i < s.length() ? s.charAt(i) : '\n';
    }

    private static boolean isKeyEnd(String line, int afterColon) {
        return afterColon >= line.length() || Character.isWhitespace(line.charAt(afterColon));
    }

    /** Parses before and after; refuses the edit unless exactly the intended keys changed. */
    private static void verify(String original, String edited, Map<SettingKey, Object> changes, String source) {
        Settings expected = ConfigReader.parse(original, source);
        for (Map.Entry<SettingKey, Object> c : changes.entrySet()) {
            expected = expected.with(c.getKey(), c.getValue());
        }
        Settings actual;
        try {
            actual = ConfigReader.parse(edited, source);
        } catch (UpdateException e) {
            throw cannotEdit(source, e.getMessage());
        }
        if (!expected.equals(actual) || !sameOutside(original, edited, changes, source)) {
            throw cannotEdit(source, "the edited file would not read back as intended");
        }
    }

    private static boolean sameOutside(String original, String edited, Map<SettingKey, Object> changes, String source) {
        JsonNode before = StrictYaml.read(original, source, ErrorCode.INVALID_CONFIG);
        JsonNode after = StrictYaml.read(edited, source, ErrorCode.INVALID_CONFIG);
        if (before == null) {
            return true; // a new file holds only what we wrote
        }
        for (JsonNode n : new JsonNode[] {before, after}) {
            JsonNode update = n.get("update");
            if (update instanceof ObjectNode u) {
                changes.keySet().forEach(k -> u.remove(k.id()));
                if (u.isEmpty()) {
                    ((ObjectNode) n).remove("update");
                }
            } else if (update != null && update.isNull()) {
                ((ObjectNode) n).remove("update");
            }
        }
        return before.equals(after);
    }

    private static UpdateException cannotEdit(String source, String why) {
        return InvalidInputException.field(ErrorCode.INVALID_CONFIG, source, "update",
                "cannot be changed safely without reformatting the file (" + why + "); write the update: section "
                        + "as a block with one key per line, or make the change by hand");
    }
}
