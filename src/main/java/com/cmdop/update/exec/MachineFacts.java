package com.cmdop.update.exec;

import com.cmdop.update.install.Quarantine;
import com.cmdop.update.install.Retention;
import com.cmdop.update.model.Version;
import com.cmdop.update.plan.ActualState;
import com.cmdop.update.schedule.SchedulerEntry;
import com.cmdop.update.state.Machine;
import com.cmdop.update.state.StateStore;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;

/** Reads what the planner needs to know of a machine, without the feed: reads only, no lock. */
final class MachineFacts {
    private MachineFacts() {}

    static ActualState read(Machine machine, SchedulerEntry scheduler) {
        Path data = machine.paths().dataDir(machine.settings());
        Version previous = Retention.previous(data).map(p -> Version.isValid(p.version())
                ? Version.parse(p.version()) : null).orElse(null);
        Set<Version> quarantined = Quarantine.load(data).list().stream().map(Quarantine.Entry::version)
                .collect(Collectors.toSet());
        return new ActualState(machine.settings(), scheduler.state(), installedVersion(machine), previous,
                quarantined, null);
    }

    static Version installedVersion(Machine machine) {
        return StateStore.load(machine.paths().stateFile(machine.settings())).installedVersion();
    }
}
