package com.cmdop.update.state;

import com.cmdop.update.io.AtomicFiles;
import com.cmdop.update.io.FileIdentity;
import com.cmdop.update.trust.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The SHA-256 of the agent binaries the tool looks at again and again (install_path, for {@code status},
 * the planner, recovery, adoption and the report), computed at most once per file per run and remembered
 * by the file's {@link FileIdentity} (device, inode, size, mtime, ctime): in memory for the run, and in
 * state.json ({@code file_hashes}, written with the next save under the run lock) for later runs.
 *
 * <p>Security rule: a remembered hash stands for a file only while its whole identity is unchanged. Any
 * write changes mtime and ctime; chmod, rename, a hard link change ctime; ctime cannot be set by a
 * program. A remembered hash only skips re-reading; it never decides anything that moves bytes: what
 * installs or swaps hashes the bytes it moves ({@code Staging}, {@code BinaryCache}).
 *
 * <p>Timestamps are only as fine as the filesystem's clock tick, so a same-size rewrite in the same tick as
 * the last change would keep the identity (git's "racy clean" problem). So a hash is remembered only when
 * the file was <em>settled</em>: its mtime and ctime at least {@link #SETTLED_NANOS} before the hash began;
 * or when the tool wrote the file itself and set its mtime into the past ({@link #written}), so that any
 * later write moves mtime forward. Anything else is hashed every time it is asked for.
 */
public final class FileHashes {
    /** Coarser than the timestamp granularity of any filesystem an agent binary lives on (1 s on old ext3). */
    static final long SETTLED_NANOS = 2_000_000_000L;
    /** At most this many files are remembered per state.json: install_path and a few cache entries. */
    static final int MAX_REMEMBERED = 8;

    /** What was learned this run, per state.json (each data directory remembers its own files). */
    private static final Map<Path, Map<String, Known>> RUN = new ConcurrentHashMap<>();
    private static final AtomicLong PASSES = new AtomicLong();

    /** A hash that may stand for the file while its identity is unchanged. */
    record Known(FileIdentity identity, String sha256) {}

    private FileHashes() {}

    /**
     * The SHA-256 of {@code file} (a link is followed), or null when it is not a regular file. Reuses a hash
     * this run or {@code state} (the state.json of the file's data directory) remembers for exactly its
     * current identity; otherwise reads the file once and remembers the result if the file was settled.
     */
    public static String sha256OrNull(Path file, StateFile state) {
        return sha256OrNull(file, state, System.currentTimeMillis() * 1_000_000L);
    }

    /** As above, with the wall-clock time (ns since the epoch) at which the hash begins. */
    static String sha256OrNull(Path file, StateFile state, long startedNanos) {
        String key = key(file);
        FileIdentity now = FileIdentity.of(file);
        if (now != null) {
            Known k = learned(state.file()).get(key);
            if (k == null) {
                k = state.knownHash(key);
            }
            if (k != null && k.identity().equals(now)) {
                return k.sha256();
            }
        }
        String sha = hash(file);
        if (sha != null && now != null && settled(now, startedNanos) && now.equals(FileIdentity.of(file))) {
            learned(state.file()).put(key, new Known(now, sha));
        }
        return sha;
    }

    /**
     * Records that {@code file} holds bytes whose SHA-256 the tool computed as it wrote them, and whose mtime it
     * set into the past before renaming the file into place (so a later write, in any clock tick, moves mtime).
     * Call right after the rename: the identity taken now is the one remembered.
     */
    public static void written(Path file, String sha256, Path stateFile) {
        FileIdentity id = FileIdentity.of(file);
        if (id != null) {
            learned(stateFile).put(key(file), new Known(id, sha256));
        }
    }

    /** How many times this process read a file to hash it here: for tests that prove a file is read once. */
    public static long passes() {
        return PASSES.get();
    }

    /** Forgets what this process learned, as a new run starts with nothing in memory (for tests). */
    static void forgetRun() {
        RUN.clear();
    }

    /** What this run learned for {@code stateFile}, to be written with its next save. */
    static Map<String, Known> learned(Path stateFile) {
        return RUN.computeIfAbsent(stateFile.toAbsolutePath().normalize(), f -> new ConcurrentHashMap<>());
    }

    static boolean settled(FileIdentity id, long startedNanos) {
        return id.mtimeNanos() <= startedNanos - SETTLED_NANOS && id.ctimeNanos() <= startedNanos - SETTLED_NANOS;
    }

    private static String key(Path file) {
        return file.toAbsolutePath().normalize().toString();
    }

    private static String hash(Path file) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        PASSES.incrementAndGet();
        try (InputStream in = Files.newInputStream(file)) {
            return Sha256.measure(in, Long.MAX_VALUE, file.toString()).hex();
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw AtomicFiles.ioFailure("read", file, e);
        }
    }
}
