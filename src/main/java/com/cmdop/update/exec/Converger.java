package com.cmdop.update.exec;

import com.cmdop.update.audit.EventLog;
import com.cmdop.update.install.InstallEnv;
import com.cmdop.update.install.Recovery;
import com.cmdop.update.install.RecoveryResult;
import com.cmdop.update.lock.RunLock;
import com.cmdop.update.model.Advisory;
import com.cmdop.update.model.DesiredState;
import com.cmdop.update.model.Settings;
import com.cmdop.update.model.VersionIntent;
import com.cmdop.update.model.error.UpdateException;
import com.cmdop.update.model.Version;
import com.cmdop.update.plan.Action;
import com.cmdop.update.plan.ActualState.FeedFacts;
import com.cmdop.update.plan.Plan;
import com.cmdop.update.plan.Planner;
import com.cmdop.update.plan.ScheduleDecision;
import com.cmdop.update.schedule.Scheduler;
import com.cmdop.update.schedule.Schedulers;
import com.cmdop.update.state.Machine;
import com.cmdop.update.state.StateFile;
import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The one path of every command that asks about or changes the machine (DESIGN.md "A run, step by
 * step"): read the machine (and the feed when the question needs it), plan, and stop there for a check
 * or a machine in sync. Otherwise take the run lock once, finish or undo an interrupted run, read and plan
 * again (another run may have changed things while we waited), prepare (every check that can refuse the
 * run), execute with undo, and record the check and the change, all under that one lock.
 */
public final class Converger {
    private final AppContext ctx;
    private final PrintStream progress;

    /** @param progress where to draw download progress, or null (not a terminal, or --json) */
    public Converger(AppContext ctx, PrintStream progress) {
        this.ctx = ctx;
        this.progress = progress;
    }

    /** A scheduled run: the decision, and the run when one was due (else null: nothing was read or written). */
    public record ScheduledRun(ScheduleDecision.Result decision, RunOutcome outcome) {}

    /**
     * {@code --scheduled} (SPEC section 6): exits at once, without network, lock or writes, unless a check
     * is due; then does what {@code cmdop-update} does, as actor {@code scheduled}.
     */
    public ScheduledRun scheduled(Machine machine) {
        StateFile state = StateFile.load(machine.paths().stateFile(machine.settings()));
        ScheduleDecision.Result d = MachineFacts.schedule(machine, state, ctx.clock().instant());
        if (!d.due()) {
            return new ScheduledRun(d, null);
        }
        DesiredState update = DesiredState.only(VersionIntent.LATEST);
        return new ScheduledRun(d, run(machine, new RunRequest(update, RunRequest.SCHEDULED, false, false)));
    }

    public RunOutcome run(Machine machine, RunRequest request) {
        Instant now = ctx.clock().instant(); // fixed for the run: manifest expiry is judged against it
        String runId = RunIds.next();
        DesiredState desired = request.desired();
        Scheduler scheduler = Schedulers.of(machine, ctx.launcher(), ctx.env());
        Settings converged = machine.settings().with(desired);
        EventLog events = FeedSession.events(machine, ctx.clock(), request.actor(), runId, ctx.err());
        try (FeedHandle feed = new FeedHandle(machine, converged, ctx.env(), now, events, ctx.feedTimeouts())) {
            FeedFacts facts;
            Plan plan;
            List<String> advisoryProblem = new ArrayList<>();
            List<Advisory> advisories;
            try {
                boolean online = !request.offline() && Planner.needsChannel(desired, machine.settings(), request.check());
                facts = online ? feed.facts(ctx.platform()) : null;
                advisories = facts == null && wantsAdvisories(request, converged) ? advisories(feed, advisoryProblem)
                        : null;
                plan = Planner.plan(desired, MachineFacts.read(machine, scheduler).withFeed(facts)
                        .withAdvisories(advisories));
                boolean interrupted = Recovery.isNeeded(machine.paths().installPath(machine.settings()),
                        machine.paths().dataDir(machine.settings()));
                if (request.check() || (plan.actions().isEmpty() && !interrupted && !request.recordsCheck())) {
                    if (request.check() && RunRequest.CONVERGE.equals(request.actor())) {
                        // SPEC section 5: converge --check writes nothing, so what it read is not committed
                        resolvePin(plan, feed, request);
                    } else {
                        checkDataDir(machine); // no lock is taken, but the feed's records go to the data directory
                        feed.commit();
                    }
                    return withWarnings(planned(machine, plan, facts, feed.summary(), request.check(), events),
                            advisoryProblem);
                }
                resolveInstalls(plan, feed, request);
            } catch (UpdateException e) {
                if (request.recordsCheck()) {
                    recordFailedCheck(machine, now, e);
                }
                throw e;
            }
            try (RunLock lock = lock(machine)) {
                Machine current = machine.reload();
                try {
                    RunOutcome outcome = withWarnings(executeLocked(current, request, feed, facts, advisories, events),
                            advisoryProblem);
                    String problem = request.recordsCheck() ? recordCheck(current, now, null, facts) : null;
                    return problem == null ? outcome : outcome.withWarning(problem);
                } catch (UpdateException e) {
                    String problem = request.recordsCheck() ? recordCheck(current, now, e, null) : null;
                    if (problem != null) {
                        e.addSuppressed(new EventLog.Warning(problem));
                    }
                    throw e;
                }
            }
        }
    }

    private RunOutcome executeLocked(Machine current, RunRequest request, FeedHandle feed, FeedFacts facts,
            List<Advisory> advisories, EventLog events) {
        InstallEnv env = InstallEnv.of(current, ctx.env(), ctx.clock(), events, progress).withSeams(ctx.seams());
        // a run interrupted by a crash is finished or undone before anything new is planned
        RecoveryResult recovered = new Recovery(env).recover();
        Scheduler scheduler = Schedulers.of(current, ctx.launcher(), ctx.env());
        Plan fresh = Planner.plan(request.desired(), MachineFacts.read(current, scheduler).withFeed(facts)
                .withAdvisories(advisories));
        resolveInstalls(fresh, feed, request); // remembered: only a plan changed meanwhile fetches again
        // the version step installs with the settings the run converges to: a new install_path, restart or check
        InstallEnv target = InstallEnv.of(current.paths(), fresh.after(), ctx.env(), ctx.clock(), events, progress)
                .withSeams(ctx.seams());
        Executor executor = new Executor(current, scheduler, events, ctx.clock(),
                new VersionChanges(feed, target, ctx.platform()));
        RunOutcome outcome = executor.execute(fresh, request, recovered, facts, feed.summary());
        feed.commit();
        return outcome;
    }

    /**
     * Whether a run that does not read the channel still reads the feed's advisories (issue #10.3): a converge
     * (what Ansible and Terraform call) and a run that installs a version (a pin, {@code --version}), online and
     * not in check mode ({@code converge --check} never needs the network), when the feed and keys are set. A
     * settings flag alone and {@code --rollback} (which must work while the feed is down) stay off the network.
     */
    private static boolean wantsAdvisories(RunRequest request, Settings converged) {
        VersionIntent intent = request.desired().intent();
        boolean movesOrConverges = RunRequest.CONVERGE.equals(request.actor())
                || intent instanceof VersionIntent.Exact || intent instanceof VersionIntent.Latest;
        return movesOrConverges && !request.offline() && !request.check() && converged.feed() != null
                && !converged.trustedKeys().isEmpty();
    }

    /**
     * The feed's advisories for a run that did not need the feed otherwise: a feed that cannot be read then is
     * a warning, not a failed converge (a refusal is still logged CRITICAL by the signed feed).
     */
    private static List<Advisory> advisories(FeedHandle feed, List<String> problem) {
        try {
            return feed.advisories();
        } catch (UpdateException e) {
            problem.add("the feed's security advisories could not be read: " + e.getMessage());
            return null;
        }
    }

    private static RunOutcome withWarnings(RunOutcome outcome, List<String> warnings) {
        RunOutcome o = outcome;
        for (String w : warnings) {
            o = o.withWarning(w);
        }
        return o;
    }

    /** Records a check that failed before the run took its lock; a second failure never hides the first. */
    private void recordFailedCheck(Machine machine, Instant now, UpdateException failure) {
        try (RunLock lock = lock(machine)) {
            String problem = recordCheck(machine, now, failure, null);
            if (problem != null) {
                failure.addSuppressed(new EventLog.Warning(problem));
            }
        } catch (UpdateException e) {
            failure.addSuppressed(new EventLog.Warning("could not record the check: " + e.getMessage()));
        }
    }

    /**
     * Records the check in state.json; like a log line, a record that cannot be written is a warning,
     * never a different outcome. Returns the warning, or null.
     */
    private static String recordCheck(Machine machine, Instant now, UpdateException failure, FeedFacts facts) {
        try {
            RunRecords.check(machine, now, failure, facts);
            return null;
        } catch (UpdateException e) {
            return "could not record the check in state.json: " + e.getMessage();
        }
    }

    /**
     * Refuses a data directory that is a planted link or writable by others (issue #9) before anything is
     * written in it: the lock file, or the feed's cache and sequences of a run that takes no lock.
     */
    private void checkDataDir(Machine machine) {
        ctx.seams().preflight().checkDataDir(machine.paths().dataDir(machine.settings()));
    }

    private RunLock lock(Machine machine) {
        checkDataDir(machine); // the lock file is created there: check it first, not only in recovery
        return RunLock.acquire(machine.paths().lockFile(machine.settings()), ctx.lockWait());
    }

    /** The outcome of a plan that is not executed: a check, or a machine already in sync. */
    private static RunOutcome planned(Machine machine, Plan plan, FeedFacts facts, RunOutcome.FeedSummary feed,
            boolean check, EventLog events) {
        String status = check ? ActionResult.PLANNED : ActionResult.SKIPPED;
        List<ActionResult> actions = plan.actions().stream()
                .map(a -> new ActionResult(a.id(), status, a.message())).toList();
        var installed = MachineFacts.installedVersion(machine);
        List<String> warnings = new ArrayList<>(plan.notes());
        warnings.addAll(events.drainWarnings()); // log writes that failed: warnings, never a different exit
        return new RunOutcome(plan, actions, warnings, machine.settings(), plan.after(), installed,
                plan.versionAfter(installed), facts == null ? null : facts.channelHead(), feed, !plan.actions().isEmpty());
    }

    /**
     * converge --check (online) looks the pin it would install up in the signed feed, read-only, so a pin the
     * feed does not have fails the check as it fails the real run (issue #13.4); --offline compares the pin
     * with the installed version only (SPEC section 5).
     */
    private void resolvePin(Plan plan, FeedHandle feed, RunRequest request) {
        Version pin = plan.after().pin();
        if (pin != null) {
            resolveInstalls(plan, feed, request, pin::equals);
        }
    }

    /** Resolves every version the plan installs, so a version that cannot be had changes nothing. */
    private void resolveInstalls(Plan plan, FeedHandle feed, RunRequest request) {
        resolveInstalls(plan, feed, request, version -> true);
    }

    private void resolveInstalls(Plan plan, FeedHandle feed, RunRequest request, Predicate<Version> which) {
        if (request.offline()) {
            return;
        }
        for (Action a : plan.actions()) {
            if (a instanceof Action.InstallVersion install && which.test(install.version())) {
                feed.resolve(install.version(), ctx.platform());
            }
        }
    }
}
