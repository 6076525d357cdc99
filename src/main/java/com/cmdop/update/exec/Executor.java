package com.cmdop.update.exec;

import com.cmdop.update.audit.EventLog;
import com.cmdop.update.install.InstallResult;
import com.cmdop.update.install.RecoveryResult;
import com.cmdop.update.plan.Action;
import com.cmdop.update.plan.Plan;
import com.cmdop.update.model.Version;
import com.cmdop.update.schedule.SchedulerEntry;
import com.cmdop.update.state.Machine;
import com.cmdop.update.model.SettingKey;
import com.cmdop.update.state.StateFile;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Carries out a plan under the run lock: first the installed version (install or rollback, through the
 * engine), then every setting change in one atomic write of config.yaml, so they all happen or none
 * does, then the scheduler entry. Each applied step gets an agent-log line and an audit line.
 */
final class Executor {
    private final Machine machine;
    private final SchedulerEntry scheduler;
    private final EventLog events;
    private final Clock clock;
    private final VersionChanges versions;

    Executor(Machine machine, SchedulerEntry scheduler, EventLog events, Clock clock, VersionChanges versions) {
        this.machine = machine;
        this.scheduler = scheduler;
        this.events = events;
        this.clock = clock;
        this.versions = versions;
    }

    /**
     * @param recovered what finishing or undoing an interrupted run did before this plan was made
     * @param head      the channel's version, when the feed was consulted
     */
    RunOutcome execute(Plan plan, RunRequest request, RecoveryResult recovered, Version head) {
        List<ActionResult> results = new ArrayList<>();
        List<String> warnings = new ArrayList<>(recovered.warnings());
        warnings.addAll(plan.notes());
        recovered.actions().forEach(a -> results.add(new ActionResult("recover", ActionResult.APPLIED, a)));
        Version installed = Converger.installedVersion(machine);
        String channel = plan.after().channel().id();

        // The binary first: an install that fails (health check, tampering) then leaves every setting as
        // it was, so a pin to a version that could not be installed is not recorded either.
        boolean changed = false;
        for (Action action : plan.actions()) {
            if (action instanceof Action.Rollback) {
                InstallResult r = versions.rollback();
                results.add(applied(action));
                warnings.addAll(r.warnings());
                changed = true;
            } else if (action instanceof Action.InstallVersion v) {
                if (request.offline()) {
                    results.add(new ActionResult(action.id(), ActionResult.SKIPPED, action.message()));
                    warnings.add("--offline: " + v.version() + " was not installed (installing needs the feed); "
                            + "run without --offline to install it");
                    continue;
                }
                InstallResult r = versions.install(v.version());
                results.add(r.changed() ? applied(action)
                        : new ActionResult(action.id(), ActionResult.SKIPPED, action.message() + ": already in place"));
                warnings.addAll(r.warnings());
                changed |= r.changed();
            }
        }
        // Then every setting in one atomic write of config.yaml, then the scheduler entry.
        Map<SettingKey, Object> changes = new EnumMap<>(SettingKey.class);
        plan.actions().stream().filter(a -> a instanceof Action.SetSetting)
                .map(a -> (Action.SetSetting) a).forEach(s -> changes.put(s.key(), s.after()));
        if (!changes.isEmpty()) {
            machine.config().write(changes);
        }
        for (Action action : plan.actions()) {
            if (action instanceof Action.SetSetting s) {
                results.add(applied(action));
                logApplied(action, s.key().toJson(s.before()), s.key().toJson(s.after()), channel);
                changed = true;
            } else if (action instanceof Action.InstallScheduler) {
                scheduler.install();
                addIfPresent(warnings, scheduler.activate(true));
                results.add(applied(action));
                logApplied(action, null, "present", channel);
                changed = true;
            } else if (action instanceof Action.RemoveScheduler) {
                scheduler.remove();
                addIfPresent(warnings, scheduler.activate(false));
                results.add(applied(action));
                logApplied(action, "present", null, channel);
                changed = true;
            }
        }
        changed |= recovered.changed();
        if (changed) {
            recordLastChange(request, results);
        }
        warnings.addAll(events.drainWarnings()); // log writes that failed: warnings, never a different exit
        Version after = Converger.installedVersion(machine);
        return new RunOutcome(plan, results, warnings, machine.settings(), plan.after(), installed, after, head,
                changed);
    }

    private ActionResult applied(Action action) {
        return new ActionResult(action.id(), ActionResult.APPLIED, action.message());
    }

    private void logApplied(Action action, Object from, Object to, String channel) {
        events.record(EventLog.Level.INFO, action.message(), EventLog.Event.of(action.id(), ActionResult.APPLIED, from, to,
                channel));
    }

    private void recordLastChange(RunRequest request, List<ActionResult> results) {
        StateFile state = StateFile.load(machine.paths().stateFile(machine.settings()));
        state.recordChange(clock.instant(), request.actor(), results.stream()
                .filter(r -> r.status().equals(ActionResult.APPLIED)).map(ActionResult::id).toList());
        state.save();
    }

    private static void addIfPresent(List<String> list, String s) {
        if (s != null) {
            list.add(s);
        }
    }
}
