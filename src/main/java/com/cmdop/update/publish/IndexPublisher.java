package com.cmdop.update.publish;

import com.cmdop.update.model.error.ErrorCode;
import com.cmdop.update.model.error.InvalidInputException;
import com.cmdop.update.model.Version;
import com.cmdop.update.release.manifest.FeedLayout;
import com.cmdop.update.release.manifest.ManifestJson;
import com.cmdop.update.release.manifest.ReleaseIndex;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Writes {@code releases/index.json} (SPEC section 11) from the releases the feed holds: every complete release
 * whose release.json verifies with the publisher's key, oldest first. The index is rebuilt from the releases
 * each time, so a feed published before the index existed gets a complete one at its next publish, promote or
 * resign. Like a channel manifest it carries {@code sequence} (the previous index's + 1, so machines refuse a
 * replayed older index) and {@code expires}. Publish and promote write it only when the list of releases
 * changed (an identical re-run writes nothing); resign always renews it.
 */
final class IndexPublisher {
    /** The lifetime when a publish names no channel (and so no --expires applies to a channel). */
    static final Duration DEFAULT_EXPIRY = Duration.ofDays(30);

    private IndexPublisher() {}

    /** Brings the index up to date under the feed's lock; returns the files written (none when unchanged). */
    static List<String> update(Feed feed, SigningKey key, Duration expiry, Instant now, boolean renew) {
        List<ReleaseIndex.Entry> entries = new ArrayList<>();
        for (Version v : feed.publishedVersions()) {
            feed.readRelease(v, key).ifPresent(r -> entries.add(ReleaseIndex.Entry.of(r.manifest(), r.sha256())));
        }
        Optional<ReleaseIndex> current = feed.readIndex(key);
        if (!renew && current.isPresent() && current.get().releases().equals(entries)) {
            return List.of();
        }
        long sequence = current.map(ReleaseIndex::sequence).orElse(0L);
        if (sequence == Long.MAX_VALUE) {
            throw new InvalidInputException(ErrorCode.INVALID_INPUT, FeedLayout.INDEX + " is at the largest sequence"
                    + " there is; it cannot be written again", Map.of("path", feed.file(FeedLayout.INDEX).toString()));
        }
        Instant published = now.truncatedTo(ChronoUnit.SECONDS);
        ReleaseIndex next = new ReleaseIndex(ManifestJson.SCHEMA, ManifestJson.PRODUCT, sequence + 1, published,
                published.plus(expiry == null ? DEFAULT_EXPIRY : expiry), entries);
        byte[] bytes = next.toBytes();
        return feed.writeSigned(FeedLayout.INDEX, bytes, key.sign(bytes, "index.json", now));
    }
}
