package com.cmdop.update.exec;

import com.cmdop.update.install.Quarantine;
import com.cmdop.update.install.InstallStatus;
import com.cmdop.update.model.Version;
import com.cmdop.update.plan.ActualState;
import com.cmdop.update.plan.ScheduleDecision;
import com.cmdop.update.schedule.MachineIdentity;
import com.cmdop.update.schedule.Scheduler;
import com.cmdop.update.state.Machine;
import com.cmdop.update.state.StateFile;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Set;
import java.util.stream.Collectors;

/** Reads what the planner needs to know of a machine, without the feed: reads only, no lock. */
public final class MachineFacts {
    private MachineFacts() {}

    static ActualState read(Machine machine, Scheduler scheduler) {
        Path data = machine.paths().dataDir(machine.settings());
        InstallStatus install = InstallStatus.read(machine.paths().installPath(machine.settings()), data);
        Version previous = install.previous() == null ? null : versionOf(install.previous().version());
        Set<Version> quarantined = install.quarantined().stream().map(Quarantine.Entry::version)
                .collect(Collectors.toSet());
        return new ActualState(machine.settings(), scheduler.state(), installedVersion(machine),
                binary(install), previous, quarantined, null);
    }

    /** A recorded version, or null when none is recorded or it is not one ({@code unknown}). */
    private static Version versionOf(String recorded) {
        return recorded != null && Version.isValid(recorded) ? Version.parse(recorded) : null;
    }

    /** Whether a scheduled check is due now, from the settings and the last check recorded in state.json. */
    static ScheduleDecision.Result schedule(Machine machine, StateFile state, Instant now) {
        return ScheduleDecision.decide(machine.settings(), state.lastCheckTime(), state.checkFailures(), now,
                MachineIdentity.of(machine.paths().root()));
    }

    /**
     * Signed bytes as recorded, bytes that match no signed checksum, or nothing known installed: the one
     * definition of {@code binary: modified}, for the planner's drift and for {@code status}/the envelope alike.
     */
    public static ActualState.Binary binary(InstallStatus install) {
        if (install.installedVerified() == null) {
            return ActualState.Binary.NONE;
        }
        return install.installedVerified() ? ActualState.Binary.SIGNED : ActualState.Binary.MODIFIED;
    }

    static Version installedVersion(Machine machine) {
        return StateFile.load(machine.paths().stateFile(machine.settings())).installedVersion();
    }
}
