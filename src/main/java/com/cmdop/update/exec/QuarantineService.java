package com.cmdop.update.exec;

import com.cmdop.update.audit.EventLog;
import com.cmdop.update.install.Quarantine;
import com.cmdop.update.lock.RunLock;
import com.cmdop.update.model.Version;
import com.cmdop.update.state.Machine;
import java.util.List;

/**
 * {@code cmdop-update quarantine list|clear VERSION}: the versions not installed automatically because
 * they failed their health check or were rolled back from, and the operator's way to trust one again.
 */
public final class QuarantineService {
    private final AppContext ctx;

    public QuarantineService(AppContext ctx) {
        this.ctx = ctx;
    }

    /** Oldest first; reads only. */
    public List<Quarantine.Entry> list(Machine machine) {
        return Quarantine.load(machine.paths().dataDir(machine.settings())).list();
    }

    /**
     * Lets {@code version} be installed automatically again. Under the run lock, with an agent-log and an
     * audit line.
     *
     * @return what was cleared, or null when the version was not quarantined (nothing is written)
     * @param warnings where log writes that failed are reported
     */
    public Quarantine.Entry clear(Machine machine, Version version, List<String> warnings) {
        ctx.seams().preflight().checkDataDir(machine.paths().dataDir(machine.settings())); // before the lock file
        try (RunLock lock = RunLock.acquire(machine.paths().lockFile(machine.settings()), ctx.lockWait())) {
            Quarantine q = Quarantine.load(machine.paths().dataDir(machine.settings()));
            Quarantine.Entry entry = q.list().stream().filter(e -> e.version().equals(version)).findFirst()
                    .orElse(null);
            if (entry == null || !q.remove(version)) {
                return null;
            }
            EventLog events = FeedSession.events(machine, ctx.clock(), RunRequest.CLI, RunIds.next(), ctx.err());
            events.record(EventLog.Level.INFO, "quarantine: cleared " + version + " by hand (was: " + entry.reason()
                    + "); it may be installed automatically again", EventLog.Event.of("quarantine", "cleared",
                    version.toString(), null, machine.settings().channel().id()));
            warnings.addAll(events.drainWarnings());
            return entry;
        }
    }
}
