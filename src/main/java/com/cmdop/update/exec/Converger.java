package com.cmdop.update.exec;

import com.cmdop.update.audit.AgentLog;
import com.cmdop.update.audit.AuditLog;
import com.cmdop.update.lock.RunLock;
import com.cmdop.update.plan.ActualState;
import com.cmdop.update.plan.Plan;
import com.cmdop.update.plan.Planner;
import com.cmdop.update.release.Version;
import com.cmdop.update.schedule.SchedulerEntry;
import com.cmdop.update.state.Machine;
import com.cmdop.update.state.StateStore;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;

/**
 * The one path of every mutating command (DESIGN.md): read the machine, plan, and, when there is
 * something to do and this is not a check, take the lock, read and plan again (another run may have
 * changed things while we waited), and execute. A machine in sync is never locked and never written.
 */
public final class Converger {
    private final Clock clock;
    private final Duration lockWait;
    private final Function<Machine, SchedulerEntry> schedulerFor;

    public Converger(Clock clock, Duration lockWait, Function<Machine, SchedulerEntry> schedulerFor) {
        this.clock = clock;
        this.lockWait = lockWait;
        this.schedulerFor = schedulerFor;
    }

    public RunOutcome run(Machine machine, RunRequest request) {
        Plan plan = Planner.plan(request.desired(), actual(machine));
        if (plan.actions().isEmpty() || request.check()) {
            List<ActionResult> planned = plan.actions().stream()
                    .map(a -> new ActionResult(a.id(), ActionResult.PLANNED, a.message())).toList();
            Version installed = installedVersion(machine);
            return new RunOutcome(plan, planned, List.of(), machine.settings(), plan.after(), installed,
                    installed, !plan.actions().isEmpty());
        }
        try (RunLock lock = RunLock.acquire(machine.paths().lockFile(machine.settings()), lockWait)) {
            Machine current = machine.reload();
            Plan fresh = Planner.plan(request.desired(), actual(current));
            String runId = RunIds.next();
            Executor executor = new Executor(current, schedulerFor.apply(current),
                    new AgentLog(current.paths().agentLog(current.settings()), clock),
                    new AuditLog(current.paths().auditLog(current.settings()), clock, request.actor(), runId),
                    clock);
            return executor.execute(fresh, request);
        }
    }

    private ActualState actual(Machine machine) {
        return new ActualState(machine.settings(), schedulerFor.apply(machine).state(), installedVersion(machine));
    }

    static Version installedVersion(Machine machine) {
        return StateStore.load(machine.paths().stateFile(machine.settings())).installedVersion();
    }


}
