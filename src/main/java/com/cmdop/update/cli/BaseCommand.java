package com.cmdop.update.cli;

import com.cmdop.update.io.SafeText;
import com.cmdop.update.exec.AppContext;
import com.cmdop.update.model.error.ErrorCode;
import com.cmdop.update.model.error.ExitCodes;
import com.cmdop.update.model.error.UpdateException;
import com.cmdop.update.exec.Converger;
import com.cmdop.update.state.Layout;
import com.cmdop.update.state.Machine;
import com.cmdop.update.state.SettingsReader;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The adapter shape every command shares: parse options, build a request, call one service, render one
 * {@link Report}. Failures are thrown as {@link UpdateException} and rendered by {@link ErrorHandler};
 * no command calls System.exit.
 */
public abstract class BaseCommand implements Callable<Integer> {
    /** Reads setting values given as flags, with the same rules as config.yaml and desired states. */
    protected static final SettingsReader FLAGS = new SettingsReader("command line", ErrorCode.USAGE);

    protected final AppContext ctx;

    @Spec
    protected CommandSpec spec;

    @Mixin
    protected GlobalOptions global = new GlobalOptions();

    protected BaseCommand(AppContext ctx) {
        this.ctx = ctx;
    }

    /** The name in the JSON {@code command} field. */
    protected abstract String commandName();

    /** Whether this invocation is a check that changes nothing; reported as check_mode, also on failure. */
    protected boolean checkMode() {
        return false;
    }

    /** Does the work and fills the report. */
    protected abstract void run(Report report);

    /** The report of the run in progress, so a failure is reported with what was known (time, desired). */
    private Report current;

    @Override
    public Integer call() {
        Report report = newReport(commandName());
        current = report;
        run(report);
        return render(report);
    }

    /** The report being built when a failure happened, or null if none was started. */
    Report currentReport() {
        return current;
    }

    protected Report newReport(String command) {
        return new Report(command, ctx.clock().instant(), System.nanoTime());
    }

    /** Renders a successful report; the exit status is 0, or 2 with --detailed-exitcode when noteworthy. */
    protected int render(Report report) {
        GlobalOptions g = globals();
        // a check is noteworthy when an update waits or an advisory affects the version that runs, pinned or not
        boolean noteworthy = report.changed() || Boolean.TRUE.equals(report.extra("update_available"))
                || (checkMode() && !report.advisories().isEmpty());
        int exit = g.detailedExitCode() && noteworthy ? ExitCodes.CHANGED : ExitCodes.OK;
        if (g.json()) {
            Output.json(ctx.out(), report.toMap(exit));
        } else {
            renderText(report);
            report.warnings().forEach(w -> ctx.err().println("warning: " + SafeText.forTerminal(w)));
        }
        return exit;
    }

    /** Human output on stdout; commands override for a richer view. */
    protected void renderText(Report report) {
        if (globals().quiet()) {
            return;
        }
        Output.textSummary(ctx.out(), report);
    }

    /** The global options as given anywhere on the command line, deeper commands winning. */
    public GlobalOptions globals() {
        List<BaseCommand> chain = new ArrayList<>();
        for (CommandSpec s = spec; s != null; s = s.parent()) {
            if (s.userObject() instanceof BaseCommand b) {
                chain.add(b);
            }
        }
        Collections.reverse(chain);
        GlobalOptions merged = new GlobalOptions();
        chain.forEach(b -> merged.overlay(b.global));
        return merged;
    }

    /** The machine this run opened, so a failure can still report the agent as it is; null before. */
    private Machine opened;

    /** The machine named by --root / CMDOP_ROOT and --config, with config.yaml read. */
    protected Machine openMachine() {
        opened = openMachineFor(rootDir());
        return opened;
    }

    /**
     * After a failure: the {@code agent} object as the machine is now (a failed run still tells which
     * version runs); best effort, as the failure may be that the machine cannot be read.
     */
    void describeAgentAfterFailure(Report report) {
        if (opened == null) {
            return;
        }
        try {
            AgentView.fill(report, opened);
        } catch (RuntimeException e) {
            // the report keeps what it had; the failure itself is what matters
        }
    }

    /** The machine under another root (Terraform passes its own) with this run's --config. */
    protected Machine openMachineFor(Path root) {
        return Machine.open(root, configFile(), ctx.env("HOME"), layout(root));
    }

    /**
     * The user layout with --user, or when not root and neither a root (--root, CMDOP_ROOT, a Terraform
     * query's) nor --config names the machine; else the system layout (SPEC section 11).
     */
    private Layout layout(Path root) {
        GlobalOptions g = globals();
        String envRoot = ctx.env("CMDOP_ROOT");
        boolean machineNamed = g.root() != null || g.config() != null || (envRoot != null && !envRoot.isBlank())
                || !root.equals(Path.of("/"));
        return g.user() || (ctx.seams().uid() != 0 && !machineNamed) ? Layout.user(ctx.env()) : Layout.SYSTEM;
    }

    protected Path rootDir() {
        GlobalOptions g = globals();
        if (g.root() != null) {
            return absolute(g.root());
        }
        String env = ctx.env("CMDOP_ROOT");
        return env == null || env.isBlank() ? Path.of("/") : absolute(Path.of(env));
    }

    protected Path configFile() {
        Path c = globals().config();
        return c == null ? null : absolute(c);
    }

    /** Command-line paths are used as given, relative to the working directory. */
    protected Path absolute(Path p) {
        return ctx.cwd().resolve(p).normalize();
    }

    /** The one path of every question and change: progress bars only on a terminal, never with --json. */
    protected Converger converger() {
        PrintStream progress = ctx.stderrIsTerminal() && !globals().json() ? ctx.err() : null;
        return new Converger(ctx, progress);
    }

    protected static UpdateException usage(String message) {
        return new UpdateException(ErrorCode.USAGE, message + " (see cmdop-update --help)", Map.of());
    }
}
