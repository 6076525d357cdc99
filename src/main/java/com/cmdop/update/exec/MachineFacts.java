package com.cmdop.update.exec;

import com.cmdop.update.install.Quarantine;
import com.cmdop.update.install.InstallStatus;
import com.cmdop.update.model.Version;
import com.cmdop.update.plan.ActualState;
import com.cmdop.update.schedule.SchedulerEntry;
import com.cmdop.update.state.Machine;
import com.cmdop.update.state.StateFile;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;

/** Reads what the planner needs to know of a machine, without the feed: reads only, no lock. */
final class MachineFacts {
    private MachineFacts() {}

    static ActualState read(Machine machine, SchedulerEntry scheduler) {
        Path data = machine.paths().dataDir(machine.settings());
        InstallStatus install = InstallStatus.read(machine.paths().installPath(machine.settings()), data);
        Version previous = install.previous() != null && Version.isValid(install.previous().version())
                ? Version.parse(install.previous().version()) : null;
        Set<Version> quarantined = install.quarantined().stream().map(Quarantine.Entry::version)
                .collect(Collectors.toSet());
        return new ActualState(machine.settings(), scheduler.state(), installedVersion(machine), binary(install),
                previous, quarantined, null);
    }

    /** Signed bytes as recorded, bytes that match no signed checksum, or nothing known installed. */
    static ActualState.Binary binary(InstallStatus install) {
        if (install.installedVerified() == null) {
            return ActualState.Binary.NONE;
        }
        return install.installedVerified() ? ActualState.Binary.SIGNED : ActualState.Binary.MODIFIED;
    }

    static Version installedVersion(Machine machine) {
        return StateFile.load(machine.paths().stateFile(machine.settings())).installedVersion();
    }
}
