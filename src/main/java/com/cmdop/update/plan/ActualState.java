package com.cmdop.update.plan;

import com.cmdop.update.model.Advisory;
import com.cmdop.update.model.Settings;
import com.cmdop.update.model.Version;
import java.util.List;
import java.util.Set;

/**
 * What the machine is now, as read before planning, and what the feed offers when it was consulted.
 *
 * @param scheduler        whether the scheduler entry exists and matches what would be written
 * @param installedVersion the agent version known to be installed, or null if unknown / none
 * @param binary           whether install_path still holds signed bytes
 * @param previousVersion  the cached rollback target, or null
 * @param quarantined      versions not to install automatically
 * @param feed             what the feed says, verified; null when it was not consulted (offline, or not needed)
 * @param advisories       every advisory the feed publishes, read without the channel (a converge, a pin);
 *                         null when not read apart from {@code feed}
 */
public record ActualState(Settings settings, SchedulerState scheduler, Version installedVersion, Binary binary,
        Version previousVersion, Set<Version> quarantined, FeedFacts feed, List<Advisory> advisories) {
    public enum SchedulerState { ABSENT, CURRENT, STALE }

    /** What the binary at install_path is, as far as the tool knows. */
    public enum Binary {
        /** Nothing known installed. */
        NONE,
        /** The bytes of a signed release, as installed and recorded. */
        SIGNED,
        /** Bytes that match no signed checksum the tool knows: replaced or changed by hand, or found unsigned. */
        MODIFIED
    }

    /**
     * The channel's newest release as the signed feed names it.
     *
     * @param headHasArtifact whether that release has an artifact for this machine's platform
     * @param platform        this machine's platform, for messages
     * @param advisories      every advisory the feed publishes: of every release in its signed index, or (a feed
     *                        without index) of that release
     */
    public record FeedFacts(Version channelHead, boolean headHasArtifact, String platform, List<Advisory> advisories) {
        public FeedFacts {
            advisories = List.copyOf(advisories);
        }
    }

    public ActualState {
        quarantined = Set.copyOf(quarantined);
        advisories = advisories == null ? null : List.copyOf(advisories);
    }

    public ActualState(Settings settings, SchedulerState scheduler, Version installedVersion, Binary binary,
            Version previousVersion, Set<Version> quarantined, FeedFacts feed) {
        this(settings, scheduler, installedVersion, binary, previousVersion, quarantined, feed, null);
    }

    /** The machine without feed knowledge, no cached previous version and nothing quarantined. */
    public ActualState(Settings settings, SchedulerState scheduler, Version installedVersion) {
        this(settings, scheduler, installedVersion, installedVersion == null ? Binary.NONE : Binary.SIGNED, null,
                Set.of(), null);
    }

    public ActualState withFeed(FeedFacts facts) {
        return new ActualState(settings, scheduler, installedVersion, binary, previousVersion, quarantined, facts,
                advisories);
    }

    /** With the feed's advisories read apart from the channel (null: not read). */
    public ActualState withAdvisories(List<Advisory> published) {
        return new ActualState(settings, scheduler, installedVersion, binary, previousVersion, quarantined, feed,
                published);
    }

    public ActualState withBinary(Binary b) {
        return new ActualState(settings, scheduler, installedVersion, b, previousVersion, quarantined, feed,
                advisories);
    }
}
