package com.cmdop.update.install;

import com.cmdop.update.state.StateFile;
import com.cmdop.update.model.error.ErrorCode;
import com.cmdop.update.model.error.IntegrityException;
import com.cmdop.update.model.error.UpdateException;
import com.cmdop.update.io.AtomicFiles;
import com.cmdop.update.service.HeartbeatWatcher;
import com.cmdop.update.trust.Sha256;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Installs a new agent binary, or rolls back to the cached previous one, so that install_path is always a
 * complete binary, old or new (SPEC section 9). The caller holds the run lock. Both operations first run
 * {@link Recovery}, then:
 * <ol>
 *   <li>{@link Preflight}: permissions, unsafe directories, free space, before anything is written;
 *   <li>stage: the bytes go to {@code .cmdop.staging-<random>} beside install_path (0600), capped at the
 *       signed length, fsynced, and their SHA-256 is compared (constant time) with the signed one. A
 *       mismatch deletes the staging file, writes the CRITICAL tamper line and fails with 80: nothing changed;
 *   <li>the staged file becomes 0755; the journal is written; the current binary is kept in the cache (a hard link, else a copy)
 *       as the rollback target;
 *   <li>one atomic rename over install_path, restart, heartbeat; then commit, or revert and fail with 81
 *       ({@link Transition}).
 * </ol>
 */
public final class Installer {
    private final InstallEnv env;
    private final Preflight preflight;
    private final HeartbeatWatcher watcher;

    /** The engine on {@code env}, with the outside world of {@link InstallEnv#seams()}. */
    public Installer(InstallEnv env) {
        this.env = env;
        this.preflight = env.seams().preflight();
        this.watcher = env.seams().watcher(env.heartbeatFile());
    }

    /** Installs {@code expected}, whose bytes {@code source} provides. */
    public InstallResult install(ExpectedArtifact expected, ArtifactSource source) {
        RecoveryResult recovered = new Recovery(env, watcher).recover();
        Transition transition = new Transition(env, watcher);
        String version = expected.version().toString();
        Journal.Binary from = current();
        if (from != null && Binaries.same(from.sha256(), expected.sha256())) {
            return alreadyInstalled(expected, from, merge(recovered.warnings(), transition.warnings()));
        }
        preflight.check(env.installPath(), env.dataDir(), expected.length(),
                from == null ? 0 : Binaries.sizeOrZero(env.installPath()));
        AtomicFiles.createDirectories(env.installDir());
        Path staging = Staging.create(env.installDir());
        try {
            env.info("download", "started", show(from), version, expected.sha256(), expected.keyId(),
                    "download: " + version + " (" + expected.length() + " bytes) to " + staging);
            Instant started = Instant.now(); // the wall clock, as file times are: not the run's clock
            Sha256.Measurement m;
            try {
                m = Staging.download(staging, source, expected.length(),
                        Progress.on(env.progress(), "cmdop " + version, expected.length()), env.crashPoints());
            } catch (IntegrityException e) {
                throw tampered(e, from, version, null, expected.keyId());
            }
            if (m.length() != expected.length() || !m.matches(expected.sha256())) {
                throw tampered(mismatch(staging, expected, m), from, version, m.hex(), expected.keyId());
            }
            env.info("verify", "ok", show(from), version, m.hex(), expected.keyId(), "verify: " + version + " sha256 "
                    + m.hex() + " matches the checksum signed by key " + expected.keyId());
            Staging.backdate(staging, started);
            Staging.makeExecutable(staging);
            Journal j = prepare(Journal.INSTALL, from, new Journal.Binary(version, m.hex(), true, null), expected.keyId());
            return transition.run(j, staging).withEarlierWarnings(recovered.warnings());
        } finally {
            AtomicFiles.deleteQuietly(staging); // gone after the rename; a leftover otherwise
        }
    }

    /** Swaps back to the cached previous binary: verify it, swap, restart, heartbeat; quarantines the version left. */
    public InstallResult rollback() {
        RecoveryResult recovered = new Recovery(env, watcher).recover();
        Transition transition = new Transition(env, watcher);
        StateFile.Previous prev = StateFile.load(env.stateFile()).previous();
        BinaryCache cache = new BinaryCache(env.versionsDir(), env.crashPoints());
        if (prev == null || !Files.isRegularFile(cache.binary(prev.cache()))) {
            throw new UpdateException(ErrorCode.ROLLBACK_UNAVAILABLE, "there is no cached previous binary to roll "
                    + "back to" + (prev == null ? "" : " (" + cache.binary(prev.cache()) + " is missing)") + ": a binary is "
                    + "kept for cache_ttl (" + env.cacheTtl().toDays() + " days) after an install replaced it; install a "
                    + "specific version with --version V instead; nothing was changed",
                    Map.of("data_dir", env.dataDir().toString()));
        }
        Journal.Binary from = current();
        long size = Binaries.sizeOrZero(cache.binary(prev.cache()));
        preflight.check(env.installPath(), env.dataDir(), size, from == null ? 0 : Binaries.sizeOrZero(env.installPath()));
        Path staging = Staging.create(env.installDir());
        try {
            Instant started = Instant.now();
            Sha256.Measurement m = Staging.copyFrom(cache.binary(prev.cache()), staging);
            if (!m.matches(prev.sha256())) {
                Map<String, Object> d = new LinkedHashMap<>();
                d.put("source", cache.binary(prev.cache()).toString());
                d.put("expected_sha256", prev.sha256());
                d.put("actual_sha256", m.hex());
                throw tampered(new IntegrityException(ErrorCode.HASH_MISMATCH, "the cached previous binary "
                        + cache.binary(prev.cache()) + " (" + prev.version() + ") has SHA-256 " + m.hex()
                        + ", not the recorded " + prev.sha256() + ": it was changed after it was cached; nothing was "
                        + "swapped; install a verified version with --version " + prev.version() + " instead", d),
                        from, prev.version(), m.hex(), null);
            }
            env.info("verify", "ok", show(from), prev.version(), m.hex(), null, "verify: the cached " + prev.version()
                    + " matches its recorded sha256 " + m.hex());
            Staging.backdate(staging, started);
            Staging.makeExecutable(staging);
            Journal j = prepare(Journal.ROLLBACK, from, new Journal.Binary(prev.version(), prev.sha256(), prev.signed(),
                    prev.cache()), null);
            return transition.run(j, staging).withEarlierWarnings(recovered.warnings());
        } finally {
            AtomicFiles.deleteQuietly(staging); // gone after the rename; a leftover otherwise
        }
    }

    /**
     * Writes the PREPARED journal, then keeps the current binary in the cache. On a failure nothing has
     * changed at install_path: the journal and the partial copy are removed again.
     */
    private Journal prepare(String op, Journal.Binary current, Journal.Binary to, String keyId) {
        BinaryCache cache = new BinaryCache(env.versionsDir(), env.crashPoints());
        StateFile.Previous prev = StateFile.load(env.stateFile()).previous();
        Set<String> keep = new java.util.HashSet<>();
        if (prev != null) {
            keep.add(prev.cache());
        }
        if (to.cache() != null) {
            keep.add(to.cache());
        }
        Journal.Binary from = current == null ? null : new Journal.Binary(current.version(), current.sha256(),
                current.signed(), cache.nameFor(current.version(), current.sha256(), keep));
        Journal j = new Journal(op, Journal.Phase.PREPARED, env.clock().instant(), from, to, keyId);
        j.save(env.journalFile());
        try {
            env.crashPoints().reach(CrashPoints.STAGE);
            if (from != null) {
                cache.store(from.cache(), env.installPath(), from.sha256(), StateFile.load(env.stateFile()));
            }
        } catch (RuntimeException e) {
            try {
                Journal.clear(env.journalFile());
                new Retention(env).purge(env.clock().instant(), Set.of());
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        return j;
    }

    /**
     * The expected bytes are already at install_path. Nothing is swapped; if state.json did not know that they
     * are this signed version (an adopted binary), it is recorded now.
     */
    private InstallResult alreadyInstalled(ExpectedArtifact expected, Journal.Binary current,
            List<String> warnings) {
        String version = expected.version().toString();
        StateFile state = StateFile.load(env.stateFile());
        boolean record = !version.equals(current.version()) || !current.signed();
        if (record) {
            state.setInstalled(version, current.sha256(), true,
                    env.clock().instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
            state.save();
            env.info("verify", "ok", current.version(), version, current.sha256(), expected.keyId(), "verify: the binary "
                    + "at " + env.installPath() + " is already " + version + " (it matches the signed checksum)");
        }
        StateFile.Previous prev = state.previous();
        List<String> all = merge(warnings, env.events().drainWarnings());
        return new InstallResult(Journal.INSTALL, record, current.version(), version, current.sha256(),
                expected.keyId(), prev == null ? null : prev.version(), prev == null ? null : prev.expires(), all);
    }

    /** The binary at install_path now (after recovery, state.json agrees with it), or null. */
    private Journal.Binary current() {
        StateFile state = StateFile.load(env.stateFile());
        String sha = Binaries.sha256OrNull(env.installPath(), state);
        if (sha == null) {
            return null;
        }
        StateFile.Installed rec = state.installed();
        boolean known = rec != null && rec.sha256().equals(sha);
        return new Journal.Binary(known ? rec.version() : StateFile.UNKNOWN, sha, known && rec.signed(), null);
    }

    private static IntegrityException mismatch(Path staging, ExpectedArtifact expected, Sha256.Measurement m) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("version", expected.version().toString());
        d.put("expected_length", expected.length());
        d.put("actual_length", m.length());
        d.put("expected_sha256", expected.sha256());
        d.put("actual_sha256", m.hex());
        String what = m.length() < expected.length()
                ? "the download ended after " + m.length() + " of the signed " + expected.length() + " bytes (truncated)"
                : "its SHA-256 " + m.hex() + " does not match the signed " + expected.sha256();
        return new IntegrityException(ErrorCode.HASH_MISMATCH, expected.version() + ": " + what
                + "; the file was changed or corrupted on the way; nothing was changed", d);
    }

    private IntegrityException tampered(IntegrityException e, Journal.Binary from, String to, String sha256,
            String keyId) {
        return env.refused(e, "verify", show(from), to, sha256, keyId);
    }

    private static String show(Journal.Binary b) {
        return b == null ? null : b.version();
    }

    private static List<String> merge(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
