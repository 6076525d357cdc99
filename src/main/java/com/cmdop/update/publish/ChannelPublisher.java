package com.cmdop.update.publish;

import com.cmdop.update.model.error.ErrorCode;
import com.cmdop.update.model.error.IntegrityException;
import com.cmdop.update.model.error.InvalidInputException;
import com.cmdop.update.lock.RunLock;
import com.cmdop.update.model.Version;
import com.cmdop.update.release.manifest.ChannelManifest;
import com.cmdop.update.release.manifest.FeedLayout;
import com.cmdop.update.release.manifest.ManifestJson;
import com.cmdop.update.model.Channel;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code release promote} and {@code release resign}: writes {@code channels/<channel>.json} and its
 * signature, after bringing the release index up to date ({@link IndexPublisher}; resign renews it). Every write takes the previous sequence from the existing manifest (verified with the
 * publisher's key) and adds one, so machines that saw the old manifest accept the new one and refuse a
 * replay of the old; {@code expires} is {@code now + expiry}.
 */
public final class ChannelPublisher {
    private final Duration lockWait;

    public ChannelPublisher(Duration lockWait) {
        this.lockWait = lockWait;
    }

    /** What happened to one channel. {@code previous} is null for a channel's first manifest. */
    public record ChannelUpdate(Channel channel, boolean changed, ChannelManifest manifest, ChannelManifest previous,
            List<String> files, List<String> warnings) {

        /** The same update, with files written before it (the release index) listed first. */
        ChannelUpdate withFilesBefore(List<String> earlier) {
            if (earlier.isEmpty()) {
                return this;
            }
            List<String> all = new ArrayList<>(earlier);
            all.addAll(files);
            return new ChannelUpdate(channel, changed || !earlier.isEmpty(), manifest, previous, all, warnings);
        }

        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", channel.id());
            m.put("changed", changed);
            m.put("version", manifest.version().toString());
            m.put("sequence", manifest.sequence());
            m.put("published", manifest.published().toString());
            m.put("expires", manifest.expires().toString());
            m.put("release_sha256", manifest.releaseSha256());
            m.put("previous_version", previous == null ? null : previous.version().toString());
            m.put("previous_sequence", previous == null ? null : previous.sequence());
            m.put("previous_expires", previous == null ? null : previous.expires().toString());
            return m;
        }
    }

    /** Points {@code channel} at the published {@code version}, taking the feed's lock. */
    public ChannelUpdate promote(Path feedDir, SigningKey key, Version version, Channel channel, Duration expiry,
            Instant now) {
        Feed feed = new Feed(feedDir);
        feed.requireExists();
        try (RunLock lock = feed.lock(lockWait)) {
            feed.readRelease(version, key).orElseThrow(() -> Feed.versionNotFound(feed, version));
            List<String> index = IndexPublisher.update(feed, key, expiry, now, false);
            return promoteLocked(feed, key, version, channel, expiry, now).withFilesBefore(index);
        }
    }

    /**
     * Promote with the lock already held (publish --channel). The release is verified (signature, product,
     * version, every artifact and SHA256SUMS) before the channel is touched. A channel that already points
     * at this very release is left as it is (idempotent; {@code resign} renews an expiry).
     */
    ChannelUpdate promoteLocked(Feed feed, SigningKey key, Version version, Channel channel, Duration expiry,
            Instant now) {
        Feed.VerifiedRelease release = feed.readRelease(version, key)
                .orElseThrow(() -> Feed.versionNotFound(feed, version));
        feed.checkReleaseFiles(release, key);
        Optional<Feed.VerifiedChannel> current = feed.readChannel(channel, key);
        List<String> warnings = new ArrayList<>();
        if (current.isPresent()) {
            ChannelManifest old = current.get().manifest();
            if (old.version().equals(version) && old.releaseSha256().equals(release.sha256())) {
                if (!old.expires().isAfter(now)) {
                    warnings.add("channel " + channel + " already points at " + version + ", but its manifest expired"
                            + " at " + old.expires() + "; run release resign to renew it");
                }
                return new ChannelUpdate(channel, false, old, old, List.of(), warnings);
            }
            if (old.version().isNewerThan(version)) {
                warnings.add("channel " + channel + " moves back from " + old.version() + " to " + version
                        + "; machines already on " + old.version() + " stay there (updates never downgrade on"
                        + " their own)");
            }
        }
        ChannelManifest previous = current.map(Feed.VerifiedChannel::manifest).orElse(null);
        ChannelManifest next = next(channel, previous, version, release.sha256(), expiry, now);
        List<String> files = write(feed, key, next, now);
        return new ChannelUpdate(channel, true, next, previous, files, warnings);
    }

    /**
     * Re-signs the named channel, or every channel the feed has, with {@code expires = now + expiry} and
     * the next sequence, same version. All channels are checked before any is written.
     */
    public List<ChannelUpdate> resign(Path feedDir, SigningKey key, Optional<Channel> only, Duration expiry,
            Instant now) {
        Feed feed = new Feed(feedDir);
        feed.requireExists();
        try (RunLock lock = feed.lock(lockWait)) {
            List<Channel> channels = only.map(List::of).orElseGet(feed::existingChannels);
            if (channels.isEmpty()) {
                throw new InvalidInputException(ErrorCode.INVALID_INPUT, "there are no channel manifests in "
                        + feed.file("channels") + " to re-sign; point a channel at a release first with release"
                        + " promote (or release publish --channel)", Map.of("field", "--feed"));
            }
            List<ChannelManifest> olds = new ArrayList<>();
            for (Channel c : channels) {
                ChannelManifest old = feed.readChannel(c, key).map(Feed.VerifiedChannel::manifest)
                        .orElseThrow(() -> new InvalidInputException(ErrorCode.INVALID_INPUT, "channel " + c
                                + " has no manifest in " + feed.file(FeedLayout.channel(c)) + " to re-sign; point it"
                                + " at a release first with release promote", Map.of("field", "--channel")));
                Feed.VerifiedRelease release = feed.readRelease(old.version(), key)
                        .orElseThrow(() -> Feed.versionNotFound(feed, old.version()));
                if (!release.sha256().equals(old.releaseSha256())) {
                    throw new IntegrityException(ErrorCode.HASH_MISMATCH, feed.file(FeedLayout.channel(c)) + " points"
                            + " at release_sha256 " + old.releaseSha256() + ", but "
                            + feed.file(FeedLayout.releaseManifest(old.version())) + " has SHA-256 " + release.sha256()
                            + "; the release was re-published under the same version; promote it again with release"
                            + " promote instead of re-signing; nothing was changed",
                            Map.of("channel", c.id(), "expected_sha256", old.releaseSha256(),
                                    "actual_sha256", release.sha256()));
                }
                olds.add(old);
            }
            List<ChannelUpdate> updates = new ArrayList<>();
            List<String> index = IndexPublisher.update(feed, key, expiry, now, true);
            for (ChannelManifest old : olds) {
                ChannelManifest next = next(old.channel(), old, old.version(), old.releaseSha256(), expiry, now);
                updates.add(new ChannelUpdate(old.channel(), true, next, old, write(feed, key, next, now), List.of())
                        .withFilesBefore(updates.isEmpty() ? index : List.of()));
            }
            return updates;
        }
    }

    private static ChannelManifest next(Channel channel, ChannelManifest previous, Version version, String releaseSha256,
            Duration expiry, Instant now) {
        long sequence;
        if (previous == null) {
            sequence = 1;
        } else if (previous.sequence() == Long.MAX_VALUE) {
            throw new InvalidInputException(ErrorCode.INVALID_INPUT, "channel " + channel + " is at the largest"
                    + " sequence there is; it cannot be published again", Map.of("channel", channel.id()));
        } else {
            sequence = previous.sequence() + 1;
        }
        Instant published = now.truncatedTo(ChronoUnit.SECONDS);
        return new ChannelManifest(ManifestJson.SCHEMA, ManifestJson.PRODUCT, channel, sequence, published,
                published.plus(expiry), version, releaseSha256);
    }

    /** The manifest and its signature, renamed one right after the other (the signature first). */
    private static List<String> write(Feed feed, SigningKey key, ChannelManifest manifest, Instant now) {
        byte[] bytes = manifest.toBytes();
        return feed.writeSigned(FeedLayout.channel(manifest.channel()), bytes,
                key.sign(bytes, manifest.channel().id() + ".json", now));
    }
}
