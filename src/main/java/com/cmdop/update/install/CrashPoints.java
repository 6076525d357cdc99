package com.cmdop.update.install;

import java.util.Map;

/**
 * TEST-ONLY fault injection for the crash tests: the engine calls {@link #reach} at each named phase;
 * when this instance's target is that phase, its halt action runs. Built from an environment map
 * ({@link #fromEnv}): when {@code CMDOP_TEST_CRASH_AT} names a phase, the process halts with status 137
 * (like {@code kill -9}: no finally blocks, no shutdown hooks), which is what the crash tests that run the
 * engine as a child process use. Unset (always, outside the tests), {@link #reach} does nothing.
 * In-process tests use {@link #throwingAt}: the phase throws {@link Crash}, an Error that the engine's
 * own {@code catch (RuntimeException)} undo paths do not see, so the state left is that of a crash (only
 * {@code finally} blocks, which remove temporary files, still run).
 */
public final class CrashPoints {
    public static final String ENV = "CMDOP_TEST_CRASH_AT";

    /** Half the artifact is in the staging file. */
    public static final String DOWNLOAD = "download";
    /** The download is complete and fsynced; not yet verified. */
    public static final String VERIFY = "verify";
    /** Verified, executable, the journal written; the current binary not yet cached. */
    public static final String STAGE = "stage";
    /** The current binary is being kept in the cache (linked, or part of it copied). */
    public static final String CACHE = "cache";
    /** The new binary was just renamed over install_path; the journal still says "prepared". */
    public static final String SWAP = "swap";
    /** The journal says "swapped"; the restart command has not run yet. */
    public static final String RESTART = "restart";
    /** The restart command ran; the heartbeat wait has not begun. */
    public static final String HEARTBEAT = "heartbeat";
    /** The heartbeat was confirmed and the journal says "healthy"; state.json not yet written. */
    public static final String COMMIT = "commit";
    /** The heartbeat failed and the old binary is back in place; not yet restarted. */
    public static final String ROLLBACK = "rollback";

    private static final CrashPoints NONE = new CrashPoints(null, phase -> { });

    /** What happens at the target phase. */
    @FunctionalInterface
    public interface Halt {
        void halt(String phase);
    }

    /** Thrown at the target phase by {@link #throwingAt}: a simulated crash inside one JVM. */
    public static final class Crash extends Error {
        private static final long serialVersionUID = 1L;

        Crash(String phase) {
            super("test crash point '" + phase + "' reached");
        }
    }

    private final String target;
    private final Halt halt;

    private CrashPoints(String target, Halt halt) {
        this.target = target;
        this.halt = halt;
    }

    /** No crash point: production. */
    public static CrashPoints none() {
        return NONE;
    }

    /** {@code CMDOP_TEST_CRASH_AT} from {@code env}: halts the process (status 137) at that phase. */
    public static CrashPoints fromEnv(Map<String, String> env) {
        String t = env.get(ENV);
        if (t == null || t.isEmpty()) {
            return NONE;
        }
        return new CrashPoints(t, phase -> {
            System.err.println("cmdop-update: test crash point '" + phase + "' reached: halting");
            System.err.flush();
            Runtime.getRuntime().halt(137);
        });
    }

    /** In-process tests: throws {@link Crash} at {@code phase}. */
    public static CrashPoints throwingAt(String phase) {
        return new CrashPoints(phase, p -> {
            throw new Crash(p);
        });
    }

    public void reach(String phase) {
        if (target != null && target.equals(phase)) {
            halt.halt(phase);
        }
    }
}
