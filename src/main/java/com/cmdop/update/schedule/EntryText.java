package com.cmdop.update.schedule;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The text of the scheduler entries. {@code command} is the argv of the scheduled run; {@code env} the proxy
 * variables it needs (SPEC section 11: carried into the entries); {@code log} where cron's output goes.
 */
final class EntryText {
    static final String MANAGED = "# Managed by cmdop-update (update.auto: true); removed by 'cmdop-update --auto off'.";
    static final String BEGIN = "# BEGIN cmdop-update: managed by 'cmdop-update --auto on|off'; edits here are replaced";
    static final String END = "# END cmdop-update";

    private EntryText() {}

    static String service(List<String> command, Map<String, String> env) {
        // '%' is a specifier for systemd
        String cmd = shellLine(command).replace("%", "%%");
        String environment = env.entrySet().stream()
                .map(e -> "Environment=\"" + (e.getKey() + "=" + e.getValue()).replace("\\", "\\\\").replace("\"", "\\\"")
                        .replace("%", "%%") + "\"\n")
                .collect(Collectors.joining());
        return MANAGED + """

                [Unit]
                Description=Check for and install CMDOP agent updates when due
                Documentation=man:cmdop-update(1)
                After=network-online.target
                Wants=network-online.target

                [Service]
                Type=oneshot
                %sExecStart=%s
                """.formatted(environment, cmd);
    }

    static String timer(String wantedBy) {
        return MANAGED + """

                [Unit]
                Description=Run cmdop-update --scheduled every 15 minutes

                [Timer]
                OnBootSec=5min
                OnUnitActiveSec=15min
                RandomizedDelaySec=60

                [Install]
                WantedBy=%s
                """.formatted(wantedBy);
    }

    /** The cron.d file: runs as root; the output goes to the agent log. */
    static String cronD(List<String> command, Map<String, String> env, String log) {
        return MANAGED + """

                # --scheduled exits at once unless a check is due (update.interval, with jitter).
                SHELL=/bin/sh
                PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
                */15 * * * * root %s
                """.formatted(cronCommand(command, env, log));
    }

    /** The lines of the marked block in a user's crontab (without a trailing newline). */
    static List<String> crontabBlock(List<String> command, Map<String, String> env, String log) {
        return List.of(BEGIN, "*/15 * * * * " + cronCommand(command, env, log), END);
    }

    private static String cronCommand(List<String> command, Map<String, String> env, String log) {
        String assignments = env.entrySet().stream().map(e -> e.getKey() + "=" + shellQuote(e.getValue()) + " ")
                .collect(Collectors.joining());
        // '%' means a newline to cron
        return (assignments + shellLine(command) + " >>" + shellQuote(log) + " 2>&1").replace("%", "\\%");
    }

    static String shellLine(List<String> argv) {
        return String.join(" ", argv.stream().map(EntryText::shellQuote).toList());
    }

    static String shellQuote(String word) {
        if (word.matches("[A-Za-z0-9_./=:@+-]+")) {
            return word;
        }
        return "'" + word.replace("'", "'\\''") + "'";
    }
}
