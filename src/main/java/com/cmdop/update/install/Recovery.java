package com.cmdop.update.install;

import com.cmdop.update.audit.EventLog;
import com.cmdop.update.model.error.UpdateException;
import com.cmdop.update.service.HeartbeatWatcher;
import com.cmdop.update.state.StateFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * What every mutating run does first, under the run lock: finish or undo an interrupted install or
 * rollback, remove leftovers, make state.json agree with install_path, purge expired cache entries.
 * Idempotent; {@link Installer#install} and {@link Installer#rollback} call it too.
 *
 * <p>An interrupted run is judged by what is actually at install_path, not by how far the journal says it
 * got (the journal is written before each step, so the step itself may or may not have happened):
 * <ul>
 *   <li>install_path is the new binary and the journal says {@code healthy}: its heartbeat was confirmed;
 *       the bookkeeping is finished (commit);
 *   <li>install_path is the new binary otherwise: it was never confirmed; the old binary is put back from
 *       the cache and restarted (undo); the new version is quarantined only if its heartbeat had failed
 *       ({@code reverting});
 *   <li>install_path is the old binary: nothing to put back; if the new one may have run ({@code swapped},
 *       {@code reverting}) the old one is restarted and its heartbeat confirmed; the journal is removed;
 *   <li>install_path is neither: someone else changed it; it is adopted as it is.
 * </ul>
 * Then: {@code .cmdop.staging-*} files beside install_path and cache entries nothing refers to are removed.
 */
public final class Recovery {
    private final InstallEnv env;
    private final HeartbeatWatcher watcher;

    /**
     * Whether an interrupted run left something to finish or undo (a journal, a staging file). Read-only
     * and cheap, so even a run that has nothing else to do can tell whether it must take the lock.
     */
    public static boolean isNeeded(Path installPath, Path dataDir) {
        if (Files.exists(dataDir.resolve(Journal.FILE_NAME))) {
            return true;
        }
        Path dir = installPath.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.anyMatch(p -> p.getFileName().toString().startsWith(Staging.PREFIX));
        } catch (IOException e) {
            return true; // cannot tell: let the locked path look properly
        }
    }

    public Recovery(InstallEnv env) {
        this(env, env.seams().watcher(env.heartbeatFile()));
    }

    Recovery(InstallEnv env, HeartbeatWatcher watcher) {
        this.env = env;
        this.watcher = watcher;
    }

    public RecoveryResult recover() {
        env.seams().preflight().checkDataDir(env.dataDir()); // before anything is read, moved or deleted there
        Transition transition = new Transition(env, watcher);
        List<String> actions = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        Journal j;
        try {
            j = Journal.load(env.journalFile());
        } catch (UpdateException e) {
            // unreadable journal: judge by install_path alone (adoption below), never by guesswork
            Path aside = env.journalFile().resolveSibling("journal.json.corrupt-" + env.clock().millis());
            try {
                java.nio.file.Files.move(env.journalFile(), aside);
            } catch (java.io.IOException moveFailed) {
                throw com.cmdop.update.io.AtomicFiles.ioFailure("move aside", env.journalFile(), moveFailed);
            }
            warnings.add(e.getMessage() + "; moved to " + aside);
            env.step(EventLog.Level.ERROR, "recover", "failed", null, null, "corrupt-journal", null, null,
                    "recover: " + env.journalFile() + " was unreadable; moved to " + aside);
            j = null;
        }
        if (j != null) {
            actions.add(finishOrUndo(j, transition));
        }
        for (Path p : Staging.removeLeftovers(env.installDir())) {
            actions.add("removed the leftover staging file " + p);
            env.step(EventLog.Level.INFO, "recover", "applied", null, null, "leftover", null, null,
                    "recover: removed the leftover staging file " + p);
        }
        String adopted = new Adoption(env).reconcile();
        if (adopted != null) {
            actions.add(adopted);
        }
        actions.addAll(new Retention(env).purge(env.clock().instant(), Set.of()));
        warnings.addAll(transition.warnings());
        return new RecoveryResult(actions, warnings);
    }

    private String finishOrUndo(Journal j, Transition transition) {
        String now = Binaries.sha256OrNull(env.installPath(), StateFile.load(env.stateFile()));
        String what = j.op() + " of " + j.to().version() + " (from " + (j.from() == null ? "nothing" : j.from().version())
                + ", interrupted in phase " + j.phase().name().toLowerCase(java.util.Locale.ROOT) + ")";
        String done;
        if (now != null && Binaries.same(now, j.to().sha256())) {
            if (j.phase() == Journal.Phase.HEALTHY) {
                transition.commit(j);
                done = "finished the interrupted " + what + ": " + j.to().version() + " had confirmed its heartbeat";
            } else {
                Transition.Reverted r = transition.revert(j, j.phase() == Journal.Phase.REVERTING);
                done = r.kept() ? "kept " + j.to().version() + " after the interrupted " + what + ": there was no "
                        + "binary before it to go back to"
                        : r.restored() ? "undid the interrupted " + what + ": " + show(j.from()) + " is back"
                        : "could not undo the interrupted " + what + " (" + r.problem() + "); " + j.to().version()
                                + " stays installed";
            }
        } else if (j.from() == null ? now == null : now != null && Binaries.same(now, j.from().sha256())) {
            transition.revert(j, j.phase() == Journal.Phase.REVERTING);
            done = "undid the interrupted " + what + ": install_path still held " + show(j.from());
        } else {
            Journal.clear(env.journalFile());
            done = "dropped the journal of the interrupted " + what + ": install_path holds neither version, so it "
                    + "was changed by someone else; it is adopted as it is";
        }
        env.step(EventLog.Level.WARN, "recover", "applied", j.from() == null ? null : j.from().version(),
                j.to().version(), j.phase().name().toLowerCase(java.util.Locale.ROOT), null, null, "recover: " + done);
        return done;
    }

    private static String show(Journal.Binary b) {
        return b == null ? "no binary" : b.version();
    }
}
