package com.cmdop.update.cli;

import com.cmdop.update.AppContext;
import com.cmdop.update.release.Version;
import com.cmdop.update.schedule.SchedulerEntry;
import com.cmdop.update.state.Machine;
import com.cmdop.update.state.MachinePaths;
import com.cmdop.update.state.Settings;
import com.cmdop.update.state.StateStore;
import java.io.PrintStream;
import java.util.LinkedHashMap;
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
        StateStore state = StateStore.load(paths.stateFile(s));
        Version installed = state.installedVersion();
        report.msg(summary(s, installed)).inSync(true);
        report.agent().put("installed_version", RunReports.text(installed));
        report.put("settings", RunReports.settingsMap(s, installed));
        report.put("schedule", schedule(machine));
        report.put("paths", pathsMap(machine));
        report.put("last_change", state.root().get("last_change"));
    }

    @Override
    public Integer call() {
        return terraform ? new TerraformDataSource(ctx, this::openMachineFor, rootDir()).run() : super.call();
    }

    private String summary(Settings s, Version installed) {
        return "channel " + s.channel() + (s.pin() == null ? "" : ", pinned to " + s.pin())
                + ", auto-update " + (s.auto() ? "on every " + RunReports.settingsMap(s, null).get("interval") : "off")
                + "; installed " + (installed == null ? "version unknown" : installed.toString());
    }

    private Map<String, Object> schedule(Machine machine) {
        SchedulerEntry entry = MachineServices.scheduler(ctx, machine, configFile() != null);
        Settings s = machine.settings();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("auto", s.auto());
        m.put("interval", RunReports.settingsMap(s, null).get("interval"));
        m.put("window", s.window() == null ? null : s.window().toString());
        m.put("kind", entry.usesSystemd() ? "systemd" : "cron");
        m.put("entry", entry.state().name().toLowerCase(Locale.ROOT));
        m.put("last_check", null);
        m.put("last_result", null);
        m.put("next_check", null);
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
        print(out, "paths", report.extra("paths"));
        Object last = report.extra("last_change");
        out.println("last change: " + (last == null ? "none recorded" : last));
        out.flush();
    }

    @SuppressWarnings("unchecked")
    private static void print(PrintStream out, String title, Object map) {
        out.println(title + ":");
        ((Map<String, Object>) map).forEach((k, v) -> out.println("  " + Output.padRight(k + ":", 16)
                + (v == null ? "none" : v)));
    }
}
