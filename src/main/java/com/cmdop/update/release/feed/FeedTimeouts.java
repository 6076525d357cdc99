package com.cmdop.update.release.feed;

import java.time.Duration;
import java.util.Objects;

/**
 * Timeouts of one feed request. All of them end in FEED_UNAVAILABLE (exit 69, retryable) naming the
 * timeout that fired.
 *
 * @param connect TCP connect (and nothing else); default 10 s.
 * @param idle longest time without receiving a byte, while waiting for the response headers and
 *     between body chunks; default 30 s. A server that accepts and never answers fails after this.
 * @param manifestTotal whole request (all redirects, headers and body) for manifests and signatures;
 *     default 120 s: they are at most 64 KiB, so this only fires on a trickling server.
 * @param artifactBase fixed part of an artifact's total time; default 5 min.
 * @param artifactMinBytesPerSecond the slowest transfer rate we still wait for; default 64 KiB/s.
 *     An artifact of {@code n} bytes gets {@code artifactBase + n / artifactMinBytesPerSecond}:
 *     a 50 MiB agent gets 5 min + 800 s, about 18 min. Slower links hit the total timeout and can
 *     retry; a server that sends one byte every 20 s (never idle for 30 s) is still bounded.
 * @param run every feed transfer of one run together (issue #9): one client serves one run, and the
 *     run's budget starts when the client is opened; each request ends at the earlier of its own total
 *     and what is left of the run's budget. Default 30 min: a feed that dribbles every file just under
 *     its idle and total timeouts can no longer stretch a run (and its lock) to the sum of all of them.
 */
public record FeedTimeouts(
        Duration connect, Duration idle, Duration manifestTotal, Duration artifactBase, long artifactMinBytesPerSecond,
        Duration run) {

    /** The default budget of all the feed transfers of one run. */
    public static final Duration DEFAULT_RUN = Duration.ofMinutes(30);

    public static final FeedTimeouts DEFAULTS = new FeedTimeouts(
            Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(120), Duration.ofMinutes(5), 64 * 1024);

    /** With the default run budget. */
    public FeedTimeouts(Duration connect, Duration idle, Duration manifestTotal, Duration artifactBase,
            long artifactMinBytesPerSecond) {
        this(connect, idle, manifestTotal, artifactBase, artifactMinBytesPerSecond, DEFAULT_RUN);
    }

    public FeedTimeouts {
        requirePositive(run, "run");
        requirePositive(connect, "connect");
        requirePositive(idle, "idle");
        requirePositive(manifestTotal, "manifestTotal");
        requirePositive(artifactBase, "artifactBase");
        if (artifactMinBytesPerSecond <= 0) {
            throw new IllegalArgumentException("artifactMinBytesPerSecond must be positive");
        }
    }

    /** Short timeouts for tests and callers that want one total for everything. */
    public static FeedTimeouts of(Duration connect, Duration idle, Duration total) {
        return new FeedTimeouts(connect, idle, total, total, Long.MAX_VALUE);
    }

    /** These timeouts with another budget for all the feed transfers of one run. */
    public FeedTimeouts withRun(Duration budget) {
        return new FeedTimeouts(connect, idle, manifestTotal, artifactBase, artifactMinBytesPerSecond, budget);
    }

    /** The total time allowed for an artifact of {@code length} bytes (see the class comment). */
    public Duration artifactTotal(long length) {
        if (length < 0) {
            throw new IllegalArgumentException("length must not be negative");
        }
        return artifactBase.plusSeconds(length / artifactMinBytesPerSecond);
    }

    /** "300ms", "30s", "2m", "5m20s": compact, for messages. */
    static String format(Duration d) {
        long ms = d.toMillis();
        if (ms < 1000 || ms % 1000 != 0) {
            return ms + "ms";
        }
        long s = ms / 1000;
        if (s < 60) {
            return s + "s";
        }
        return s / 60 + "m" + (s % 60 == 0 ? "" : s % 60 + "s");
    }

    private static void requirePositive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " timeout must be positive");
        }
    }
}
