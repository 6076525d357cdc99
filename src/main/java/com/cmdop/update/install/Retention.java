package com.cmdop.update.install;

import com.cmdop.update.state.StateFile;
import com.cmdop.update.audit.EventLog;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The previous binary stays cached for {@code cache_ttl} (7 days) from the moment it was replaced, and a
 * later mutating run purges it (an audit line {@code purge}). Only the current rollback target is kept:
 * an older previous binary is unreachable (rollback goes back one step) and is purged as soon as a newer
 * one replaces it (reason {@code unused}, as for the copy made for a run that was undone), like
 * directories left by an interrupted copy ({@code incomplete}).
 */
public final class Retention {
    private final InstallEnv env;
    private final BinaryCache cache;

    Retention(InstallEnv env) {
        this.env = env;
        this.cache = new BinaryCache(env.versionsDir(), env.crashPoints());
    }

    /** The cached previous binary of a data directory, for {@code status}: reads only, no lock needed. */
    public static Optional<PreviousBinary> previous(Path dataDir) {
        StateFile.Previous p = StateFile.ofDataDir(dataDir).previous();
        if (p == null) {
            return Optional.empty();
        }
        return Optional.of(new PreviousBinary(p.version(), p.sha256(), p.replacedAt(), p.expires(),
                new BinaryCache(dataDir.resolve(BinaryCache.DIR)).binary(p.cache())));
    }

    /**
     * Purges an expired previous binary, then every cache entry that is neither the previous binary nor in
     * {@code inUse}; returns one line per entry removed.
     */
    List<String> purge(Instant now, Set<String> inUse) {
        List<String> done = new ArrayList<>();
        StateFile state = StateFile.load(env.stateFile());
        StateFile.Previous prev = state.previous();
        if (prev != null && !now.isBefore(prev.expires())) {
            state.setPrevious(null);
            state.save();
            cache.delete(prev.cache());
            String msg = "purged the cached previous binary " + prev.version() + " (replaced " + prev.replacedAt()
                    + ", kept for cache_ttl until " + prev.expires() + ")";
            env.step(EventLog.Level.INFO, "purge", "applied", prev.version(), null, "expired", prev.sha256(), null, msg);
            done.add(msg);
            prev = null;
        }
        Set<String> keep = new HashSet<>(inUse);
        if (prev != null) {
            keep.add(prev.cache());
        }
        for (String name : cache.names()) {
            if (keep.contains(name)) {
                continue;
            }
            boolean complete = isCompleteEntry(name);
            cache.delete(name);
            String why = complete ? "unused" : "incomplete";
            String msg = "removed the cache entry versions/" + name + (complete ? " (not the rollback target)"
                    : " (left incomplete by an interrupted copy)");
            env.step(EventLog.Level.INFO, "purge", "applied", name, null, why, null, null, msg);
            done.add(msg);
        }
        return done;
    }

    private boolean isCompleteEntry(String name) {
        try {
            return java.nio.file.Files.exists(cache.binary(name).resolveSibling(BinaryCache.MARKER));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
