package com.cmdop.update.cli;

import com.cmdop.update.exec.AppContext;
import com.cmdop.update.exec.BinaryVerification;
import com.cmdop.update.exec.Converger;
import com.cmdop.update.exec.RunOutcome;
import com.cmdop.update.exec.RunRequest;
import com.cmdop.update.exec.StatusReader;
import com.cmdop.update.exec.VerifyService;
import com.cmdop.update.install.InstallStatus;
import com.cmdop.update.io.SafeText;
import com.cmdop.update.model.DesiredState;
import com.cmdop.update.model.Setting;
import com.cmdop.update.model.Settings;
import com.cmdop.update.model.Version;
import com.cmdop.update.model.VersionIntent;
import com.cmdop.update.model.error.UpdateException;
import com.cmdop.update.monitor.MetricsFile;
import com.cmdop.update.plan.ScheduleDecision;
import com.cmdop.update.state.Machine;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cmdop-update [flags]}: the agent's documented update surface (SPEC section 3). Each flag
 * group is one mode; settings flags may be combined, other modes stand alone.
 */
@Command(name = "cmdop-update",
        versionProvider = ToolVersion.class,
        addMethodSubcommands = false, // no @Command methods here: spare every run picocli's scan for them
        sortOptions = false,
        usageHelpAutoWidth = true,
        header = "Keep the CMDOP agent on this machine updated: channels, pins, auto-update, rollback.",
        synopsisHeading = "%nUsage: ",
        customSynopsis = {
            "cmdop-update [--check | --version V | --rollback | --verify FILE]",
            "       [--channel C] [--auto on|off] [--interval D] [--pin V | --unpin] [--hold | --unhold]",
            "       [--window SPEC|none] [--feed URL|none] [--trusted-key KEY]...",
            "       [GLOBAL OPTIONS]",
            "       cmdop-update COMMAND [OPTIONS]  (status, converge, logs, quarantine, release, demo, help)"},
        description = {
            "",
            "Without flags: check the feed and install the newest version of the channel if it is newer "
                    + "(never a downgrade; respects the pin and quarantined versions).",
            "Settings flags (--channel, --auto, --interval, --pin, --unpin, --hold, --unhold) edit the settings file, keeping "
                    + "its comments, and go through the same plan -> execute path as 'converge'."},
        optionListHeading = "%nOptions:%n",
        commandListHeading = "%nCommands:%n",
        footerHeading = "%nExamples:%n",
        footer = {
            "  cmdop-update --check                   is an update waiting?",
            "  cmdop-update                           install the channel's newest version",
            "  cmdop-update --channel beta            follow the beta channel from now on",
            "  cmdop-update --auto on --interval 24h  check and install once a day",
            "  cmdop-update --pin v1.2.3              pin to v1.2.3 and install it",
            "  cmdop-update --unpin                   follow the channel again",
            "  cmdop-update --hold                    keep this (custom) binary, never replace it",
            "  cmdop-update --window 'Sat 01:00-05:00'  update only in that window (UTC)",
            "  cmdop-update --rollback                back to the previous binary (kept 7 d)",
            "  cmdop-update status --json             settings, versions, schedule as JSON",
            "  cmdop-update converge --state f.yaml   converge to a desired state",
            "  cmdop-update demo                      a walkthrough on a throwaway root",
            "",
            "Exit status: 0 ok (2 with --detailed-exitcode when something changed, drift was found or an "
                    + "update is waiting), 1 failed, 64 usage, 65 bad input or config, 69 feed unavailable, "
                    + "70 internal error, 74 I/O, 75 locked, 77 permission, 80 integrity failure "
                    + "(tampering), 81 health check failed and rolled back.",
            "",
            "Files: <root>/etc/cmdop/config.yaml (settings); <root>/var/log/cmdop/agent.log and "
                    + "audit.jsonl (logs). As a user other than root (or with --user): ~/.config/cmdop/config.yaml, "
                    + "~/.local/bin/cmdop and ~/.local/state/cmdop/. Guides: README.md and docs/ in the source tree."})
// the subcommands are registered by CliFactory (COMMANDS), only those a command line needs
public final class RootCommand extends BaseCommand {
    @Option(names = "--check", description = "Check only: is an update waiting? Changes nothing.")
    boolean check;

    @Option(names = "--version", paramLabel = "V",
            description = "Install exactly version V now (may downgrade; does not pin).")
    String version;

    @Option(names = "--channel", paramLabel = "C", description = "Set and persist the channel: stable, beta or nightly.")
    String channel;

    @Option(names = "--auto", paramLabel = "on|off",
            description = "Turn auto-update on or off (installs or removes the scheduler entry).")
    String auto;

    @Option(names = "--interval", paramLabel = "D",
            description = "How often auto-update checks, 15m .. 30d (default 6h), e.g. 24h.")
    String interval;

    @Option(names = "--pin", paramLabel = "V", description = "Pin this machine to version V and install it.")
    String pin;

    @Option(names = "--unpin", description = "Remove the pin; the machine follows its channel again.")
    boolean unpin;

    @Option(names = "--window", paramLabel = "SPEC|none",
            description = "Only check and install inside this maintenance window (UTC), e.g. \"Mon-Fri 02:00-05:00\"; "
                    + "none removes it.")
    String window;

    @Option(names = "--feed", paramLabel = "URL|none",
            description = "The publisher's feed: https://..., file://... or a directory; none removes it. With "
                    + "--verify: the feed to look in for this check only (nothing is written).")
    String feed;

    @Option(names = "--trusted-key", paramLabel = "KEY",
            description = "A publisher's minisign public key (the base64 line of its .pub file); repeat it for "
                    + "several: the keys given become the whole list.")
    List<String> trustedKeys;

    @Option(names = "--hold", description = "Keep whatever agent binary is installed (a fork or a custom build): "
            + "never replace it automatically, like apt-mark hold.")
    boolean hold;

    @Option(names = "--unhold", description = "Remove the hold; the machine follows its channel (or pin) again.")
    boolean unhold;

    @Option(names = "--rollback", description = "Swap back to the cached previous binary, restart, check the heartbeat.")
    boolean rollback;

    @Option(names = "--verify", paramLabel = "FILE",
            description = "Verify a binary against a signed SHA256SUMS; prints its version and signing key id.")
    Path verify;

    @Option(names = "--sums", paramLabel = "FILE", description = "With --verify: the signed SHA256SUMS to use.")
    Path sums;

    @Option(names = "--format", paramLabel = "nagios",
            description = "With --check: print one line for a Nagios (or Icinga, Naemon) plugin check and exit "
                    + "0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.")
    String format;

    @Option(names = "--scheduled", description = "What the scheduler runs: a no-op unless a check is due.")
    boolean scheduled;

    public RootCommand(AppContext ctx) {
        super(ctx);
    }

    @Override
    protected String commandName() {
        List<String> modes = modeFlags();
        List<String> settings = settingFlags();
        if (!modes.isEmpty()) {
            return modes.get(0);
        } else if (settings.size() == 1) {
            return settings.get(0);
        } else if (settings.size() > 1) {
            return "settings";
        }
        return "update";
    }

    /** The install-mode flags given (each stands alone), by command name, in the order of precedence. */
    private List<String> modeFlags() {
        return given(Map.of("check", check, "version", version != null, "rollback", rollback,
                "verify", verify != null, "scheduled", scheduled), "check", "version", "rollback", "verify",
                "scheduled");
    }

    @Override
    protected boolean checkMode() {
        return check;
    }

    /** The settings flags given (they combine), by command name. */
    private List<String> settingFlags() {
        Map<String, Boolean> flags = new LinkedHashMap<>();
        flags.put("channel", channel != null);
        flags.put("auto", auto != null);
        flags.put("interval", interval != null);
        flags.put("pin", pin != null);
        flags.put("unpin", unpin);
        flags.put("hold", hold);
        flags.put("unhold", unhold);
        flags.put("window", window != null);
        flags.put("feed", feed != null);
        flags.put("trusted-key", trustedKeys != null);
        return given(flags, flags.keySet().toArray(String[]::new));
    }

    private static List<String> given(Map<String, Boolean> flags, String... order) {
        return Stream.of(order).filter(flags::get).toList();
    }

    @Override
    protected void run(Report report) {
        validateCombination();
        if (verify != null) {
            verifyBinary(report);
        } else if (scheduled) {
            scheduledRun(report);
        } else {
            RunRequest request = request();
            report.desired(RunReports.desiredMap(request.desired()));
            Machine machine = openMachine();
            RunOutcome outcome = converger().run(machine, request);
            if (check) {
                CheckReports.fill(report, machine.settings(), outcome);
            } else {
                RunReports.fill(report, request.desired(), outcome, false);
            }
            InstallStatus install = AgentView.fill(report, machine.reload()); // as the run left it
            if (check) {
                report.put("quarantined", AgentView.quarantined(install));
            }
            if (version != null && machine.settings().auto() && machine.settings().pin() == null) {
                report.warn("auto-update is on and nothing is pinned: a scheduled update may replace " + version
                        + " with the channel's newer version; use --pin " + version + " to keep it");
            }
        }
    }

    /** What the flags ask, as a desired state: settings flags, or one of the version modes. */
    private RunRequest request() {
        if (!settingFlags().isEmpty()) {
            return new RunRequest(DesiredState.of(settingsFromFlags()), RunRequest.CLI, false, false);
        }
        VersionIntent intent = VersionIntent.LATEST;
        if (version != null) {
            Version v = FLAGS.read(Setting.PIN, version, "--version");
            if (v == null) {
                throw usage("--version needs a version such as v1.2.3");
            }
            intent = new VersionIntent.Exact(v);
        } else if (rollback) {
            intent = VersionIntent.ROLLBACK;
        }
        return new RunRequest(DesiredState.only(intent), RunRequest.CLI, check, false);
    }

    private Map<Setting<?>, Object> settingsFromFlags() {
        Map<Setting<?>, Object> desired = new LinkedHashMap<>();
        if (channel != null) {
            desired.put(Setting.CHANNEL, FLAGS.read(Setting.CHANNEL, channel, "--channel"));
        }
        if (auto != null) {
            if (!auto.equals("on") && !auto.equals("off")) {
                throw FLAGS.fail("--auto", "expected on or off, found '" + auto + "'");
            }
            desired.put(Setting.AUTO, auto.equals("on"));
        }
        if (interval != null) {
            desired.put(Setting.INTERVAL, FLAGS.read(Setting.INTERVAL, interval, "--interval"));
        }
        if (pin != null) {
            if (pin.isBlank()) {
                throw FLAGS.fail("--pin", "needs a version such as v1.2.3; use --unpin to remove the pin");
            }
            desired.put(Setting.PIN, FLAGS.read(Setting.PIN, pin, "--pin"));
        }
        if (unpin) {
            desired.put(Setting.PIN, null);
        }
        if (hold || unhold) {
            desired.put(Setting.HOLD, hold);
        }
        if (window != null) {
            desired.put(Setting.WINDOW, FLAGS.read(Setting.WINDOW, none(window) ? null : window, "--window"));
        }
        if (feed != null) {
            desired.put(Setting.FEED, FLAGS.read(Setting.FEED, none(feed) ? null : feed, "--feed"));
        }
        if (trustedKeys != null) {
            desired.put(Setting.TRUSTED_KEYS, FLAGS.read(Setting.TRUSTED_KEYS, trustedKeys, "--trusted-key"));
        }
        return desired;
    }

    /** {@code none} (or empty) removes an optional setting. */
    private static boolean none(String value) {
        return value.isBlank() || value.equals("none");
    }

    /** {@code --verify FILE [--sums SHA256SUMS]}: hash the file and find it in a signed SHA256SUMS. */
    private void verifyBinary(Report report) {
        Machine machine = openMachine();
        Settings overrides = machine.settings();
        if (feed != null) {
            overrides = overrides.with(Setting.FEED, FLAGS.read(Setting.FEED, feed, "--feed"));
        }
        if (trustedKeys != null) {
            overrides = overrides.with(Setting.TRUSTED_KEYS, FLAGS.read(Setting.TRUSTED_KEYS, trustedKeys,
                    "--trusted-key"));
        }
        VerifyService.Result result = new VerifyService(ctx).verify(machine, overrides, absolute(verify),
                sums == null ? null : absolute(sums));
        result.warnings().forEach(report::warn);
        BinaryVerification.Verified v = result.verified();
        report.put("verified", Report.orderedMap("file", v.file(), "sha256", v.sha256(), "name", v.entry(),
                "version", v.version(), "platform", v.platform(), "key_id", v.keyId(), "sums", v.sums()));
        report.msg(v.file() + " is " + (v.version() == null ? v.entry() : "cmdop " + v.version() + " for "
                + v.platform()) + ", signed by key " + v.keyId() + " (sha256 " + v.sha256() + ")");
    }

    /** {@code --scheduled}: a no-op unless a check is due; then what {@code cmdop-update} does. */
    private void scheduledRun(Report report) {
        Machine machine = openMachine();
        Converger.ScheduledRun run;
        try {
            run = converger().scheduled(machine);
        } finally {
            refreshMetrics(machine, report); // also after a failed check: the metrics then say so
        }
        ScheduleDecision.Result d = run.decision();
        report.put("schedule", Report.orderedMap("due", d.due(), "reason", d.reason(), "next_check",
                d.nextCheck() == null ? null : d.nextCheck().toString()));
        if (run.outcome() == null) {
            report.msg("no check due: " + d.reason());
            return;
        }
        DesiredState update = DesiredState.only(VersionIntent.LATEST);
        report.desired(RunReports.desiredMap(update));
        RunReports.fill(report, update, run.outcome(), false);
        AgentView.fill(report, machine.reload());
    }

    /**
     * Keeps {@code update.prometheus_file} fresh on every scheduled run, due or not (its mtime then shows the
     * scheduler runs); a file that cannot be written is a warning, never a different exit.
     */
    private void refreshMetrics(Machine machine, Report report) {
        String file = machine.settings().get(Setting.PROMETHEUS_FILE);
        if (file == null) {
            return;
        }
        try {
            MetricsFile.write(machine.paths().resolve(file), new StatusReader(ctx).read(machine.reload()));
        } catch (UpdateException e) {
            report.warn("could not write the metrics file (update.prometheus_file): " + e.getMessage());
        }
    }

    /** Whether the output is a Nagios plugin line (then failures are UNKNOWN, exit 3). */
    boolean nagios() {
        return "nagios".equals(format) && check;
    }

    @Override
    protected int render(Report report) {
        return nagios() ? NagiosOutput.render(ctx.out(), report) : super.render(report);
    }

    @Override
    protected void renderText(Report report) {
        super.renderText(report);
        if (!globals().quiet()) {
            report.advisories().forEach(a -> ctx.out().println("  advisory " + SafeText.forTerminal(
                    CheckReports.describe(a)))); // signed, but still outside input
        }
    }

    private void validateCombination() {
        if (pin != null && unpin) {
            throw usage("--pin and --unpin conflict: give one of them");
        }
        if (format != null && !format.equals("nagios")) {
            throw usage("--format takes nagios (use --json for JSON), not '" + format + "'");
        }
        if (format != null && !check) {
            throw usage("--format nagios goes with --check");
        }
        if (hold && unhold) {
            throw usage("--hold and --unhold conflict: give one of them");
        }
        if (hold && pin != null) {
            throw usage("--hold and --pin conflict: a pin installs exactly that version, a hold keeps whatever is "
                    + "installed; give one of them");
        }
        if (sums != null && verify == null) {
            throw usage("--sums goes with --verify FILE");
        }
        List<String> modes = new ArrayList<>(modeFlags().stream().map(m -> "--" + m).toList());
        List<String> settings = new ArrayList<>(settingFlags());
        if (verify != null) {
            settings.removeAll(List.of("feed", "trusted-key")); // with --verify: for this check only
        }
        if (!settings.isEmpty()) {
            modes.add("--" + settings.get(0));
        }
        if (modes.size() > 1) {
            throw usage(String.join(" and ", modes) + " conflict: run them as separate commands"
                    + (check ? " (--check changes nothing, so it cannot be combined with a change)" : ""));
        }
    }
}
