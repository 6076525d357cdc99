package com.cmdop.update.cli;

import com.cmdop.update.io.SafeText;
import com.cmdop.update.audit.EventLog;
import com.cmdop.update.exec.AppContext;
import com.cmdop.update.model.error.ErrorCode;
import com.cmdop.update.model.error.UpdateException;
import com.cmdop.update.exec.BinaryVerification;
import com.cmdop.update.exec.FeedSession;
import com.cmdop.update.exec.RunIds;
import com.cmdop.update.exec.RunOutcome;
import com.cmdop.update.exec.UpdateCheck;
import com.cmdop.update.release.SignedFeed;
import com.cmdop.update.model.Version;
import com.cmdop.update.release.feed.FeedClient;
import com.cmdop.update.model.Platform;
import com.cmdop.update.release.manifest.Sha256Sums;
import com.cmdop.update.install.InstallStatus;
import com.cmdop.update.install.Quarantine;
import com.cmdop.update.lock.RunLock;
import com.cmdop.update.model.VersionIntent;
import com.cmdop.update.schedule.MachineIdentity;
import com.cmdop.update.plan.ScheduleDecision;
import com.cmdop.update.model.Settings;
import com.cmdop.update.state.StateFile;
import java.nio.file.Files;
import java.time.Instant;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.Set;
import com.cmdop.update.exec.RunRequest;
import com.cmdop.update.model.DesiredState;
import com.cmdop.update.state.Machine;
import com.cmdop.update.model.SettingKey;
import com.cmdop.update.state.SettingValues;
import com.fasterxml.jackson.databind.node.TextNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cmdop-update [flags]}: the agent's documented update surface (SPEC section 3). Each flag
 * group is one mode; settings flags may be combined, other modes stand alone.
 */
@Command(name = "cmdop-update",
        versionProvider = ToolVersion.class,
        sortOptions = false,
        usageHelpAutoWidth = true,
        header = "Keep the CMDOP agent on this machine updated: channels, pins, auto-update, rollback.",
        synopsisHeading = "%nUsage: ",
        customSynopsis = {
            "cmdop-update [--check | --version V | --rollback | --verify FILE]",
            "       [--channel C] [--auto on|off] [--interval D] [--pin V | --unpin]",
            "       [GLOBAL OPTIONS]",
            "       cmdop-update COMMAND [OPTIONS]  (status, converge, logs, release, demo)"},
        description = {
            "",
            "Without flags: check the feed and install the newest version of the channel if it is newer "
                    + "(never a downgrade; respects the pin and quarantined versions).",
            "Settings flags (--channel, --auto, --interval, --pin, --unpin) edit the settings file, keeping "
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
                    + "audit.jsonl (logs). Guides: README.md and docs/ in the source tree."},
        subcommands = {StatusCommand.class, ConvergeCommand.class, LogsCommand.class, ReleaseCommand.class,
            DemoCommand.class})
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

    @Option(names = "--rollback", description = "Swap back to the cached previous binary, restart, check the heartbeat.")
    boolean rollback;

    @Option(names = "--verify", paramLabel = "FILE",
            description = "Verify a binary against a signed SHA256SUMS; prints its version and signing key id.")
    Path verify;

    @Option(names = "--sums", paramLabel = "FILE", description = "With --verify: the signed SHA256SUMS to use.")
    Path sums;

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
        return given(Map.of("channel", channel != null, "auto", auto != null, "interval", interval != null,
                "pin", pin != null, "unpin", unpin), "channel", "auto", "interval", "pin", "unpin");
    }

    private static List<String> given(Map<String, Boolean> flags, String... order) {
        return Stream.of(order).filter(flags::get).toList();
    }

    @Override
    protected void run(Report report) {
        validateCombination();
        if (!settingFlags().isEmpty()) {
            applySettings(report);
            return;
        }
        if (check) {
            checkForUpdate(report);
        } else if (version != null) {
            installExactly(report);
        } else if (rollback) {
            changeVersion(report, openMachine(), VersionIntent.ROLLBACK, RunRequest.CLI);
        } else if (scheduled) {
            scheduledRun(report);
        } else if (verify != null) {
            verifyBinary(report);
        } else {
            Machine machine = openMachine();
            recordCheck(machine, () -> changeVersion(report, machine, VersionIntent.LATEST, RunRequest.CLI));
        }
    }

    /** {@code --verify FILE [--sums SHA256SUMS]}: hash the file and find it in a signed SHA256SUMS. */
    private void verifyBinary(Report report) {
        Machine machine = openMachine();
        Path file = absolute(verify);
        Path beside = file.resolveSibling(Sha256Sums.FILE_NAME);
        String runId = RunIds.next();
        EventLog events = FeedSession.events(machine, ctx.clock(), RunRequest.CLI, runId, ctx.err());
        BinaryVerification verification = new BinaryVerification(FeedSession.verifier(machine), events);
        BinaryVerification.Verified v;
        if (sums != null || Files.isRegularFile(beside)) {
            Path s = sums != null ? absolute(sums) : beside;
            v = verification.verify(file, List.of(() -> BinaryVerification.fromFile(s)));
        } else {
            SignedFeed feed = FeedSession.open(machine, ctx.env(), ctx.clock().instant(), events, ctx.feedTimeouts());
            try (FeedClient client = feed.client()) {
                v = verification.verify(file, feedCandidates(machine, feed, file));
            }
        }
        events.drainWarnings().forEach(report::warn);
        report.put("verified", Report.orderedMap("file", v.file(), "sha256", v.sha256(), "name", v.entry(),
                "version", v.version(), "platform", v.platform(), "key_id", v.keyId(), "sums", v.sums()));
        report.msg(v.file() + " is " + (v.version() == null ? v.entry() : "cmdop " + v.version() + " for "
                + v.platform()) + ", signed by key " + v.keyId() + " (sha256 " + v.sha256() + ")");
    }

    /** The releases whose SHA256SUMS may list the file: the version its name names, else channel and installed. */
    private static List<Supplier<BinaryVerification.SignedSums>> feedCandidates(Machine machine, SignedFeed feed,
            Path file) {
        Version named = BinaryVerification.versionInName(file);
        List<Supplier<BinaryVerification.SignedSums>> list = new ArrayList<>();
        if (named != null) {
            list.add(() -> BinaryVerification.fromFeed(feed.client(), named));
            return list;
        }
        list.add(() -> BinaryVerification.fromFeed(feed.client(),
                feed.channel(machine.settings().channel()).manifest().version()));
        Version installed = StateFile.load(machine.paths().stateFile(machine.settings())).installedVersion();
        if (installed != null) {
            list.add(() -> BinaryVerification.fromFeed(feed.client(), installed));
        }
        return list;
    }

    /** {@code --version V}: exactly that version, even older; not a pin, so auto-update may move it later. */
    private void installExactly(Report report) {
        Version v = new SettingValues("command line", ErrorCode.USAGE).pin("--version", new TextNode(version));
        if (v == null) {
            throw usage("--version needs a version such as v1.2.3");
        }
        Machine machine = openMachine();
        Settings s = machine.settings();
        changeVersion(report, machine, new VersionIntent.Exact(v), RunRequest.CLI);
        if (s.auto() && s.pin() == null) {
            report.warn("auto-update is on and nothing is pinned: a scheduled update may replace " + v + " with the "
                    + "channel's newer version; use --pin " + v + " to keep it");
        }
    }

    /** The one plan -> execute path for every command that moves the installed version. */
    private void changeVersion(Report report, Machine machine, VersionIntent intent, String actor) {
        DesiredState desired = DesiredState.of(Map.of()).withIntent(intent);
        RunOutcome outcome = MachineServices.converger(ctx, configFile() != null, globals().json())
                .run(machine, new RunRequest(desired, actor, false, false));
        RunReports.fill(report, desired, outcome, false);
        AgentView.fill(report, machine);
    }

    /**
     * {@code --scheduled}: exits at once, without network, unless a check is due (SPEC section 6); then
     * does what {@code cmdop-update} does, as actor {@code scheduled}.
     */
    private void scheduledRun(Report report) {
        Machine machine = openMachine();
        StateFile state = StateFile.load(machine.paths().stateFile(machine.settings()));
        ScheduleDecision.Result d = ScheduleDecision.decide(machine.settings(), state.lastCheckTime(),
                ctx.clock().instant(), MachineIdentity.of(machine.paths().root()));
        report.put("schedule", Report.orderedMap("due", d.due(), "reason", d.reason(), "next_check",
                d.nextCheck() == null ? null : d.nextCheck().toString()));
        if (!d.due()) {
            report.msg("no check due: " + d.reason());
            return;
        }
        recordCheck(machine, () -> changeVersion(report, machine, VersionIntent.LATEST, RunRequest.SCHEDULED));
    }

    /** An update run counts as a check for the schedule, whether it succeeded or not. */
    private void recordCheck(Machine machine, Runnable run) {
        String result = "failed";
        String error = null;
        try {
            run.run();
            result = "ok";
        } catch (UpdateException e) {
            error = e.code().name();
            throw e;
        } finally {
            // under the run lock: state.json is also written by installs
            try (RunLock lock = RunLock.acquire(machine.paths().lockFile(machine.settings()), ctx.lockWait())) {
                StateFile state = StateFile.load(machine.paths().stateFile(machine.settings()));
                state.recordCheck(ctx.clock().instant(), result, error);
                state.save();
            }
        }
    }

    @Override
    protected void renderText(Report report) {
        super.renderText(report);
        if (!globals().quiet()) {
            report.advisories().forEach(a -> ctx.out().println("  advisory " + SafeText.forTerminal(
                    CheckReports.describe(a)))); // signed, but still outside input
        }
    }

    private void checkForUpdate(Report report) {
        Machine machine = openMachine();
        Instant now = ctx.clock().instant();
        Version installed = StateFile.load(machine.paths().stateFile(machine.settings())).installedVersion();
        EventLog events = FeedSession.events(machine, ctx.clock(), RunRequest.CLI, RunIds.next(), ctx.err());
        SignedFeed feed = FeedSession.open(machine, ctx.env(), now, events, ctx.feedTimeouts());
        try (FeedClient ignored = feed.client()) {
            InstallStatus install = AgentView.read(machine);
            Set<Version> quarantined = install.quarantined().stream().map(Quarantine.Entry::version)
                    .collect(Collectors.toSet());
            UpdateCheck.Result r = UpdateCheck.run(machine.settings(), installed, quarantined, feed,
                    Platform.current());
            CheckReports.fill(report, machine.settings(), r);
            report.put("quarantined", AgentView.quarantined(install));
            events.drainWarnings().forEach(report::warn);
        }
    }

    private void validateCombination() {
        if (pin != null && unpin) {
            throw usage("--pin and --unpin conflict: give one of them");
        }
        if (sums != null && verify == null) {
            throw usage("--sums goes with --verify FILE");
        }
        List<String> modes = new ArrayList<>(modeFlags().stream().map(m -> "--" + m).toList());
        if (!settingFlags().isEmpty()) {
            modes.add("--" + settingFlags().get(0));
        }
        if (modes.size() > 1) {
            throw usage(String.join(" and ", modes) + " conflict: run them as separate commands"
                    + (check ? " (--check changes nothing, so it cannot be combined with a change)" : ""));
        }
    }

    private void applySettings(Report report) {
        SettingValues values = new SettingValues("command line", ErrorCode.USAGE);
        Map<SettingKey, Object> desired = new EnumMap<>(SettingKey.class);
        if (channel != null) {
            desired.put(SettingKey.CHANNEL, values.channel("--channel", new TextNode(channel)));
        }
        if (auto != null) {
            if (!auto.equals("on") && !auto.equals("off")) {
                throw values.fail("--auto", "expected on or off, found '" + auto + "'");
            }
            desired.put(SettingKey.AUTO, auto.equals("on"));
        }
        if (interval != null) {
            desired.put(SettingKey.INTERVAL, values.duration("--interval", new TextNode(interval),
                    SettingValues.INTERVAL_MIN, SettingValues.INTERVAL_MAX));
        }
        if (pin != null) {
            if (pin.isBlank()) {
                throw values.fail("--pin", "needs a version such as v1.2.3; use --unpin to remove the pin");
            }
            desired.put(SettingKey.PIN, values.pin("--pin", new TextNode(pin)));
        }
        if (unpin) {
            desired.put(SettingKey.PIN, null);
        }
        DesiredState state = DesiredState.of(desired);
        report.desired(RunReports.desiredMap(state));
        Machine machine = openMachine();
        RunOutcome outcome = MachineServices.converger(ctx, configFile() != null, globals().json())
                .run(machine, new RunRequest(state, RunRequest.CLI, false, false));
        RunReports.fill(report, state, outcome, false);
        AgentView.fill(report, machine);
    }
}
