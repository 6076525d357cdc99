package com.cmdop.update.cli;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Collections;
import picocli.CommandLine;
import picocli.CommandLine.Model.UsageMessageSpec;

/**
 * How help text is laid out: as wide as the terminal, and never breaking a word.
 *
 * <p>The width is {@code COLUMNS} from the run's environment when it is set (as a shell or {@code env
 * COLUMNS=160} does), else picocli's detection of the terminal (the commands declare
 * {@code usageHelpAutoWidth}), else 80. picocli wraps free text (header, description, footer) at any line
 * break opportunity, which splits {@code ~/.cmdop-publish/cmdop.key} after its dot; those sections are
 * rendered here instead, breaking only at spaces: a word longer than the line is left whole and the line
 * overflows, so a path or a command copied from the help is always intact.
 */
final class HelpLayout {
    /** picocli refuses narrower usage widths. */
    static final int MIN_WIDTH = 55;
    static final int MAX_WIDTH = 1000;
    private static final int CONTINUATION = 4;

    private HelpLayout() {}

    /** Applies the width and the word-keeping renderers to {@code root} and every command below it. */
    static void apply(CommandLine root, Map<String, String> env) {
        Integer columns = columns(env.get("COLUMNS"));
        if (columns != null) {
            root.setUsageHelpAutoWidth(false);
            root.setUsageHelpWidth(columns);
        }
        for (CommandLine c : tree(root)) {
            Map<String, CommandLine.IHelpSectionRenderer> sections = c.getHelpSectionMap();
            sections.put(UsageMessageSpec.SECTION_KEY_HEADER, help -> text(help.commandSpec().usageMessage().header(),
                    help.commandSpec().usageMessage().width()));
            sections.put(UsageMessageSpec.SECTION_KEY_DESCRIPTION, help -> text(
                    help.commandSpec().usageMessage().description(), help.commandSpec().usageMessage().width()));
            sections.put(UsageMessageSpec.SECTION_KEY_FOOTER, help -> text(help.commandSpec().usageMessage().footer(),
                    help.commandSpec().usageMessage().width()));
            sections.put(UsageMessageSpec.SECTION_KEY_SYNOPSIS, rewrapped(sections.get(
                    UsageMessageSpec.SECTION_KEY_SYNOPSIS), HelpLayout::synopsis));
            for (String table : List.of(UsageMessageSpec.SECTION_KEY_OPTION_LIST,
                    UsageMessageSpec.SECTION_KEY_PARAMETER_LIST, UsageMessageSpec.SECTION_KEY_COMMAND_LIST)) {
                sections.put(table, rewrapped(sections.get(table), HelpLayout::table));
            }
            c.setHelpSectionMap(sections);
        }
    }

    /** Wraps rendered text of a section for a width; knows the section's shape. */
    @FunctionalInterface
    private interface Rewrap {
        String apply(String unwrapped, int width, CommandLine.Help help);
    }

    /**
     * picocli's renderer run at a width where it breaks nothing, its lines then wrapped at spaces here.
     */
    private static CommandLine.IHelpSectionRenderer rewrapped(CommandLine.IHelpSectionRenderer original, Rewrap rewrap) {
        return help -> {
            UsageMessageSpec usage = help.commandSpec().usageMessage();
            int width = usage.width();
            boolean auto = usage.autoWidth();
            String unwrapped;
            usage.autoWidth(false).width(MAX_WIDTH);
            try {
                unwrapped = original.render(help);
            } finally {
                usage.width(width).autoWidth(auto);
            }
            return rewrap.apply(unwrapped, width, help);
        };
    }

    /**
     * The synopsis follows its heading ("Usage: ") on the first line; continuation lines start under the
     * first option, as picocli's own do.
     */
    private static String synopsis(String unwrapped, int width, CommandLine.Help help) {
        if (unwrapped.isEmpty()) {
            return "";
        }
        int heading = help.synopsisHeadingLength();
        int under = heading + help.commandSpec().qualifiedName().length() + 1;
        String indent = " ".repeat(under <= width / 2 ? under : heading);
        StringBuilder out = new StringBuilder();
        boolean first = true;
        for (String line : unwrapped.split("\\R", -1)) {
            if (line.isEmpty() && !first) {
                continue;
            }
            wrap(line, first ? width - heading : width, width, indent, out);
            first = false;
        }
        return out.toString();
    }

    /**
     * An option, parameter or command list: two columns, the text column starting after the first gap of
     * two or more spaces; a continuation line starts two further in, as picocli's own do.
     */
    private static String table(String unwrapped, int width, CommandLine.Help help) {
        if (unwrapped.isEmpty()) {
            return "";
        }
        StringBuilder out = new StringBuilder();
        String[] lines = unwrapped.split("\\R", -1);
        int count = unwrapped.endsWith("\n") ? lines.length - 1 : lines.length;
        for (int i = 0; i < count; i++) {
            String line = lines[i];
            int column = textColumn(line);
            wrap(line, width, width, " ".repeat(Math.min(column + 2, width / 2)), out);
        }
        return out.toString();
    }

    /** Where a row's text column starts: after the first run of 2+ spaces that follows text; else its indent. */
    static int textColumn(String line) {
        int lead = 0;
        while (lead < line.length() && line.charAt(lead) == ' ') {
            lead++;
        }
        int gap = line.indexOf("  ", lead);
        if (gap < 0) {
            return lead;
        }
        int text = gap;
        while (text < line.length() && line.charAt(text) == ' ') {
            text++;
        }
        return text < line.length() ? text : lead;
    }

    /** The width COLUMNS asks for, clamped to what picocli accepts; null when unset or not a number. */
    static Integer columns(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            int n = Integer.parseInt(value.strip());
            return n <= 0 ? null : Math.max(MIN_WIDTH, Math.min(MAX_WIDTH, n));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static List<CommandLine> tree(CommandLine root) {
        Set<CommandLine> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        List<CommandLine> all = new ArrayList<>();
        List<CommandLine> todo = new ArrayList<>(List.of(root));
        while (!todo.isEmpty()) {
            CommandLine c = todo.remove(todo.size() - 1);
            if (seen.add(c)) {
                all.add(c);
                todo.addAll(c.getSubcommands().values()); // aliases map to the same CommandLine
            }
        }
        return all;
    }

    /** The lines of a section (picocli's %n and %% honoured), each wrapped at spaces, one per output line. */
    static String text(String[] lines, int width) {
        StringBuilder out = new StringBuilder();
        for (String line : lines) {
            for (String part : line.replace("%n", "\n").replace("%%", "%").split("\n", -1)) {
                wrap(part, width, out);
            }
        }
        return out.toString();
    }

    /**
     * Appends {@code line} as lines of at most {@code width} characters, broken only at spaces; a
     * continuation is indented like the line (by 4 more when the line is indented, as examples are).
     */
    static void wrap(String line, int width, StringBuilder out) {
        int lead = 0;
        while (lead < line.length() && line.charAt(lead) == ' ') {
            lead++;
        }
        wrap(line, width, width, " ".repeat(lead == 0 ? 0 : lead + CONTINUATION), out);
    }

    /**
     * Appends {@code line} broken only at spaces: its first output line holds at most {@code firstWidth}
     * characters, the others {@code width} including {@code indent}. A word longer than that stays whole.
     */
    static void wrap(String line, int firstWidth, int width, String indent, StringBuilder out) {
        String nl = System.lineSeparator();
        int lead = 0;
        while (lead < line.length() && line.charAt(lead) == ' ') {
            lead++;
        }
        StringBuilder current = new StringBuilder(line.substring(0, lead));
        int limit = firstWidth;
        boolean empty = true; // nothing but indentation on the current line yet
        int i = lead;
        while (i < line.length()) {
            int gapEnd = i;
            while (gapEnd < line.length() && line.charAt(gapEnd) == ' ') {
                gapEnd++;
            }
            int wordEnd = gapEnd;
            while (wordEnd < line.length() && line.charAt(wordEnd) != ' ') {
                wordEnd++;
            }
            String gap = line.substring(i, gapEnd);
            String word = line.substring(gapEnd, wordEnd);
            if (!empty && !word.isEmpty() && current.length() + gap.length() + word.length() > limit) {
                out.append(current).append(nl);
                current = new StringBuilder(indent).append(word);
                limit = width;
            } else {
                current.append(gap).append(word);
            }
            empty = current.toString().isBlank();
            i = wordEnd;
        }
        out.append(current.toString().stripTrailing()).append(nl);
    }
}
