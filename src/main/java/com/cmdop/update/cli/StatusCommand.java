package com.cmdop.update.cli;

import com.cmdop.update.exec.AppContext;
import com.cmdop.update.exec.StatusReader;
import com.cmdop.update.install.InstallStatus;
import com.cmdop.update.model.Setting;
import com.cmdop.update.model.Settings;
import com.cmdop.update.state.Machine;
import com.cmdop.update.state.MachinePaths;
import com.cmdop.update.monitor.MetricsFile;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code status}: local state only. No network, no lock, no writes. */
@Command(name = "status",
        versionProvider = ToolVersion.class,
        addMethodSubcommands = false, // no @Command methods here: spare every run picocli's scan for them
        sortOptions = false,
        usageHelpAutoWidth = true,
        header = "Show settings, agent versions, schedule and paths. Reads only: no network, no lock, no writes.",
        optionListHeading = "%nOptions:%n",
        footerHeading = "%nExamples:%n",
        footer = {
            "  cmdop-update status                         a summary for people",
            "  cmdop-update status --json                  the same as JSON (settings, agent, schedule, paths)",
            "  cmdop-update status --prometheus /var/lib/prometheus/node-exporter/cmdop_update.prom",
            "                                              node_exporter textfile metrics",
            "  echo '{\"channel\":\"stable\"}' | cmdop-update status --terraform",
            "                                              Terraform 'external' data source protocol"})
public final class StatusCommand extends BaseCommand {
    @Option(names = "--terraform",
            description = "Terraform 'external' data source: desired settings as a JSON object of strings on "
                    + "stdin, one flat JSON object of strings on stdout.")
    boolean terraform;

    @Option(names = "--prometheus", paramLabel = "FILE",
            description = "Also write node_exporter textfile metrics (cmdop_update_*) to FILE, atomically.")
    Path prometheus;

    public StatusCommand(AppContext ctx) {
        super(ctx);
    }

    @Override
    protected String commandName() {
        return "status";
    }

    @Override
    protected void run(Report report) {
        StatusReader.Status st = new StatusReader(ctx).read(openMachine());
        Settings s = st.settings();
        AgentView.fill(report, st.machine());
        report.msg(summary(s, st.install())).inSync(!st.modified() || s.hold());
        if (st.modified() && !s.hold()) {
            report.status(Report.DRIFT).warn(st.machine().paths().installPath(s) + " no longer matches the signed "
                    + st.installedVersion() + " that was installed (replaced by hand?); run 'cmdop-update --version "
                    + st.installedVersion() + "' to reinstall it");
        }
        report.put("settings", RunReports.settingsMap(s, st.installedVersion()));
        report.put("schedule", schedule(s, st.schedule()));
        report.put("quarantined", AgentView.quarantined(st.install()));
        report.put("mode", st.machine().paths().layout().mode());
        report.put("paths", pathsMap(st.machine(), st.schedule()));
        report.put("health", health(st.machine().settings()));
        report.put("last_change", st.lastChange());
        if (prometheus != null) {
            Path file = absolute(prometheus);
            MetricsFile.write(file, st);
            report.put("prometheus_file", file.toString());
        }
    }

    @Override
    public Integer call() {
        return terraform ? new TerraformDataSource(ctx, this::openMachineFor, rootDir()).run() : super.call();
    }

    private String summary(Settings s, InstallStatus install) {
        String installed = install.installedVersion() == null ? "version unknown"
                : install.installedVersion() + (Boolean.TRUE.equals(install.installedVerified()) ? " (verified)"
                        : Boolean.FALSE.equals(install.installedVerified()) ? " (NOT verified)" : "");
        return "channel " + s.channel() + (s.pin() == null ? "" : ", pinned to " + s.pin())
                + (s.hold() ? ", held (the installed binary is kept)" : "")
                + ", auto-update " + (s.auto() ? "on every " + Setting.INTERVAL.toJson(s.interval()) : "off")
                + "; installed " + installed
                + (install.previous() == null ? "" : "; previous " + install.previous().version() + " kept until "
                        + install.previous().expires());
    }

    private static Map<String, Object> schedule(Settings s, StatusReader.Schedule sch) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("auto", s.auto());
        m.put("interval", Setting.INTERVAL.toJson(s.interval()));
        m.put("window", Setting.WINDOW.toJson(s.window()));
        m.put("kind", sch.kind());
        m.put("entry", sch.entry().name().toLowerCase(Locale.ROOT));
        m.put("last_check", sch.lastCheck());
        m.put("last_result", sch.lastResult());
        m.put("last_error", sch.lastError());
        m.put("next_check", sch.nextCheck() == null ? null : sch.nextCheck().toString());
        m.put("next_check_note", sch.note());
        return m;
    }

    private static Map<String, Object> pathsMap(Machine machine, StatusReader.Schedule schedule) {
        Settings s = machine.settings();
        MachinePaths p = machine.paths();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("root", p.root().toString());
        m.put("config", p.config().toString());
        m.put("config_exists", machine.config().exists());
        m.put("install_path", p.installPath(s).toString());
        m.put("data_dir", p.dataDir(s).toString());
        m.put("log_file", p.agentLog(s).toString());
        m.put("audit_file", p.auditLog(s).toString());
        m.put("heartbeat_file", p.heartbeatFile(s) == null ? null : p.heartbeatFile(s).toString());
        m.put("scheduler", schedule.location());
        return m;
    }

    /** How a restarted agent is judged (issue #10.4): the heartbeat file, the command, both, or the restart only. */
    private static Map<String, Object> health(Settings s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("judged_by", s.service().healthJudgedBy());
        m.put("heartbeat_file", s.service().heartbeatFile());
        m.put("health_check", s.service().healthCheck().isEmpty() ? null : String.join(" ", s.service().healthCheck()));
        m.put("timeout", Setting.HEARTBEAT_TIMEOUT.toJson(s.service().heartbeatTimeout()));
        return m;
    }

    @Override
    protected void renderText(Report report) {
        if (globals().quiet()) {
            return;
        }
        PrintStream out = ctx.out();
        out.println(report.msg());
        out.println("mode: " + report.extra("mode"));
        print(out, "settings", report.extra("settings"));
        print(out, "schedule", report.extra("schedule"));
        print(out, "agent", report.agent());
        print(out, "paths", report.extra("paths"));
        print(out, "health", report.extra("health"));
        List<Map<String, Object>> q = quarantinedOf(report);
        out.println("quarantined: " + (q.isEmpty() ? "none" : ""));
        q.forEach(e -> out.println("  " + e.get("version") + ": " + e.get("reason") + " (since " + e.get("since") + ")"));
        Object last = report.extra("last_change");
        out.println("last change: " + (last == null ? "none recorded" : last));
        out.flush();
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> quarantinedOf(Report report) {
        Object q = report.extra("quarantined");
        return q == null ? List.of() : (List<Map<String, Object>>) q;
    }

    @SuppressWarnings("unchecked")
    private static void print(PrintStream out, String title, Object map) {
        out.println(title + ":");
        Map<String, Object> m = (Map<String, Object>) map;
        // one column per section, as wide as its longest key (service.health_check is 21)
        int width = Math.max(16, m.keySet().stream().mapToInt(k -> k.length() + 2).max().orElse(0));
        m.forEach((k, v) -> out.println("  " + Output.padRight(k + ":", width) + (v == null ? "none" : v)));
    }
}
