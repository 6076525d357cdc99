package com.cmdop.update.model;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as people write them in config.yaml and on the command line: a whole number and one unit,
 * {@code s}, {@code m}, {@code h} or {@code d} ({@code 90s}, {@code 15m}, {@code 6h}, {@code 7d}).
 * A bare number is refused on purpose: {@code interval: 5} is ambiguous.
 */
public final class DurationText {
    private static final Pattern FORMAT = Pattern.compile("^([0-9]{1,6})([smhd])$");

    private DurationText() {}

    public static Duration parse(String text) {
        Matcher m = text == null ? null : FORMAT.matcher(text.strip());
        if (m == null || !m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration: write a whole number and a unit "
                    + "s, m, h or d, such as 15m, 6h or 7d");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    /** Parses and checks {@code min <= d <= max}; the message names the range in the same notation. */
    public static Duration parseWithin(String text, String min, String max) {
        Duration d = parse(text);
        if (d.compareTo(parse(min)) < 0 || d.compareTo(parse(max)) > 0) {
            throw new IllegalArgumentException("'" + text.strip() + "' is out of range: use " + min + " .. " + max);
        }
        return d;
    }

    /** The shortest text that {@link #parse} reads back as {@code d}. */
    public static String format(Duration d) {
        long s = d.getSeconds();
        // whole days from 2d on; 24h stays 24h, as people write it
        if (s % 86400 == 0 && s > 86400) {
            return s / 86400 + "d";
        }
        if (s % 3600 == 0 && s > 0) {
            return s / 3600 + "h";
        }
        if (s % 60 == 0 && s > 0) {
            return s / 60 + "m";
        }
        return s + "s";
    }
}
