package com.cmdop.update.model.error;

/** Process exit statuses of SPEC section 4 (sysexits.h values where one fits). */
public final class ExitCodes {
    public static final int OK = 0;
    /** Only with --detailed-exitcode: success and something changed, drift found, or an update waits. */
    public static final int CHANGED = 2;
    public static final int USAGE = 64;
    public static final int DATA_ERROR = 65;
    public static final int UNAVAILABLE = 69;
    public static final int SOFTWARE = 70;
    public static final int IO_ERROR = 74;
    public static final int LOCKED = 75;
    public static final int PERMISSION = 77;
    public static final int INTEGRITY = 80;
    public static final int HEALTH = 81;

    private ExitCodes() {}
}
