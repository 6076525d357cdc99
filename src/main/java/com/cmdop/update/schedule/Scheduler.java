package com.cmdop.update.schedule;

import com.cmdop.update.plan.ActualState.SchedulerState;

/**
 * The scheduler entry that runs {@code cmdop-update --scheduled} every 15 minutes (SPEC sections 6 and 11):
 * systemd units or a cron.d file for the system, a systemd user timer or the user's crontab for a user.
 * {@link Schedulers#of} picks the one of a machine.
 */
public interface Scheduler {
    /** {@code systemd}, {@code cron}, {@code systemd-user} or {@code crontab}, as {@code status} shows it. */
    String kind();

    /** Where the entry lives, for {@code status} (a directory, a file, or {@code crontab -l}). */
    String location();

    SchedulerState state();

    /** Writes the entry (and removes the other kind's, if present). */
    void install();

    void remove();

    /** Records the entry as it is now; running the result puts it back (the undo of install and remove). */
    Runnable snapshot();

    /** Checks, before a run changes anything, that the entry can be written or removed. */
    void checkWritable();

    /**
     * Tells the scheduler about the change where that is needed (systemctl enable/disable on the live
     * machine). @return a warning for the operator when that failed, else null
     */
    String activate(boolean enable);
}
