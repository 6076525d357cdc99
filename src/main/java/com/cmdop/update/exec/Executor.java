package com.cmdop.update.exec;

import com.cmdop.update.audit.AgentLog;
import com.cmdop.update.audit.AuditLog;
import com.cmdop.update.plan.Action;
import com.cmdop.update.plan.Plan;
import com.cmdop.update.release.Version;
import com.cmdop.update.schedule.SchedulerEntry;
import com.cmdop.update.state.Machine;
import com.cmdop.update.state.SettingKey;
import com.cmdop.update.state.StateStore;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Carries out a plan under the run lock. Setting changes go into config.yaml in one atomic write, so
 * they all happen or none does; then the scheduler entry; each applied step gets an agent-log line and
 * an audit line.
 */
final class Executor {
    private final Machine machine;
    private final SchedulerEntry scheduler;
    private final AgentLog agentLog;
    private final AuditLog auditLog;
    private final Clock clock;

    Executor(Machine machine, SchedulerEntry scheduler, AgentLog agentLog, AuditLog auditLog, Clock clock) {
        this.machine = machine;
        this.scheduler = scheduler;
        this.agentLog = agentLog;
        this.auditLog = auditLog;
        this.clock = clock;
    }

    RunOutcome execute(Plan plan, RunRequest request) {
        List<ActionResult> results = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        Version installed = Converger.installedVersion(machine);
        String channel = plan.after().channel().id();

        Map<SettingKey, Object> changes = new EnumMap<>(SettingKey.class);
        plan.actions().stream().filter(a -> a instanceof Action.SetSetting)
                .map(a -> (Action.SetSetting) a).forEach(s -> changes.put(s.key(), s.after()));
        if (!changes.isEmpty()) {
            machine.config().write(changes);
        }
        boolean changed = false;
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
            } else if (action instanceof Action.Rollback) {
                results.add(new ActionResult(action.id(), ActionResult.SKIPPED, action.message()));
            } else if (action instanceof Action.InstallVersion v) {
                results.add(new ActionResult(action.id(), ActionResult.SKIPPED, action.message()));
                warnings.add("the pin " + v.version() + " is recorded, but installing agent versions is not "
                        + "available in this build yet: the installed version is unchanged");
            }
        }
        if (changed) {
            recordLastChange(request, results);
        }
        return new RunOutcome(plan, results, warnings, machine.settings(), plan.after(), installed, installed, changed);
    }

    private ActionResult applied(Action action) {
        return new ActionResult(action.id(), ActionResult.APPLIED, action.message());
    }

    private void logApplied(Action action, Object from, Object to, String channel) {
        agentLog.info(action.message());
        auditLog.record(AuditLog.Event.of(action.id(), ActionResult.APPLIED, from, to, channel));
    }

    private void recordLastChange(RunRequest request, List<ActionResult> results) {
        StateStore state = StateStore.load(machine.paths().stateFile(machine.settings()));
        ObjectNode last = state.root().putObject("last_change");
        last.put("time", DateTimeFormatter.ISO_INSTANT.format(clock.instant().truncatedTo(ChronoUnit.SECONDS)));
        last.put("actor", request.actor());
        last.putPOJO("actions", results.stream().filter(r -> r.status().equals(ActionResult.APPLIED))
                .map(ActionResult::id).toList());
        state.save();
    }

    private static void addIfPresent(List<String> list, String s) {
        if (s != null) {
            list.add(s);
        }
    }
}
