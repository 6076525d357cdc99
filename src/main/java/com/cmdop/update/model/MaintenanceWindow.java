package com.cmdop.update.model;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A maintenance window in UTC: optional days, then a time range, e.g. {@code Mon-Fri 02:00-05:00},
 * {@code Sat,Sun 00:00-06:00} or {@code 22:00-02:00} (every day; a range may cross midnight, and then
 * the days name the day the window opens).
 */
public record MaintenanceWindow(Set<DayOfWeek> days, LocalTime start, LocalTime end, String text) {
    private static final Pattern FORMAT = Pattern.compile(
            "^(?:([A-Za-z]{3}(?:-[A-Za-z]{3})?(?:,[A-Za-z]{3}(?:-[A-Za-z]{3})?)*)\\s+)?"
                    + "([01]\\d|2[0-3]):([0-5]\\d)-([01]\\d|2[0-4]):([0-5]\\d)$");
    private static final List<String> DAY_NAMES = List.of("mon", "tue", "wed", "thu", "fri", "sat", "sun");
    public static final String HELP = "write optional days and a UTC time range, such as \"Mon-Fri 02:00-05:00\", "
            + "\"Sat,Sun 00:00-06:00\" or \"22:00-02:00\"";

    public MaintenanceWindow {
        days = days.isEmpty() ? EnumSet.noneOf(DayOfWeek.class) : EnumSet.copyOf(days);
    }

    public static MaintenanceWindow parse(String input) {
        String s = input == null ? "" : input.strip();
        Matcher m = FORMAT.matcher(s);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + input + "' is not a maintenance window: " + HELP);
        }
        Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
        if (m.group(1) != null) {
            for (String part : m.group(1).split(",")) {
                String[] range = part.split("-");
                int from = day(range[0], input);
                int to = range.length == 2 ? day(range[1], input) : from;
                for (int d = from; ; d = (d + 1) % 7) {
                    days.add(DayOfWeek.of(d + 1));
                    if (d == to) {
                        break;
                    }
                }
            }
        }
        int endHour = Integer.parseInt(m.group(4));
        int endMinute = Integer.parseInt(m.group(5));
        if (endHour == 24 && endMinute != 0) {
            throw new IllegalArgumentException("'" + input + "' is not a maintenance window: 24:00 is the latest end");
        }
        LocalTime start = LocalTime.of(Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)));
        LocalTime end = endHour == 24 ? LocalTime.MAX : LocalTime.of(endHour, endMinute);
        if (start.equals(end)) {
            throw new IllegalArgumentException("'" + input + "' is an empty maintenance window: start equals end");
        }
        return new MaintenanceWindow(days, start, end, s);
    }

    private static int day(String name, String input) {
        int i = DAY_NAMES.indexOf(name.toLowerCase(Locale.ROOT));
        if (i < 0) {
            throw new IllegalArgumentException("'" + input + "': unknown day '" + name + "'; use Mon, Tue, Wed, Thu, Fri, Sat, Sun");
        }
        return i;
    }

    /** Whether the window is open at {@code now}. */
    public boolean isOpen(Instant now) {
        ZonedDateTime t = now.atZone(ZoneOffset.UTC);
        LocalTime time = t.toLocalTime();
        if (start.isBefore(end)) {
            return dayAllowed(t.getDayOfWeek()) && !time.isBefore(start) && time.isBefore(end);
        }
        // crosses midnight: open from start on an allowed day until end on the next day
        if (!time.isBefore(start)) {
            return dayAllowed(t.getDayOfWeek());
        }
        return time.isBefore(end) && dayAllowed(t.getDayOfWeek().minus(1));
    }

    /** {@code from} when the window is open then, else the next moment it opens (within the next week). */
    public Instant nextOpening(Instant from) {
        if (isOpen(from)) {
            return from;
        }
        ZonedDateTime t = from.atZone(ZoneOffset.UTC);
        for (int d = 0; d <= 7; d++) {
            ZonedDateTime opening = t.toLocalDate().plusDays(d).atTime(start).atZone(ZoneOffset.UTC);
            if (opening.isAfter(t) && dayAllowed(opening.getDayOfWeek())) {
                return opening.toInstant();
            }
        }
        throw new IllegalStateException("a window with days and a range opens within a week: " + text);
    }

    private boolean dayAllowed(DayOfWeek d) {
        return days.isEmpty() || days.contains(d);
    }

    @Override
    public String toString() {
        return text;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MaintenanceWindow w && w.days.equals(days) && w.start.equals(start) && w.end.equals(end);
    }

    @Override
    public int hashCode() {
        return days.hashCode() * 31 + start.hashCode() * 17 + end.hashCode();
    }
}
