package com.cmdop.update.monitor;

import com.cmdop.update.exec.StatusReader;
import com.cmdop.update.install.Quarantine;
import com.cmdop.update.model.Advisory;
import com.cmdop.update.model.Settings;
import com.cmdop.update.model.Version;
import com.cmdop.update.state.StateFile;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A machine's update state as node_exporter textfile metrics (Prometheus text exposition format 0.0.4),
 * every name prefixed {@code cmdop_update_} (SPEC section 11). Built from local state only: what the last
 * successful check learned of the feed is kept in state.json, so the file can be written without the network.
 * Times are Unix timestamps (a textfile is read long after it is written, so an age would be stale):
 * alert on {@code time() - cmdop_update_last_success_timestamp_seconds}.
 */
public final class PrometheusText {
    /** Severities always present, so a dashboard's series exist before the first advisory. */
    static final List<String> SEVERITIES = List.of("low", "medium", "high", "critical");

    private final StringBuilder out = new StringBuilder();

    private PrometheusText() {}

    public static String render(StatusReader.Status st) {
        PrometheusText t = new PrometheusText();
        t.write(st);
        return t.out.toString();
    }

    private void write(StatusReader.Status st) {
        Settings s = st.settings();
        Version installed = st.installedVersion();
        String installedText = installed != null ? installed.toString()
                : st.install().installedVersion() != null ? st.install().installedVersion() : "none";
        StateFile.LastSuccess success = st.lastSuccess();
        StatusReader.Schedule sch = st.schedule();

        metric("agent_info", "The installed CMDOP agent (the value is always 1).",
                labels("version", installedText, "channel", s.channel().toString(), "mode",
                        st.machine().paths().layout().mode()), 1);
        Version available = success == null ? null : success.availableVersion();
        boolean quarantined = available != null && st.install().quarantined().stream()
                .map(Quarantine.Entry::version).anyMatch(available::equals);
        boolean waiting = available != null && (installed == null || available.isNewerThan(installed))
                && s.pin() == null && !s.hold() && !quarantined;
        metric("update_available", "1 when the channel's version at the last successful check is newer than the "
                + "installed one and would be installed (not pinned, held or quarantined).", "", waiting ? 1 : 0);
        if (available != null) {
            metric("available_info", "The channel's version at the last successful check (the value is always 1).",
                    labels("version", available.toString()), 1);
        }
        Map<String, Integer> bySeverity = new LinkedHashMap<>();
        SEVERITIES.forEach(sev -> bySeverity.put(sev, 0));
        if (success != null) {
            for (Advisory a : success.advisories()) {
                if (a.affects(installed)) {
                    bySeverity.merge(a.severity() == null ? "unknown" : a.severity().toLowerCase(Locale.ROOT), 1,
                            Integer::sum);
                }
            }
        }
        List<String> lines = new ArrayList<>();
        bySeverity.forEach((sev, n) -> lines.add(labels("severity", sev) + " " + n));
        family("advisories", "Advisories affecting the installed version, by severity (as of the last successful "
                + "check).", lines);
        metric("pinned", "1 when a version is pinned (update.pin).", "", s.pin() == null ? 0 : 1);
        metric("held", "1 when the installed binary is held (update.hold).", "", s.hold() ? 1 : 0);
        metric("auto", "1 when auto-update is on (update.auto).", "", s.auto() ? 1 : 0);
        metric("binary_modified", "1 when the installed binary matches no signed release.", "",
                st.modified() && !s.hold() ? 1 : 0);
        metric("quarantined_versions", "Versions not installed automatically (quarantine list).", "",
                st.install().quarantined().size());
        if (sch.lastCheck() != null) {
            metric("last_check_timestamp_seconds", "When the last update check ran (Unix time).", "",
                    seconds(Instant.parse(sch.lastCheck())));
            metric("last_result", "The result of the last update check, with its error code (the value is always 1).",
                    labels("result", sch.lastResult(), "error", sch.lastError() == null ? "" : sch.lastError()), 1);
            metric("last_check_success", "1 when the last update check succeeded.", "",
                    "ok".equals(sch.lastResult()) ? 1 : 0);
        }
        metric("check_failures", "Update checks that failed in a row, up to the last one.", "", st.checkFailures());
        if (success != null) {
            metric("last_success_timestamp_seconds", "When the last successful update check ran (Unix time).", "",
                    seconds(success.time()));
        }
        if (sch.nextCheck() != null) {
            metric("next_check_timestamp_seconds", "When the next scheduled check is due (Unix time).", "",
                    seconds(sch.nextCheck()));
        }
    }

    private void metric(String name, String help, String labels, long value) {
        family(name, help, List.of(labels + " " + value));
    }

    private void family(String name, String help, List<String> samples) {
        String full = "cmdop_update_" + name;
        out.append("# HELP ").append(full).append(' ').append(help.replace("\\", "\\\\").replace("\n", "\\n"))
                .append('\n');
        out.append("# TYPE ").append(full).append(" gauge\n");
        samples.forEach(s -> out.append(full).append(s).append('\n'));
    }

    /** {@code {a="x",b="y"}} with each value escaped as the exposition format requires. */
    static String labels(String... pairs) {
        StringBuilder b = new StringBuilder("{");
        for (int i = 0; i < pairs.length; i += 2) {
            if (i > 0) {
                b.append(',');
            }
            b.append(pairs[i]).append("=\"").append(escape(pairs[i + 1])).append('"');
        }
        return b.append('}').toString();
    }

    static String escape(String value) {
        return value == null ? "" : value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    private static long seconds(Instant t) {
        return t.getEpochSecond();
    }
}
