package com.cmdop.update.cli;

import com.cmdop.update.io.SafeText;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code --check --format nagios}: one line in the Nagios plugin format, {@code SERVICE STATE - text |
 * perfdata}, and the plugin exit codes: 0 OK (up to date), 1 WARNING (an update is waiting, or an advisory
 * of low or medium severity affects this machine), 2 CRITICAL (a high or critical advisory affects it, or
 * its binary matches no signed release), 3 UNKNOWN (the check itself failed).
 */
final class NagiosOutput {
    static final int OK = 0;
    static final int WARNING = 1;
    static final int CRITICAL = 2;
    static final int UNKNOWN = 3;
    private static final String SERVICE = "CMDOP UPDATE";
    private static final List<String> SEVERE = List.of("critical", "high");

    private NagiosOutput() {}

    /** Prints the check's line; returns the plugin exit code. */
    static int render(java.io.PrintStream out, Report report) {
        long severe = report.advisories().stream().filter(NagiosOutput::severe).count();
        boolean modified = report.drift().stream().anyMatch(d -> d.setting().equals("binary"));
        boolean waiting = Boolean.TRUE.equals(report.extra("update_available"));
        int state = severe > 0 || modified ? CRITICAL : waiting || !report.advisories().isEmpty() ? WARNING : OK;
        String text = report.msg() + (modified ? "; the installed binary matches no signed release" : "")
                + (report.advisories().isEmpty() ? "" : "; " + report.advisories().size() + " advisor"
                        + (report.advisories().size() == 1 ? "y" : "ies") + " (" + severe + " high or critical)");
        out.println(SERVICE + " " + name(state) + " - " + oneLine(text) + " | update_available=" + (waiting ? 1 : 0)
                + ";;;0;1 advisories=" + report.advisories().size() + ";;;0 advisories_severe=" + severe + ";;;0");
        out.flush();
        return state;
    }

    /** The check failed: UNKNOWN with the reason, as the plugin guidelines ask. */
    static int failed(java.io.PrintStream out, String message) {
        out.println(SERVICE + " " + name(UNKNOWN) + " - " + oneLine(message));
        out.flush();
        return UNKNOWN;
    }

    private static boolean severe(Object advisory) {
        Object severity = advisory instanceof Map<?, ?> m ? m.get("severity") : null;
        return severity != null && SEVERE.contains(severity.toString().toLowerCase(Locale.ROOT));
    }

    private static String name(int state) {
        return switch (state) {
            case OK -> "OK";
            case WARNING -> "WARNING";
            case CRITICAL -> "CRITICAL";
            default -> "UNKNOWN";
        };
    }

    /** One line, no '|' (it starts the perfdata), no control characters from outside input. */
    private static String oneLine(String s) {
        return SafeText.forTerminal(s.replace('\n', ' ').replace('\r', ' ')).replace('|', '/');
    }
}
