package com.cmdop.update.plan;

import com.cmdop.update.release.Version;
import com.cmdop.update.state.Settings;

/**
 * What the machine is now, as read before planning.
 *
 * @param scheduler        whether the scheduler entry exists and matches what would be written
 * @param installedVersion the agent version known to be installed, or null if unknown / none
 */
public record ActualState(Settings settings, SchedulerState scheduler, Version installedVersion) {
    public enum SchedulerState { ABSENT, CURRENT, STALE }
}
