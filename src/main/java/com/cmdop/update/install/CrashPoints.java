package com.cmdop.update.install;

/**
 * TEST-ONLY fault injection for the crash tests: when the environment variable
 * {@code CMDOP_TEST_CRASH_AT} names a phase, the process halts with status 137 (like {@code kill -9}: no
 * finally blocks, no shutdown hooks) when it reaches that phase. Unset (always, outside the tests),
 * {@link #reach} does nothing.
 */
public final class CrashPoints {
    public static final String ENV = "CMDOP_TEST_CRASH_AT";

    /** Half the artifact is in the staging file. */
    public static final String DOWNLOAD = "download";
    /** The download is complete and fsynced; not yet verified. */
    public static final String VERIFY = "verify";
    /** Verified, executable, the journal written; the current binary not yet cached. */
    public static final String STAGE = "stage";
    /** Part of the current binary is copied into the cache. */
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

    private static final String TARGET = System.getenv(ENV);

    private CrashPoints() {}

    public static void reach(String phase) {
        if (TARGET != null && TARGET.equals(phase)) {
            System.err.println("cmdop-update: test crash point '" + phase + "' reached: halting");
            System.err.flush();
            Runtime.getRuntime().halt(137);
        }
    }
}
