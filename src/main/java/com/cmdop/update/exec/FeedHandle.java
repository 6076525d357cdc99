package com.cmdop.update.exec;

import com.cmdop.update.model.Advisory;
import com.cmdop.update.model.error.ErrorCode;
import com.cmdop.update.model.error.UpdateException;
import com.cmdop.update.release.SignedFeed;
import com.cmdop.update.model.Version;
import com.cmdop.update.release.feed.FeedClient;
import com.cmdop.update.release.feed.FeedTimeouts;
import com.cmdop.update.release.manifest.FeedLayout;
import com.cmdop.update.model.Platform;
import com.cmdop.update.release.manifest.ReleaseManifest;
import com.cmdop.update.plan.ActualState.FeedFacts;
import com.cmdop.update.state.Machine;
import com.cmdop.update.model.Settings;
import com.cmdop.update.audit.EventLog;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The run's signed feed, opened on first use (a settings-only run never touches the network or needs
 * {@code update.feed}), and the channel's head once looked up, so the release it names is fetched
 * pinned to the channel manifest's {@code release_sha256}.
 */
final class FeedHandle implements AutoCloseable {
    private final Machine machine;
    private final Settings settings;
    private final Map<String, String> env;
    private final Instant now;
    private final EventLog events;
    private final FeedTimeouts timeouts;
    private SignedFeed feed;
    private SignedFeed.VerifiedChannel head;
    private Optional<SignedFeed.VerifiedIndex> index;
    private final Map<Version, Resolved> resolved = new HashMap<>();

    /**
     * @param settings the settings the run converges to: a desired state may bring the feed and the keys
     *                 in the same run that installs from them
     */
    FeedHandle(Machine machine, Settings settings, Map<String, String> env, Instant now, EventLog events,
            FeedTimeouts timeouts) {
        this.machine = machine;
        this.settings = settings;
        this.env = env;
        this.now = now;
        this.events = events;
        this.timeouts = timeouts;
    }

    SignedFeed feed() {
        if (feed == null) {
            feed = FeedSession.open(machine, settings, env, now, events, timeouts);
        }
        return feed;
    }

    /** The version the machine's channel points at (verified). */
    Version channelHead() {
        if (head == null) {
            head = feed().channel(settings.channel());
        }
        return head.manifest().version();
    }

    /**
     * What the planner needs of the channel: its newest release, whether it has this platform, and the feed's
     * advisories ({@link #advisories}).
     */
    FeedFacts facts(Platform platform) {
        Version v = channelHead();
        ReleaseManifest m = release(v).manifest();
        return new FeedFacts(v, m.artifactFor(platform).isPresent(), platform.toString(),
                index().map(i -> i.index().advisories()).orElse(m.advisories()));
    }

    /**
     * Every advisory the feed publishes: those of every release in the signed index (issue #10.3: however far
     * the channel moved past the installed version); a feed without index: those of the channel's release.
     */
    List<Advisory> advisories() {
        return index().map(i -> i.index().advisories()).orElseGet(() -> release(channelHead()).manifest().advisories());
    }

    /** The signed release index, looked up once per run; empty for a feed without one. */
    Optional<SignedFeed.VerifiedIndex> index() {
        if (index == null) {
            index = feed().index();
        }
        return index;
    }

    /** The verified channel manifest for reports, once {@link #channelHead} looked it up; else null. */
    RunOutcome.FeedSummary summary() {
        if (head == null) {
            return null;
        }
        return new RunOutcome.FeedSummary(settings.feed(), head.manifest().sequence(), head.manifest().published(),
                head.manifest().expires(), head.keyId(), head.fromCache());
    }

    /** The release manifest of {@code v}, pinned to the channel's hash when v is the channel's head. */
    SignedFeed.VerifiedRelease release(Version v) {
        String expected = head != null && head.manifest().version().equals(v) ? head.manifest().releaseSha256() : null;
        return feed().release(v, expected, settings.channel().id());
    }

    /** What installing a version needs from the feed, verified. */
    record Resolved(ReleaseManifest.Artifact artifact, String keyId) {}

    /**
     * Resolves what installing {@code version} needs (feed settings, the signed release manifest, an
     * artifact for this platform), remembered for the run. Called before the run changes anything, so a
     * version that cannot be had fails the run with nothing changed, settings included.
     */
    Resolved resolve(Version version, Platform platform) {
        return resolved.computeIfAbsent(version, v -> {
            SignedFeed.VerifiedRelease release;
            try {
                release = release(v);
            } catch (UpdateException e) {
                if (e.code() == ErrorCode.FEED_UNAVAILABLE && Boolean.TRUE.equals(e.details().get(FeedClient.NOT_FOUND))) {
                    throw new UpdateException(ErrorCode.VERSION_NOT_FOUND, "version " + v + " is not in the feed "
                            + feed().location() + " (no " + FeedLayout.releaseManifest(v) + "); check the version, "
                            + "or whether it was published", Map.of("version", v.toString()), e);
                }
                throw e;
            }
            return new Resolved(SignedFeed.artifactFor(release.manifest(), platform), release.keyId());
        });
    }

    /** Persists what was verified (sequences, cached manifests) once the run's checks passed. */
    void commit() {
        if (feed != null) {
            feed.commit();
        }
    }

    @Override
    public void close() {
        if (feed != null) {
            feed.client().close();
        }
    }
}
