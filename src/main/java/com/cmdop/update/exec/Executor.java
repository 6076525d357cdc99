package com.cmdop.update.exec;

import com.cmdop.update.audit.EventLog;
import com.cmdop.update.install.InstallResult;
import com.cmdop.update.install.RecoveryResult;
import com.cmdop.update.io.Writability;
import com.cmdop.update.model.Setting;
import com.cmdop.update.model.Settings;
import com.cmdop.update.model.Version;
import com.cmdop.update.model.error.UpdateException;
import com.cmdop.update.plan.Action;
import com.cmdop.update.plan.ActualState.FeedFacts;
import com.cmdop.update.plan.Plan;
import com.cmdop.update.schedule.Scheduler;
import com.cmdop.update.state.Machine;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Carries out a plan under the run lock, in two stages.
 *
 * <p>Prepare: everything that can refuse the run happens before its first side effect: the new
 * config.yaml text is computed and checked (a layout that cannot be edited fails here), the directories
 * of config.yaml and of the scheduler entry must be writable, and the install engine makes its own checks
 * (permissions, unsafe directories, free space) before it downloads anything.
 *
 * <p>Execute: the version first (install or rollback: the engine swaps atomically and reverts a version
 * that fails its health check by itself), then every setting in one atomic write of config.yaml, then the
 * scheduler entry. Each settings step leaves its undo; when a later step fails, the earlier settings
 * steps are undone, so config.yaml and the scheduler entry are never left different from what the report
 * says. A swap that completed is not undone (it would restart the agent once more for nothing; the next
 * run converges): the report says it stayed, with {@code changed: true}. Agent-log and audit lines are
 * written for the settings once they all stuck.
 */
final class Executor {
    private final Machine machine;
    private final Scheduler scheduler;
    private final EventLog events;
    private final Clock clock;
    private final VersionChanges versions;

    Executor(Machine machine, Scheduler scheduler, EventLog events, Clock clock, VersionChanges versions) {
        this.machine = machine;
        this.scheduler = scheduler;
        this.events = events;
        this.clock = clock;
        this.versions = versions;
    }

    /** What has been done so far, to report and, for settings, to undo. */
    private final class Progress {
        final List<ActionResult> results = new ArrayList<>();
        final List<String> warnings = new ArrayList<>();
        final Deque<Runnable> undo = new ArrayDeque<>();
        final List<Action> settingsApplied = new ArrayList<>();
        boolean changed;
    }

    /**
     * @param recovered what finishing or undoing an interrupted run did before this plan was made
     * @param feed      what the feed said, when it was consulted
     * @param summary   the channel manifest read, for reports
     */
    RunOutcome execute(Plan plan, RunRequest request, RecoveryResult recovered, FeedFacts feed,
            RunOutcome.FeedSummary summary) {
        Version installedBefore = MachineFacts.installedVersion(machine);
        Prepared prepared = prepare(plan);
        Progress done = new Progress();
        done.warnings.addAll(recovered.warnings());
        done.warnings.addAll(plan.notes());
        recovered.actions().forEach(a -> done.results.add(new ActionResult("recover", ActionResult.APPLIED, a)));
        done.changed = recovered.changed();
        try {
            changeVersion(plan, request, done);
            writeSettings(plan, prepared, done);
            changeScheduler(plan, prepared, done);
        } catch (UpdateException e) {
            undoSettings(done, e);
            markNotDone(plan, done, e);
            done.warnings.addAll(events.drainWarnings());
            throw new RunFailure(e, outcome(plan, done, installedBefore, feed, summary));
        }
        String channel = plan.after().channel().id();
        for (Action a : done.settingsApplied) {
            logApplied(a, channel);
        }
        if (done.changed) {
            try {
                RunRecords.change(machine, clock.instant(), request.actor(), done.results.stream()
                        .filter(r -> r.status().equals(ActionResult.APPLIED)).map(ActionResult::id).toList());
            } catch (UpdateException e) {
                // bookkeeping for status: like a log line, never a different outcome for what was done
                done.warnings.add("could not record the change in state.json: " + e.getMessage());
            }
        }
        done.warnings.addAll(events.drainWarnings()); // log writes that failed: warnings, never a different exit
        return outcome(plan, done, installedBefore, feed, summary);
    }

    /** The settings steps, computed and checked before anything changes. */
    private record Prepared(String configText, Runnable schedulerBefore) {}

    private Prepared prepare(Plan plan) {
        Map<Setting<?>, Object> changes = new LinkedHashMap<>();
        plan.actions().stream().filter(a -> a instanceof Action.SetSetting).map(a -> (Action.SetSetting) a)
                .forEach(s -> changes.put(s.key(), s.after()));
        String text = null;
        if (!changes.isEmpty()) {
            text = machine.config().edited(changes);
            Writability.requireReplaceable(machine.paths().config(), "the settings file " + machine.paths().config(),
                    "run as a user who may write it (e.g. root, with sudo), or give --config FILE");
        }
        Runnable schedulerBefore = null;
        if (plan.actions().stream().anyMatch(a -> a instanceof Action.InstallScheduler
                || a instanceof Action.RemoveScheduler)) {
            scheduler.checkWritable();
            schedulerBefore = scheduler.snapshot();
        }
        return new Prepared(text, schedulerBefore);
    }

    private void changeVersion(Plan plan, RunRequest request, Progress done) {
        for (Action action : plan.actions()) {
            if (action instanceof Action.Rollback) {
                InstallResult r = versions.rollback();
                done.results.add(applied(action));
                done.warnings.addAll(r.warnings());
                done.changed = true;
            } else if (action instanceof Action.InstallVersion v) {
                if (request.offline()) {
                    done.results.add(new ActionResult(action.id(), ActionResult.SKIPPED, action.message()));
                    done.warnings.add("--offline: " + v.version() + " was not installed (installing needs the feed); "
                            + "run without --offline to install it");
                    continue;
                }
                InstallResult r = versions.install(v.version());
                done.results.add(r.changed() ? applied(action)
                        : new ActionResult(action.id(), ActionResult.SKIPPED, action.message() + ": already in place"));
                done.warnings.addAll(r.warnings());
                done.changed |= r.changed();
            }
        }
    }

    /** Every setting in one atomic write of config.yaml; its undo writes the file as it was. */
    private void writeSettings(Plan plan, Prepared prepared, Progress done) {
        if (prepared.configText() == null) {
            return;
        }
        machine.config().write(prepared.configText());
        done.undo.push(() -> machine.config().restore());
        plan.actions().stream().filter(a -> a instanceof Action.SetSetting).forEach(a -> {
            done.results.add(applied(a));
            done.settingsApplied.add(a);
        });
        done.changed = true;
    }

    private void changeScheduler(Plan plan, Prepared prepared, Progress done) {
        for (Action action : plan.actions()) {
            boolean install = action instanceof Action.InstallScheduler;
            if (!install && !(action instanceof Action.RemoveScheduler)) {
                continue;
            }
            done.undo.push(() -> prepared.schedulerBefore().run());
            if (install) {
                scheduler.install();
            } else {
                scheduler.remove();
            }
            String warning = scheduler.activate(install);
            if (warning != null) {
                done.warnings.add(warning);
            }
            done.results.add(applied(action));
            done.settingsApplied.add(action);
            done.changed = true;
        }
    }

    /** Undoes the settings steps, latest first; an undo that fails too is reported, never hidden. */
    private void undoSettings(Progress done, UpdateException failure) {
        boolean undone = !done.undo.isEmpty();
        while (!done.undo.isEmpty()) {
            try {
                done.undo.pop().run();
            } catch (UpdateException e) {
                failure.addSuppressed(e);
                done.warnings.add("could not undo a step after the failure: " + e.getMessage()
                        + "; check config.yaml and the scheduler entry by hand");
                return; // what is left stays applied, and is reported so
            }
        }
        if (undone) {
            done.results.replaceAll(r -> done.settingsApplied.stream().anyMatch(a -> a.id().equals(r.id()))
                    ? new ActionResult(r.id(), ActionResult.SKIPPED, r.message() + " (undone: a later step failed)")
                    : r);
            done.changed = done.results.stream().anyMatch(r -> r.status().equals(ActionResult.APPLIED));
            done.settingsApplied.clear();
        }
    }

    /** Every planned action that was not reached is reported failed (the one that failed) or skipped. */
    private static void markNotDone(Plan plan, Progress done, UpdateException failure) {
        boolean first = true;
        for (Action a : plan.actions()) {
            if (done.results.stream().anyMatch(r -> r.id().equals(a.id()))) {
                continue;
            }
            done.results.add(new ActionResult(a.id(), first ? ActionResult.FAILED : ActionResult.SKIPPED,
                    a.message() + (first ? ": " + failure.getMessage() : " (not reached)")));
            first = false;
        }
    }

    private RunOutcome outcome(Plan plan, Progress done, Version installedBefore, FeedFacts feed,
            RunOutcome.FeedSummary summary) {
        Version after = MachineFacts.installedVersion(machine);
        return new RunOutcome(plan, done.results, done.warnings, machine.settings(), settingsNow(plan, done),
                installedBefore, after, feed == null ? null : feed.channelHead(), summary, done.changed);
    }

    /** The settings as they are now: the plan's when its settings steps stuck, else as they were. */
    private Settings settingsNow(Plan plan, Progress done) {
        boolean written = done.results.stream().anyMatch(r -> r.status().equals(ActionResult.APPLIED)
                && r.id().startsWith("set-"));
        return written ? plan.after() : machine.settings();
    }

    private ActionResult applied(Action action) {
        return new ActionResult(action.id(), ActionResult.APPLIED, action.message());
    }

    /** One agent-log line and one audit line per applied settings step (a failed write is a warning). */
    private void logApplied(Action action, String channel) {
        Object from = null;
        Object to = null;
        if (action instanceof Action.SetSetting s) {
            from = s.key().toJson(s.before());
            to = s.key().toJson(s.after());
        } else if (action instanceof Action.InstallScheduler) {
            to = "present";
        } else {
            from = "present";
        }
        events.record(EventLog.Level.INFO, action.message(), EventLog.Event.of(action.id(), ActionResult.APPLIED,
                from, to, channel));
    }
}
