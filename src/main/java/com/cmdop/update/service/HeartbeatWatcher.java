package com.cmdop.update.service;

import com.cmdop.update.io.JsonTrees;
import com.cmdop.update.model.Version;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;

/**
 * Waits for the agent's heartbeat file ({@code {"version": "v1.2.4", "time": "...", "pid": 123}}) to be
 * newer than a restart and to name the expected version (SPEC section 9).
 *
 * <p>"Newer than the restart" means: its {@code time} is not before the second the restart began
 * (agents may write whole seconds), and its bytes differ from the snapshot taken just before the
 * restart (so a heartbeat the old agent wrote in that same second does not count). A file that is
 * missing, partly written or garbage is polled again until the deadline; the result reports the last
 * thing seen. The sleeper and the nanosecond clock are injectable so tests never sleep.
 *
 * <p>Every read is bounded (issue #9.3): the file is read only when it is a regular file, never through a
 * symbolic link (a FIFO, a device or a directory there would block or mislead; it counts as unreadable and
 * is polled again until the deadline), and each read runs on a daemon thread that is abandoned after
 * {@link #READ_CAP} so a file swapped for a FIFO between the check and the open cannot hang the run.
 */
public final class HeartbeatWatcher {
    public static final Duration DEFAULT_POLL = Duration.ofMillis(200);
    static final int MAX_BYTES = 64 * 1024;
    /** The longest one read of the heartbeat file may take (real time). */
    static final Duration READ_CAP = Duration.ofSeconds(2);
    /** Marks a file that is there but was not read: not a regular file, or a read that did not finish. */
    private static final byte[] NOT_READ = new byte[0];

    /** Sleeps between polls; tests replace it. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    /** The heartbeat file's bytes before a restart (null: there was none). */
    public record Snapshot(byte[] bytes) {}

    private final Path file;
    private final LongSupplier nanoTime;
    private final Sleeper sleeper;
    private final Duration poll;

    public HeartbeatWatcher(Path file, LongSupplier nanoTime, Sleeper sleeper, Duration poll) {
        this.file = file;
        this.nanoTime = nanoTime;
        this.sleeper = sleeper;
        this.poll = poll;
    }

    public Path file() {
        return file;
    }

    public Snapshot snapshot() {
        return new Snapshot(readBounded());
    }

    /**
     * Polls until the heartbeat is fresh and names {@code expected} (any version when {@code expected} is
     * null or not a version, e.g. an adopted binary of unknown version), or until {@code timeout}.
     */
    public HeartbeatResult await(String expected, Instant restartedAt, Snapshot before, Duration timeout) {
        long deadline = nanoTime.getAsLong() + timeout.toNanos();
        while (true) {
            HeartbeatResult r = check(expected, restartedAt, before);
            if (r.ok() || nanoTime.getAsLong() - deadline >= 0) {
                return r;
            }
            try {
                sleeper.sleep(poll);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return r;
            }
        }
    }

    /** One look at the file. */
    HeartbeatResult check(String expected, Instant restartedAt, Snapshot before) {
        byte[] bytes = readBounded();
        if (bytes == null) {
            return new HeartbeatResult(HeartbeatResult.Status.MISSING, expected, null, null, "no file " + file);
        }
        if (bytes == NOT_READ) {
            return unreadable(expected, "not a regular file, or not readable (a symbolic link, FIFO, device or "
                    + "directory is not read)");
        }
        if (bytes.length > MAX_BYTES) {
            return unreadable(expected, "larger than " + MAX_BYTES + " bytes");
        }
        JsonNode node;
        try {
            node = JsonTrees.readTree(bytes);
        } catch (IOException e) {
            return unreadable(expected, "not JSON (partly written?)");
        }
        if (node == null || !node.isObject() || !node.path("version").isTextual() || !node.path("time").isTextual()) {
            return unreadable(expected, "expected an object with \"version\" and \"time\"");
        }
        String version = node.get("version").asText();
        Instant time;
        try {
            time = OffsetDateTime.parse(node.get("time").asText()).toInstant();
        } catch (DateTimeException e) {
            return unreadable(expected, "\"time\" is not an RFC 3339 time");
        }
        boolean sameAsBefore = before != null && before.bytes() != null && Arrays.equals(before.bytes(), bytes);
        if (sameAsBefore || time.isBefore(restartedAt.truncatedTo(ChronoUnit.SECONDS))) {
            return new HeartbeatResult(HeartbeatResult.Status.STALE, expected, version, time, "not renewed");
        }
        if (!sameVersion(expected, version)) {
            return new HeartbeatResult(HeartbeatResult.Status.WRONG_VERSION, expected, version, time, "wrong version");
        }
        return new HeartbeatResult(HeartbeatResult.Status.OK, expected, version, time, "ok");
    }

    static boolean sameVersion(String expected, String seen) {
        if (expected == null || !Version.isValid(expected)) {
            return true;
        }
        return Version.isValid(seen) && Version.parse(seen).equals(Version.parse(expected));
    }

    private static HeartbeatResult unreadable(String expected, String why) {
        return new HeartbeatResult(HeartbeatResult.Status.UNREADABLE, expected, null, null, why);
    }

    /** The file's bytes (at most MAX_BYTES + 1), null if there is no file, {@link #NOT_READ} if not read. */
    private byte[] readBounded() {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (!a.isRegularFile()) {
                return NOT_READ; // opening a FIFO blocks until someone writes it: never open one
            }
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            return NOT_READ; // unreadable for now (a permission problem): keep polling
        }
        FutureTask<byte[]> read = new FutureTask<>(() -> {
            try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
                return in.readNBytes(MAX_BYTES + 1);
            }
        });
        Thread reader = new Thread(read, "cmdop-heartbeat-read");
        reader.setDaemon(true);
        reader.start();
        try {
            return read.get(READ_CAP.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            reader.interrupt();
            return NOT_READ; // replaced by something that blocks (a FIFO) after the check: abandoned
        } catch (ExecutionException e) {
            return e.getCause() instanceof NoSuchFileException ? null : NOT_READ;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return NOT_READ;
        }
    }
}
