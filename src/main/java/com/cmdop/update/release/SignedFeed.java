package com.cmdop.update.release;

import com.cmdop.update.model.Version;

import com.cmdop.update.audit.EventLog;
import com.cmdop.update.model.error.ErrorCode;
import com.cmdop.update.model.error.IntegrityException;
import com.cmdop.update.model.error.InvalidInputException;
import com.cmdop.update.model.error.UpdateException;
import com.cmdop.update.release.feed.FeedClient;
import com.cmdop.update.release.feed.FeedLimits;
import com.cmdop.update.release.feed.FeedLocation;
import com.cmdop.update.release.feed.FetchResult;
import com.cmdop.update.release.feed.ValidatorCache;
import com.cmdop.update.release.feed.Validators;
import com.cmdop.update.release.manifest.ChannelManifest;
import com.cmdop.update.release.manifest.FeedLayout;
import com.cmdop.update.release.manifest.ManifestJson;
import com.cmdop.update.model.Platform;
import com.cmdop.update.release.manifest.ReleaseIndex;
import com.cmdop.update.release.manifest.ReleaseManifest;
import com.cmdop.update.model.Channel;
import com.cmdop.update.trust.MinisignSignature;
import com.cmdop.update.trust.MinisignVerifier;
import com.cmdop.update.trust.SequenceStore;
import com.cmdop.update.trust.Sha256;
import com.cmdop.update.trust.VerifiedSignature;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a release feed and trusts nothing that is not signed by a trusted key (SPEC section 7):
 * each file's signature is verified over its raw bytes before anything is parsed, then product,
 * channel, version and platform must match what was asked for, the channel sequence must not go back,
 * and the manifest must not have expired at the time fixed when the run started. Every refusal is an
 * {@link IntegrityException} (exit 80; expiry: 69) and is logged CRITICAL through the run's {@link EventLog}, whose
 * failed writes never change that exit code.
 *
 * <p>Manifests are fetched conditionally: the last verified manifest and its signature are cached in
 * the data directory, so a check that finds nothing new transfers only the headers.
 */
public final class SignedFeed {
    private final FeedClient client;
    private final MinisignVerifier verifier;
    private final SequenceStore sequences;
    private final ValidatorCache cache;
    private final EventLog events;
    private final Instant now;
    private final List<Signed> pendingCache = new ArrayList<>();

    public SignedFeed(FeedClient client, MinisignVerifier verifier, SequenceStore sequences, ValidatorCache cache,
            EventLog events, Instant now) {
        this.client = client;
        this.verifier = verifier;
        this.sequences = sequences;
        this.cache = cache;
        this.events = events;
        this.now = now;
    }

    public FeedLocation location() {
        return client.location();
    }

    /** A channel manifest that passed every check, with the key that signed it. */
    public record VerifiedChannel(ChannelManifest manifest, String keyId, String sha256, boolean fromCache) {}

    /** A release manifest that passed every check. */
    public record VerifiedRelease(ReleaseManifest manifest, String keyId, String sha256) {}

    /** The channel's current manifest; its sequence counts as seen once {@link #commit()} persists it. */
    public VerifiedChannel channel(Channel channel) {
        String path = FeedLayout.channel(channel);
        return guarded("check", channel.id(), () -> {
            Signed signed = fetchSigned(path, true);
            ChannelManifest m = parse(() -> ChannelManifest.parse(signed.bytes, path));
            String sha = Sha256.hex(signed.bytes);
            Map<String, Object> details = details(path, signed.signature.keyId(), sha);
            if (!ManifestJson.PRODUCT.equals(m.product()) || m.channel() != channel) {
                throw new IntegrityException(ErrorCode.WRONG_TARGET, path + " is a manifest for " + m.product() + " "
                        + m.channel() + ", not cmdop " + channel + ": the feed serves the wrong file; nothing was "
                        + "changed", details);
            }
            requireFresh(signed, channel.id(), m.sequence(), m.expires(), sha, details);
            pendingCache.add(signed);
            return new VerifiedChannel(m, signed.signature.keyId(), sha, signed.fromCache);
        });
    }

    /**
     * A release manifest. {@code expectedSha256} (from a verified channel manifest) pins its exact bytes;
     * null when the version was asked for by number ({@code --version}, {@code --pin}).
     */
    public VerifiedRelease release(Version version, String expectedSha256, String channelForLog) {
        String path = FeedLayout.releaseManifest(version);
        return guarded("check", channelForLog, () -> {
            Signed cached = expectedSha256 == null ? null : cachedRelease(path, expectedSha256);
            Signed signed = cached != null ? cached : fetchSigned(path, false);
            String sha = Sha256.hex(signed.bytes);
            Map<String, Object> details = details(path, signed.signature.keyId(), sha);
            if (expectedSha256 != null && !Sha256.equal(Sha256.parseHex(sha), Sha256.parseHex(expectedSha256))) {
                throw new IntegrityException(ErrorCode.HASH_MISMATCH, path + " does not match the release_sha256 "
                        + "of the signed channel manifest; nothing was changed", details);
            }
            ReleaseManifest m = parse(() -> ReleaseManifest.parse(signed.bytes, path));
            if (!ManifestJson.PRODUCT.equals(m.product()) || !m.version().equals(version)) {
                throw new IntegrityException(ErrorCode.WRONG_TARGET, path + " is the manifest of " + m.product()
                        + " " + m.version() + ", not cmdop " + version + "; nothing was changed", details);
            }
            for (ReleaseManifest.Artifact a : m.artifacts()) {
                requireBareName(a.file(), path, details);
            }
            if (expectedSha256 != null) {
                pendingCache.add(signed); // pinned by a verified channel manifest: safe to reuse by hash
            }
            return new VerifiedRelease(m, signed.signature.keyId(), sha);
        });
    }

    /** The release index that passed every check, with the key that signed it. */
    public record VerifiedIndex(ReleaseIndex index, String keyId, String sha256) {}

    /** The name under which the index's sequence is remembered per key, beside the channels'. */
    static final String INDEX_SEQUENCE = "releases/index";

    /**
     * The signed release index (SPEC section 11), or empty when the feed has none (a feed from before it: the
     * callers fall back to the channel's release). Checked like a channel manifest: signature before parsing,
     * product, a sequence that never goes back per key (ROLLBACK_ATTACK, EQUIVOCATION), expiry (69), a size cap.
     */
    public Optional<VerifiedIndex> index() {
        String path = FeedLayout.INDEX;
        return guarded("check", null, () -> {
            Signed signed;
            try {
                signed = fetchSigned(path, true, FeedLimits.INDEX_MAX_BYTES);
            } catch (UpdateException e) {
                if (e.code() == ErrorCode.FEED_UNAVAILABLE && Boolean.TRUE.equals(e.details().get(FeedClient.NOT_FOUND))) {
                    return Optional.empty();
                }
                throw e;
            }
            ReleaseIndex m = parse(() -> ReleaseIndex.parse(signed.bytes, path));
            String sha = Sha256.hex(signed.bytes);
            Map<String, Object> details = details(path, signed.signature.keyId(), sha);
            if (!ManifestJson.PRODUCT.equals(m.product())) {
                throw new IntegrityException(ErrorCode.WRONG_TARGET, path + " is an index of " + m.product()
                        + ", not cmdop: the feed serves the wrong file; nothing was changed", details);
            }
            for (ReleaseIndex.Entry e : m.releases()) {
                for (ReleaseManifest.Artifact a : e.artifacts()) {
                    requireBareName(a.file(), path, details);
                }
            }
            requireFresh(signed, INDEX_SEQUENCE, m.sequence(), m.expires(), sha, details);
            pendingCache.add(signed);
            return Optional.of(new VerifiedIndex(m, signed.signature.keyId(), sha));
        });
    }

    /**
     * The anti-rollback and freeze rules of a sequenced manifest (a channel, the index): its sequence must not go
     * back for its key and name, and it must not have expired; then the sequence counts as seen (persisted by
     * {@link #commit()}).
     */
    private void requireFresh(Signed signed, String name, long sequence, Instant expires, String sha,
            Map<String, Object> details) {
        sequences.check(signed.signature.keyId(), name, sequence, sha, signed.path);
        if (!now.isBefore(expires)) {
            throw new UpdateException(ErrorCode.MANIFEST_EXPIRED, signed.path + " expired at " + expires
                    + " (now " + now + "): possible freeze attack, or the publisher has not re-signed the feed "
                    + "('cmdop-update release resign'); nothing was changed. Retry later", details);
        }
        sequences.record(signed.signature.keyId(), name, sequence, sha);
    }

    /** The artifact for {@code platform}, or NO_ARTIFACT_FOR_PLATFORM (65). */
    public static ReleaseManifest.Artifact artifactFor(ReleaseManifest m, Platform platform) {
        Optional<ReleaseManifest.Artifact> a = m.artifactFor(platform);
        if (a.isEmpty()) {
            throw new InvalidInputException(ErrorCode.NO_ARTIFACT_FOR_PLATFORM, "release " + m.version()
                    + " has no artifact for " + platform + " (it has: " + m.artifacts().stream()
                    .map(ReleaseManifest.Artifact::platform).toList() + "); pick another version or ask the "
                    + "publisher to build one", Map.of("version", m.version().toString(), "platform",
                    platform.toString()));
        }
        return a.get();
    }

    /**
     * Persists what this run verified: the channel sequences seen and the cached manifests. Called once
     * every check of the run has passed, so a refused run leaves the data directory as it was.
     */
    public void commit() {
        sequences.save();
        pendingCache.forEach(Signed::commitToCache);
        pendingCache.clear();
    }

    public FeedClient client() {
        return client;
    }

    private static void requireBareName(String file, String path, Map<String, Object> details) {
        if (!ReleaseManifest.BARE_NAME.matcher(file).matches()) {
            Map<String, Object> d = new LinkedHashMap<>(details);
            d.put("file", file);
            throw new IntegrityException(ErrorCode.BAD_PATH, path + " names the artifact file '" + file
                    + "', which is not a bare file name: refused; nothing was changed", d);
        }
    }

    /** Signature-checked bytes of a file, and how to cache them once they are fully accepted. */
    private final class Signed {
        final String path;
        final byte[] bytes;
        final FetchResult manifest;
        final FetchResult sig;
        final byte[] sigBytes;
        final VerifiedSignature signature;
        final boolean fromCache;

        Signed(String path, byte[] bytes, FetchResult manifest, byte[] sigBytes, FetchResult sig,
                VerifiedSignature signature, boolean fromCache) {
            this.path = path;
            this.bytes = bytes;
            this.manifest = manifest;
            this.sigBytes = sigBytes;
            this.sig = sig;
            this.signature = signature;
            this.fromCache = fromCache;
        }

        /** Only a manifest that passed every check is cached; an unchanged pair is not rewritten. */
        void commitToCache() {
            if (cache == null || fromCache) {
                return;
            }
            cache.store(location(), path, bytes, manifest.validators());
            cache.store(location(), FeedLayout.signatureOf(path), sigBytes, sig.validators());
        }
    }

    /**
     * A release manifest from the cache when its bytes are exactly those the verified channel manifest
     * names ({@code release_sha256}): a published release never changes, so a check that finds the
     * channel unchanged transfers no manifest body at all. The signature is still verified; when the keys
     * trusted now do not accept it (the publisher rotated keys and re-signed), null: the feed's is fetched.
     */
    private Signed cachedRelease(String path, String expectedSha256) {
        if (cache == null) {
            return null;
        }
        Optional<ValidatorCache.Entry> m = cache.read(location(), path);
        Optional<ValidatorCache.Entry> s = cache.read(location(), FeedLayout.signatureOf(path));
        if (m.isEmpty() || s.isEmpty() || !Sha256.hex(m.get().bytes()).equals(expectedSha256)) {
            return null;
        }
        return cachedSignatureStillTrusted(path, FetchResult.notModified(m.get().validators(), path), m.get(),
                s.get());
    }

    private Signed fetchSigned(String path, boolean conditional) {
        return fetchSigned(path, conditional, FeedLimits.MANIFEST_MAX_BYTES);
    }

    private Signed fetchSigned(String path, boolean conditional, long cap) {
        String sigPath = FeedLayout.signatureOf(path);
        Optional<ValidatorCache.Entry> cachedManifest = conditional && cache != null
                ? cache.read(location(), path) : Optional.empty();
        Optional<ValidatorCache.Entry> cachedSig = conditional && cache != null
                ? cache.read(location(), sigPath) : Optional.empty();
        if (cachedManifest.isPresent() && cachedSig.isPresent()) {
            FetchResult m = client.fetch(path, cap, cachedManifest.get().validators());
            if (m.isNotModified()) {
                Signed unchanged = cachedSignatureStillTrusted(path, m, cachedManifest.get(), cachedSig.get());
                if (unchanged != null) {
                    return unchanged;
                }
            }
            FetchResult s = fetchSignature(sigPath, cachedSig.get().validators());
            if (m.isNotModified() && s.isNotModified()) {
                byte[] bytes = cachedManifest.get().bytes();
                byte[] sigBytes = cachedSig.get().bytes();
                // the cache is re-verified like anything else: a tampered cache is tampering too
                return new Signed(path, bytes, m, sigBytes, s, verify(bytes, sigBytes, path), true);
            }
            if (!m.isNotModified() && !s.isNotModified()) {
                return new Signed(path, m.bytes(), m, s.bytes(), s, verify(m.bytes(), s.bytes(), path), false);
            }
            // one changed and the other did not (a publication in progress): fetch both afresh
        }
        FetchResult m = client.fetch(path, cap, Validators.NONE);
        FetchResult s = fetchSignature(sigPath, Validators.NONE);
        return new Signed(path, m.bytes(), m, s.bytes(), s, verify(m.bytes(), s.bytes(), path), false);
    }

    /**
     * An unchanged manifest (304) with the signature cached beside it, when that signature still verifies over
     * exactly these bytes with the keys trusted now: then asking for the signature again could only bring the
     * same verdict, and a check that finds nothing new costs one request per signed file (issue #11). Null when
     * it does not verify (the keys changed, or the cache was tampered with): the signature is then fetched, and
     * judged, as before.
     */
    private Signed cachedSignatureStillTrusted(String path, FetchResult manifest, ValidatorCache.Entry bytes,
            ValidatorCache.Entry sig) {
        VerifiedSignature verified;
        try {
            verified = verify(bytes.bytes(), sig.bytes(), path);
        } catch (IntegrityException e) {
            return null;
        }
        FetchResult sigNotAsked = FetchResult.notModified(sig.validators(), FeedLayout.signatureOf(path));
        return new Signed(path, bytes.bytes(), manifest, sig.bytes(), sigNotAsked, verified, true);
    }

    /**
     * The signature of a manifest that was found. Its absence is not an unavailable feed: SPEC section 7
     * counts a missing signature as an integrity failure (80, logged CRITICAL), like a bad one. The
     * manifest is always fetched first, so "the manifest itself is missing" keeps its own meaning
     * (VERSION_NOT_FOUND, FEED_UNAVAILABLE).
     */
    private FetchResult fetchSignature(String sigPath, Validators conditional) {
        try {
            return client.fetch(sigPath, FeedLimits.SIGNATURE_MAX_BYTES, conditional);
        } catch (UpdateException e) {
            if (e.code() == ErrorCode.FEED_UNAVAILABLE && Boolean.TRUE.equals(e.details().get(FeedClient.NOT_FOUND))) {
                Map<String, Object> d = new LinkedHashMap<>(e.details());
                d.remove(FeedClient.NOT_FOUND); // not a missing version or channel: callers must not read it so
                d.put("source", sigPath);
                throw new IntegrityException(ErrorCode.SIGNATURE_INVALID, sigPath + " is missing while the file it "
                        + "signs is served: an unsigned manifest is refused (a publication in progress, or "
                        + "tampering); nothing was changed. Ask the publisher to re-sign the feed "
                        + "('cmdop-update release resign'), then retry", d);
            }
            throw e;
        }
    }

    private VerifiedSignature verify(byte[] bytes, byte[] sigBytes, String path) {
        MinisignSignature signature = MinisignSignature.parse(sigBytes, FeedLayout.signatureOf(path));
        return verifier.verify(bytes, signature, path);
    }

    private static <T> T parse(java.util.function.Supplier<T> parser) {
        try {
            return parser.get();
        } catch (InvalidInputException e) {
            // signed but malformed: the publisher's tool is broken or newer than us; not tampering
            throw new InvalidInputException(ErrorCode.INVALID_INPUT, e.getMessage() + " (the manifest is validly "
                    + "signed but not understood: is cmdop-update older than the publisher's tool?)", e.details());
        }
    }

    private static Map<String, Object> details(String path, String keyId, String sha) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("source", path);
        d.put("key_id", keyId);
        d.put("sha256", sha);
        return d;
    }

    private <T> T guarded(String action, String channel, java.util.function.Supplier<T> step) {
        try {
            return step.get();
        } catch (IntegrityException e) {
            refused(e, action, channel);
            throw e;
        } catch (UpdateException e) {
            if (e.code() == ErrorCode.MANIFEST_EXPIRED) {
                refused(e, action, channel); // SPEC: a possible freeze attack is logged like tampering
            }
            throw e;
        }
    }

    private void refused(UpdateException e, String action, String channel) {
        if (events != null) {
            events.refused(e, action, channel);
        }
    }
}
