package com.cmdop.update.exec;

import com.cmdop.update.audit.EventLog;
import com.cmdop.update.install.InstallEnv;
import com.cmdop.update.install.Quarantine;
import com.cmdop.update.install.Recovery;
import com.cmdop.update.install.RecoveryResult;
import com.cmdop.update.install.Retention;
import com.cmdop.update.lock.RunLock;
import com.cmdop.update.plan.Action;
import com.cmdop.update.plan.ActualState;
import com.cmdop.update.plan.Plan;
import com.cmdop.update.plan.Planner;
import com.cmdop.update.model.VersionIntent;
import com.cmdop.update.model.Version;
import com.cmdop.update.model.Platform;
import com.cmdop.update.schedule.SchedulerEntry;
import com.cmdop.update.state.Machine;
import com.cmdop.update.model.SettingKey;
import com.cmdop.update.model.Settings;
import com.cmdop.update.state.StateFile;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.function.Function;

/**
 * The one path of every mutating command (DESIGN.md): read the machine, plan, and, when there is
 * something to do and this is not a check, take the lock, read and plan again (another run may have
 * changed things while we waited), and execute. A machine in sync is never locked and never written,
 * unless an interrupted run left a journal or a partial download: every mutating run finishes or undoes
 * that first.
 */
public final class Converger {
    private final AppContext ctx;
    private final Function<Machine, SchedulerEntry> schedulerFor;
    private final PrintStream progress;

    /**
     * @param schedulerFor the scheduler entry a machine should have
     * @param progress     where to draw download progress, or null (not a terminal, or --json)
     */
    public Converger(AppContext ctx, Function<Machine, SchedulerEntry> schedulerFor, PrintStream progress) {
        this.ctx = ctx;
        this.schedulerFor = schedulerFor;
        this.progress = progress;
    }

    public RunOutcome run(Machine machine, RunRequest request) {
        Instant now = ctx.clock().instant(); // fixed for the run: manifest expiry is judged against it
        String runId = RunIds.next();
        EventLog events = FeedSession.events(machine, ctx.clock(), request.actor(), runId, ctx.err());
        try (FeedHandle feed = new FeedHandle(machine, converged(machine.settings(), request), ctx.env(), now, events,
                ctx.feedTimeouts())) {
            Version head = wantsChannelHead(machine, request) ? feed.channelHead() : null;
            Plan plan = Planner.plan(request.desired(), actual(machine, head));
            boolean interrupted = Recovery.isNeeded(machine.paths().installPath(machine.settings()),
                    machine.paths().dataDir(machine.settings()));
            if ((plan.actions().isEmpty() && !interrupted) || request.check()) {
                feed.commit();
                List<ActionResult> planned = plan.actions().stream()
                        .map(a -> new ActionResult(a.id(), ActionResult.PLANNED, a.message())).toList();
                Version installed = installedVersion(machine);
                List<String> notes = new java.util.ArrayList<>(plan.notes());
                notes.addAll(events.drainWarnings());
                return new RunOutcome(plan, planned, notes, machine.settings(), plan.after(), installed,
                        plannedVersion(plan, installed), head, !plan.actions().isEmpty());
            }
            prepareInstalls(plan, feed, request);
            try (RunLock lock = RunLock.acquire(machine.paths().lockFile(machine.settings()), ctx.lockWait())) {
                Machine current = machine.reload();
                InstallEnv env = InstallEnv.of(current, ctx.env(), ctx.clock(), events, progress);
                // a run interrupted by a crash is finished or undone before anything new is planned
                RecoveryResult recovered = new Recovery(env).recover();
                Plan fresh = Planner.plan(request.desired(), actual(current, head));
                prepareInstalls(fresh, feed, request); // remembered: only a plan changed meanwhile fetches again
                Executor executor = new Executor(current, schedulerFor.apply(current), events, ctx.clock(),
                        new VersionChanges(feed, env, env.seams().platform()));
                return executor.execute(fresh, request, recovered, head);
            }
        }
    }

    /** The version the plan would leave installed: what check mode reports as {@code after.version}. */
    private static Version plannedVersion(Plan plan, Version installed) {
        for (Action a : plan.actions()) {
            if (a instanceof Action.InstallVersion v) {
                return v.version();
            }
            if (a instanceof Action.Rollback r) {
                return r.to();
            }
        }
        return installed;
    }

    /** The settings as they will be once the desired state is applied (its feed and keys included). */
    private static Settings converged(Settings current, RunRequest request) {
        Settings s = current;
        for (Map.Entry<SettingKey, Object> e : request.desired().values().entrySet()) {
            s = s.with(e.getKey(), e.getValue());
        }
        return s;
    }

    /** Resolves every version the plan installs, so a version that cannot be had changes nothing. */
    private static void prepareInstalls(Plan plan, FeedHandle feed, RunRequest request) {
        if (request.offline()) {
            return;
        }
        plan.actions().stream().filter(a -> a instanceof Action.InstallVersion)
                .forEach(a -> feed.resolve(((Action.InstallVersion) a).version(), Platform.current()));
    }

    /** Only an update (the channel's newest) needs the channel manifest, and never offline. */
    private static boolean wantsChannelHead(Machine machine, RunRequest request) {
        return request.desired().intent() instanceof VersionIntent.Latest && !request.offline()
                && machine.settings().pin() == null && !request.desired().manages(SettingKey.PIN);
    }

    private ActualState actual(Machine machine, Version head) {
        Path data = machine.paths().dataDir(machine.settings());
        Version previous = Retention.previous(data).map(p -> Version.isValid(p.version())
                ? Version.parse(p.version()) : null).orElse(null);
        Set<Version> quarantined = Quarantine.load(data).list().stream().map(Quarantine.Entry::version)
                .collect(Collectors.toSet());
        return new ActualState(machine.settings(), schedulerFor.apply(machine).state(), installedVersion(machine),
                previous, head, quarantined);
    }

    static Version installedVersion(Machine machine) {
        return StateFile.load(machine.paths().stateFile(machine.settings())).installedVersion();
    }
}
