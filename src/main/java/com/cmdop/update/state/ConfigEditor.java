package com.cmdop.update.state;

import com.cmdop.update.model.Setting;
import com.cmdop.update.model.Settings;

import com.cmdop.update.model.error.ErrorCode;
import com.cmdop.update.model.error.InvalidInputException;
import com.cmdop.update.model.error.UpdateException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
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
    public static String apply(String original, Map<Setting<?>, Object> changes, String source) {
        String eol = original.contains("\r\n") ? "\r\n" : "\n";
        List<String> lines = splitLines(original);
        // in the order of their names, so the same changes always give the same file
        for (Map.Entry<Setting<?>, Object> change : changes.entrySet().stream()
                .sorted(Map.Entry.comparingByKey(java.util.Comparator.comparing(Setting::id))).toList()) {
            Setting<?> setting = change.getKey();
            Section section = updateSection(lines, source);
            List<String> path = setting.path();
            for (String parent : path.subList(0, path.size() - 1)) {
                section = childSection(lines, section, parent, source);
            }
            setKey(lines, section, path.get(path.size() - 1), setting.toJson(change.getValue()));
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

    /**
     * A block mapping in the file: its key line ({@code -1} for none yet), where its lines end, and the
     * indent of its keys.
     */
    private record Section(int header, int end, String indent) {}

    /** The {@code update:} section, appended at the end of the file when there is none. */
    private static Section updateSection(List<String> lines, String source) {
        int header = findHeader(lines, source);
        if (header < 0) {
            if (!lines.isEmpty() && !lines.get(lines.size() - 1).isBlank()) {
                lines.add("");
            }
            lines.add("update:");
            header = lines.size() - 1;
        }
        return section(lines, header, "");
    }

    private static Section section(List<String> lines, int header, String headerIndent) {
        int end = sectionEnd(lines, header, headerIndent.length());
        return new Section(header, end, childIndent(lines, header, end, headerIndent + DEFAULT_INDENT));
    }

    /** The nested block mapping {@code key:} inside {@code parent}, created empty at its end when missing. */
    private static Section childSection(List<String> lines, Section parent, String key, String source) {
        int line = keyLine(lines, parent, key);
        if (line < 0) {
            line = lastContentLine(lines, parent.header(), parent.end()) + 1;
            lines.add(line, parent.indent() + key + ":");
        } else if (!valueText(lines.get(line), parent.indent().length() + key.length() + 1).isEmpty()) {
            String rest = valueText(lines.get(line), parent.indent().length() + key.length() + 1);
            if (!rest.equals("null") && !rest.equals("~")) {
                throw InvalidInputException.field(ErrorCode.INVALID_CONFIG, source, "update." + key,
                        "is written on one line (flow style); write it as a block, one key per line, so it can be "
                                + "edited without losing comments");
            }
            String comment = commentOf(lines.get(line), parent.indent().length() + key.length() + 1);
            lines.set(line, parent.indent() + key + ":" + (comment == null ? "" : " " + comment));
        }
        return section(lines, line, parent.indent());
    }

    /** The text after {@code key:} up to a comment, stripped. */
    private static String valueText(String line, int afterColon) {
        String comment = commentOf(line, afterColon);
        String value = comment == null ? line.substring(afterColon) : line.substring(afterColon, line.indexOf(comment, afterColon));
        return value.strip();
    }

    private static int keyLine(List<String> lines, Section section, String key) {
        String indent = section.indent();
        for (int i = section.header() + 1; i < section.end(); i++) {
            String l = lines.get(i);
            if (l.startsWith(indent + key + ":") && !Character.isWhitespace(charAt(l, indent.length()))
                    && isKeyEnd(l, indent.length() + key.length() + 1)) {
                return i;
            }
        }
        return -1;
    }

    private static void setKey(List<String> lines, Section section, String key, Object value) {
        String indent = section.indent();
        int keyLine = keyLine(lines, section, key);
        if (keyLine < 0) {
            int insertAt = lastContentLine(lines, section.header(), section.end()) + 1;
            lines.addAll(insertAt, render(indent, key, value, null, List.of()));
            return;
        }
        int valueEnd = valueEnd(lines, keyLine, section.end(), indent);
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

    /**
     * The index after the last line of a section: the next content line indented no deeper than its
     * key line ({@code headerIndent}); blank lines and comments never end a section.
     */
    private static int sectionEnd(List<String> lines, int header, int headerIndent) {
        for (int i = header + 1; i < lines.size(); i++) {
            String l = lines.get(i);
            String t = l.strip();
            if (!t.isEmpty() && !t.startsWith("#") && l.length() - l.stripLeading().length() <= headerIndent) {
                return i;
            }
        }
        return lines.size();
    }

    private static String childIndent(List<String> lines, int header, int end, String fallback) {
        for (int i = header + 1; i < end; i++) {
            String l = lines.get(i);
            String t = l.strip();
            if (!t.isEmpty() && !t.startsWith("#")) {
                return l.substring(0, l.length() - l.stripLeading().length());
            }
        }
        return fallback;
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
        String s = value.toString();
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
    private static void verify(String original, String edited, Map<Setting<?>, Object> changes, String source) {
        Settings expected = ConfigReader.parse(original, source);
        for (Map.Entry<Setting<?>, Object> c : changes.entrySet()) {
            expected = expected.withRaw(c.getKey(), c.getValue());
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

    private static boolean sameOutside(String original, String edited, Map<Setting<?>, Object> changes, String source) {
        JsonNode before = StrictYaml.read(original, source, ErrorCode.INVALID_CONFIG);
        JsonNode after = StrictYaml.read(edited, source, ErrorCode.INVALID_CONFIG);
        if (before == null) {
            return true; // a new file holds only what we wrote
        }
        for (JsonNode n : new JsonNode[] {before, after}) {
            for (Setting<?> changed : changes.keySet()) {
                remove(n, "update", changed.path());
            }
        }
        return before.equals(after);
    }

    /** Removes the key at {@code path} below {@code n.key}, and mappings that it leaves empty (or null). */
    private static void remove(JsonNode n, String key, List<String> path) {
        JsonNode child = n.get(key);
        if (child instanceof ObjectNode o && !path.isEmpty()) {
            if (path.size() == 1) {
                o.remove(path.get(0));
            } else {
                remove(o, path.get(0), path.subList(1, path.size()));
            }
        }
        child = n.get(key);
        if (child != null && (child.isNull() || (child instanceof ObjectNode o && o.isEmpty()))) {
            ((ObjectNode) n).remove(key);
        }
    }

    private static UpdateException cannotEdit(String source, String why) {
        return InvalidInputException.field(ErrorCode.INVALID_CONFIG, source, "update",
                "cannot be changed safely without reformatting the file (" + why + "); write the update: section "
                        + "as a block with one key per line, or make the change by hand");
    }
}
