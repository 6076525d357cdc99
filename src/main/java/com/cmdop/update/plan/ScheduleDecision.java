package com.cmdop.update.plan;

import com.cmdop.update.model.Settings;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

/**
 * Whether {@code --scheduled} should check now (SPEC section 6). Pure: the caller passes the time, the
 * last check and a machine identity. A fleet must not stampede the feed, so each machine adds a stable
 * jitter of up to 10 % of the interval, derived from its identity (the same every run).
 */
public final class ScheduleDecision {
    private ScheduleDecision() {}

    /** The decision and, for {@code status}, when the next check is due. */
    public record Result(boolean due, String reason, Instant nextCheck) {}

    /** The first wait after a failed check; it doubles with every failure in a row, up to the interval. */
    public static final Duration FIRST_RETRY = Duration.ofMinutes(5);

    public static Result decide(Settings s, Instant lastCheck, Instant now, String machineId) {
        return decide(s, lastCheck, 0, now, machineId);
    }

    /**
     * @param failures how many checks in a row failed, up to the last one: a failed check is retried after
     *                 5 min, 10 min, 20 min, ... (never later than the interval) instead of a whole interval
     */
    public static Result decide(Settings s, Instant lastCheck, int failures, Instant now, String machineId) {
        if (!s.auto()) {
            return new Result(false, "auto-update is off", null);
        }
        if (s.hold()) {
            return new Result(false, "held: the installed binary is kept (hold: true)", null);
        }
        if (s.pin() != null) {
            return new Result(false, "pinned to " + s.pin() + " (pinned machines ignore the channel's cadence)", null);
        }
        Duration wait = failures > 0 ? backoff(failures, s.interval()) : s.interval();
        Instant next = lastCheck == null ? now : lastCheck.plus(wait).plus(jitter(wait, machineId));
        String retry = failures > 0 ? " (retry after " + failures + " failed check" + (failures == 1 ? "" : "s")
                + " in a row)" : "";
        if (now.isBefore(next)) {
            return new Result(false, "next check due at " + next + retry, next);
        }
        if (s.window() != null && !s.window().isOpen(now)) {
            // due, but not before the window opens: that is when a check can really happen
            return new Result(false, "outside the maintenance window " + s.window(), s.window().nextOpening(now));
        }
        return new Result(true, lastCheck == null ? "no check recorded yet"
                : failures > 0 ? "retry of a failed check" : "interval passed", next);
    }

    /** 5 min x 2^(failures - 1), capped at the interval. */
    static Duration backoff(int failures, Duration interval) {
        int doublings = Math.min(failures - 1, 20);
        Duration wait = FIRST_RETRY.multipliedBy(1L << doublings);
        return wait.compareTo(interval) > 0 ? interval : wait;
    }

    /**
     * A stable fraction of up to 10 % of the interval for this machine. The machine id is spread by a 64-bit
     * FNV-1a hash with SplitMix64's finaliser: the offset is not a secret, only needs to differ between
     * machines, and a cryptographic digest here initialised the JCA provider list on every status, about 8% of
     * its CPU (docs/PERFORMANCE.md).
     */
    public static Duration jitter(Duration interval, String machineId) {
        long maxMillis = interval.toMillis() / 10;
        if (maxMillis <= 0) {
            return Duration.ZERO;
        }
        long h = 0xcbf29ce484222325L; // FNV-1a offset basis
        for (byte b : (machineId == null ? "" : machineId).getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ (b & 0xff)) * 0x100000001b3L;
        }
        h = (h ^ (h >>> 30)) * 0xbf58476d1ce4e5b9L; // SplitMix64's finaliser: every input bit moves every output bit
        h = (h ^ (h >>> 27)) * 0x94d049bb133111ebL;
        h ^= h >>> 31;
        return Duration.ofMillis(Math.floorMod(h, maxMillis));
    }
}
