package com.cmdop.update.cli;

import com.cmdop.update.exec.AppContext;
import com.cmdop.update.install.InstallStatus;
import com.cmdop.update.model.Version;
import com.cmdop.update.schedule.MachineIdentity;
import com.cmdop.update.plan.ScheduleDecision;
import com.cmdop.update.schedule.SchedulerEntry;
import com.cmdop.update.state.Machine;
import com.cmdop.update.state.MachinePaths;
import com.cmdop.update.model.SettingKey;
import com.cmdop.update.model.Settings;
import com.cmdop.update.state.StateFile;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code status}: local state only. No network, no lock, no writes. */
@Command(name = "status",
        versionProvider = ToolVersion.class,
        sortOptions = false,
        usageHelpAutoWidth = true,
        header = "Show settings, agent versions, schedule and paths. Reads only: no network, no lock, no writes.",
        optionListHeading = "%nOptions:%n",
        footerHeading = "%nExamples:%n",
        footer = {
            "  cmdop-update status                         a summary for people",
            "  cmdop-update status --json                  the same as JSON (settings, agent, schedule, paths)",
            "  echo '{\"channel\":\"stable\"}' | cmdop-update status --terraform",
            "                                              Terraform 'external' data source protocol"})
public final class StatusCommand extends BaseCommand {
    @Option(names = "--terraform",
            description = "Terraform 'external' data source: desired settings as a JSON object of strings on "
                    + "stdin, one flat JSON object of strings on stdout.")
    boolean terraform;

    public StatusCommand(AppContext ctx) {
        super(ctx);
    }

    @Override
    protected String commandName() {
        return "status";
    }

    @Override
    protected void run(Report report) {
        Machine machine = openMachine();
        Settings s = machine.settings();
        MachinePaths paths = machine.paths();
        StateFile state = StateFile.load(paths.stateFile(s));
        Version installed = state.installedVersion();
        InstallStatus install = AgentView.read(machine);
        AgentView.fill(report, machine);
        boolean tampered = Boolean.FALSE.equals(install.installedVerified()) && installed != null;
        report.msg(summary(s, install)).inSync(!tampered);
        if (tampered) {
            report.status(Report.DRIFT).warn(paths.installPath(s) + " no longer matches the signed " + installed
                    + " that was installed (replaced by hand?); run 'cmdop-update --version " + installed
                    + "' to reinstall it");
        }
        report.put("settings", RunReports.settingsMap(s, installed));
        report.put("schedule", schedule(machine, state));
        report.put("quarantined", AgentView.quarantined(install));
        report.put("paths", pathsMap(machine));
        report.put("last_change", state.lastChangeJson());
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
                + ", auto-update " + (s.auto() ? "on every " + SettingKey.INTERVAL.toJson(s.interval()) : "off")
                + "; installed " + installed
                + (install.previous() == null ? "" : "; previous " + install.previous().version() + " kept until "
                        + install.previous().expires());
    }

    private Map<String, Object> schedule(Machine machine, StateFile state) {
        SchedulerEntry entry = MachineServices.scheduler(ctx, machine, configFile() != null);
        Settings s = machine.settings();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("auto", s.auto());
        m.put("interval", SettingKey.INTERVAL.toJson(s.interval()));
        m.put("window", s.window() == null ? null : s.window().toString());
        m.put("kind", entry.usesSystemd() ? "systemd" : "cron");
        m.put("entry", entry.state().name().toLowerCase(Locale.ROOT));
        StateFile.LastCheck last = state.lastCheck();
        ScheduleDecision.Result d = ScheduleDecision.decide(s, state.lastCheckTime(), ctx.clock().instant(),
                MachineIdentity.of(machine.paths().root()));
        m.put("last_check", last == null ? null : last.time().toString());
        m.put("last_result", last == null ? null : last.result());
        m.put("next_check", d.due() ? ctx.clock().instant().toString()
                : d.nextCheck() == null ? null : d.nextCheck().toString());
        m.put("next_check_note", d.reason());
        return m;
    }

    private static Map<String, Object> pathsMap(Machine machine) {
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
        m.put("heartbeat_file", p.heartbeatFile(s).toString());
        return m;
    }

    @Override
    protected void renderText(Report report) {
        if (globals().quiet()) {
            return;
        }
        PrintStream out = ctx.out();
        out.println(report.msg());
        print(out, "settings", report.extra("settings"));
        print(out, "schedule", report.extra("schedule"));
        print(out, "agent", report.agent());
        print(out, "paths", report.extra("paths"));
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
        ((Map<String, Object>) map).forEach((k, v) -> out.println("  " + Output.padRight(k + ":", 16)
                + (v == null ? "none" : v)));
    }
}
