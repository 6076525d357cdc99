package com.cmdop.update.exec;

import com.cmdop.update.model.DesiredState;
import com.cmdop.update.model.VersionIntent;

/**
 * A request to converge the machine to {@code desired} (whose intent says what is asked of the version).
 *
 * @param actor   who asked, for the audit log: cli, scheduled or converge
 * @param check   plan only: change nothing, write nothing
 * @param offline no network: a pin is compared with the installed version only
 */
public record RunRequest(DesiredState desired, String actor, boolean check, boolean offline) {
    public static final String CLI = "cli";
    public static final String CONVERGE = "converge";
    public static final String SCHEDULED = "scheduled";

    /** An update ({@code cmdop-update}, {@code --scheduled}) counts as a check for the schedule, ok or failed. */
    boolean recordsCheck() {
        return desired.intent() instanceof VersionIntent.Latest && !check;
    }
}
