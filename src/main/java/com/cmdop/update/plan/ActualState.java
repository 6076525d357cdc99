package com.cmdop.update.plan;

import com.cmdop.update.model.Version;
import com.cmdop.update.model.Settings;
import java.util.Set;

/**
 * What the machine is now, as read before planning, and what the feed offers.
 *
 * @param scheduler        whether the scheduler entry exists and matches what would be written
 * @param installedVersion the agent version known to be installed, or null if unknown / none
 * @param previousVersion  the cached rollback target, or null
 * @param channelHead      the version the channel points at, when the feed was consulted, else null
 * @param quarantined      versions not to install automatically
 */
public record ActualState(Settings settings, SchedulerState scheduler, Version installedVersion,
        Version previousVersion, Version channelHead, Set<Version> quarantined) {
    public enum SchedulerState { ABSENT, CURRENT, STALE }

    public ActualState {
        quarantined = Set.copyOf(quarantined);
    }

    /** The machine without feed knowledge, no cached previous version and nothing quarantined. */
    public ActualState(Settings settings, SchedulerState scheduler, Version installedVersion) {
        this(settings, scheduler, installedVersion, null, null, Set.of());
    }
}
