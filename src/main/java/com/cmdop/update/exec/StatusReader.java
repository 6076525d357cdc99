package com.cmdop.update.exec;

import com.cmdop.update.install.InstallStatus;
import com.cmdop.update.model.Settings;
import com.cmdop.update.model.Version;
import com.cmdop.update.plan.ActualState.SchedulerState;
import com.cmdop.update.plan.ScheduleDecision;
import com.cmdop.update.schedule.Scheduler;
import com.cmdop.update.schedule.Schedulers;
import com.cmdop.update.state.Machine;
import com.cmdop.update.state.StateFile;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/** {@code status}: what the machine is, from local state only: no network, no lock, no writes. */
public final class StatusReader {
    private final AppContext ctx;

    public StatusReader(AppContext ctx) {
        this.ctx = ctx;
    }

    /**
     * A machine's status.
     *
     * @param installedVersion as state.json records it (null: none known)
     * @param modified         install_path no longer hashes to the signed binary that was installed (replaced
     *                         by hand?): the machine has drifted from what the tool put there
     * @param lastSuccess      what the last successful check learned of the feed (null: none recorded)
     * @param checkFailures    how many checks in a row failed, up to the last one
     */
    public record Status(Machine machine, Settings settings, Version installedVersion, InstallStatus install,
            boolean modified, Schedule schedule, JsonNode lastChange, StateFile.LastSuccess lastSuccess,
            int checkFailures) {}

    /**
     * The schedule as {@code status} shows it.
     *
     * @param lastError the error code of the last check when it failed, else null
     * @param nextCheck when the next check is due (now when due now; null when auto-update does not check)
     * @param note      why, in words
     * @param location  where the entry lives (a directory, a file, or {@code crontab -l})
     */
    public record Schedule(boolean auto, String kind, SchedulerState entry, String lastCheck, String lastResult,
            String lastError, Instant nextCheck, String note, String location) {}

    public Status read(Machine machine) {
        Settings s = machine.settings();
        StateFile state = StateFile.load(machine.paths().stateFile(s));
        Version installed = state.installedVersion();
        InstallStatus install = InstallStatus.read(machine.paths().installPath(s), machine.paths().dataDir(s));
        boolean modified = Boolean.FALSE.equals(install.installedVerified()) && installed != null;
        return new Status(machine, s, installed, install, modified, schedule(machine, state), state.lastChangeJson(),
                state.lastSuccess(), state.checkFailures());
    }

    private Schedule schedule(Machine machine, StateFile state) {
        Scheduler entry = Schedulers.of(machine, ctx.launcher(), ctx.env());
        Instant now = ctx.clock().instant();
        ScheduleDecision.Result d = MachineFacts.schedule(machine, state, now);
        StateFile.LastCheck last = state.lastCheck();
        return new Schedule(machine.settings().auto(), entry.kind(), entry.state(),
                last == null ? null : last.time().toString(), last == null ? null : last.result(),
                last == null ? null : last.errorCode(), d.due() ? now : d.nextCheck(), d.reason(), entry.location());
    }
}
