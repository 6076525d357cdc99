package com.cmdop.update.publish;

import com.cmdop.update.model.Advisory;

import com.cmdop.update.model.error.ErrorCode;
import com.cmdop.update.model.error.IntegrityException;
import com.cmdop.update.model.error.InvalidInputException;
import com.cmdop.update.lock.RunLock;
import com.cmdop.update.model.Version;
import com.cmdop.update.release.manifest.FeedLayout;
import com.cmdop.update.release.manifest.ManifestJson;
import com.cmdop.update.model.Platform;
import com.cmdop.update.release.manifest.ReleaseManifest;
import com.cmdop.update.release.manifest.Sha256Sums;
import com.cmdop.update.model.Channel;
import com.cmdop.update.trust.MinisignSignature;
import com.cmdop.update.trust.Sha256;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * {@code release publish}: writes one release into a feed (SPEC sections 7 and 8) and, optionally,
 * points a channel at it.
 *
 * <p>Order, so that a reader never sees a channel pointing at a half-written release: the artifacts,
 * then SHA256SUMS and its signature, then release.json and its signature, then the release index
 * ({@link IndexPublisher}), then the channel manifest and its signature. Each signature is renamed before
 * the file it signs, so release.json, renamed last, marks a complete release and is never seen unsigned.
 * Every file is written atomically (temp file, fsync, rename, directory fsync).
 *
 * <p>A published version is immutable: when release.json exists, the release is read back
 * (verified with the publisher's key) and compared with the request. Different artifacts, advisories
 * or notes are refused; the same ones make the run idempotent: nothing is rewritten except files that
 * went missing or were damaged (an artifact, SHA256SUMS or its signature), which are restored from the
 * request when they match what release.json signed. {@code published} keeps its first value.
 */
public final class ReleasePublisher {
    /** As many as release.json may list. */
    static final int MAX_ARTIFACTS = 64;

    private final Duration lockWait;

    public ReleasePublisher(Duration lockWait) {
        this.lockWait = lockWait;
    }

    /** One artifact to publish: its platform and the file to copy. */
    public record ArtifactInput(Platform platform, Path file) {}

    /** A security advisory that this version fixes. */
    public record AdvisoryInput(String id, String severity, String summary) {}

    /** Everything a publish needs; {@code channel} null means: do not touch any channel. */
    public record Request(Path feed, Version version, List<ArtifactInput> artifacts, List<AdvisoryInput> advisories,
            String notes, Channel channel, Duration expiry) {
        public Request {
            Objects.requireNonNull(feed, "feed");
            Objects.requireNonNull(version, "version");
            artifacts = List.copyOf(artifacts);
            advisories = List.copyOf(advisories);
            notes = notes == null ? "" : notes;
        }
    }

    /** What a publish did. {@code files} are feed-relative paths written, in order. */
    public record Result(Version version, String releaseSha256, ReleaseManifest manifest, boolean newRelease,
            List<String> files, ChannelPublisher.ChannelUpdate channel, List<String> warnings) {
        public boolean changed() {
            return !files.isEmpty() || channel != null && channel.changed();
        }

        /** Every file written, the release's and the channel's. */
        public List<String> allFiles() {
            List<String> all = new ArrayList<>(files);
            if (channel != null) {
                all.addAll(channel.files());
            }
            return all;
        }
    }

    /** An artifact measured before anything is written. */
    private record Planned(ArtifactInput input, String fileName, Sha256.Measurement measurement) {
        ReleaseManifest.Artifact artifact() {
            return new ReleaseManifest.Artifact(input.platform().toString(), fileName, measurement.length(),
                    measurement.hex());
        }
    }

    public Result publish(Request request, SigningKey key, Instant now) {
        Feed feed = new Feed(request.feed());
        List<Planned> planned = plan(request);
        List<Advisory> advisories = request.advisories().stream()
                .map(a -> new Advisory(a.id(), a.severity(), a.summary(), request.version()))
                .toList();
        Sha256Sums sums = Sha256Sums.of(planned.stream()
                .map(p -> new Sha256Sums.Entry(p.fileName(), p.measurement().hex())).toList());
        byte[] sumsBytes = sums.toBytes();
        try (RunLock lock = feed.lock(lockWait)) {
            Optional<Feed.VerifiedRelease> existing = feed.readRelease(request.version(), key);
            Feed.VerifiedRelease release;
            List<String> files = new ArrayList<>();
            boolean newRelease = existing.isEmpty();
            if (existing.isPresent()) {
                release = existing.get();
                requireSameContent(feed, release, planned, advisories, request.notes());
                repair(feed, key, release, planned, sumsBytes, now, files);
            } else {
                release = writeRelease(feed, key, request, planned, advisories, sumsBytes, now, files);
            }
            files.addAll(IndexPublisher.update(feed, key, request.expiry(), now, false));
            ChannelPublisher.ChannelUpdate channel = null;
            if (request.channel() != null) {
                channel = new ChannelPublisher(lockWait).promoteLocked(feed, key, request.version(), request.channel(),
                        request.expiry(), now);
            }
            List<String> warnings = channel == null ? List.of() : channel.warnings();
            return new Result(request.version(), release.sha256(), release.manifest(), newRelease, files, channel,
                    warnings);
        }
    }

    /**
     * Checks a request without reading the artifacts' contents or touching the feed: call it before asking
     * for a key password, so that a typo is reported first. {@link #publish} checks again.
     */
    public static void checkInputs(Request request) {
        new Feed(request.feed()).requireUsable();
        if (request.artifacts().isEmpty()) {
            throw new InvalidInputException(ErrorCode.INVALID_INPUT, "no --artifact given; a release needs at least"
                    + " one, such as --artifact linux-amd64=dist/cmdop", Map.of("field", "--artifact"));
        }
        if (request.artifacts().size() > MAX_ARTIFACTS) {
            throw new InvalidInputException(ErrorCode.INVALID_INPUT, "more than " + MAX_ARTIFACTS + " --artifact"
                    + " options; a release has one artifact per platform", Map.of("field", "--artifact"));
        }
        Set<String> advisoryIds = new HashSet<>();
        for (AdvisoryInput a : request.advisories()) {
            if (!advisoryIds.add(a.id())) {
                throw new InvalidInputException(ErrorCode.INVALID_INPUT, "--advisory " + a.id() + " is given twice;"
                        + " give each advisory once", Map.of("field", "--advisory", "id", a.id()));
            }
        }
        Set<String> platforms = new HashSet<>();
        for (ArtifactInput a : request.artifacts()) {
            String field = "--artifact " + a.platform() + "=" + a.file();
            if (!platforms.add(a.platform().toString())) {
                throw new InvalidInputException(ErrorCode.INVALID_INPUT, "--artifact: platform " + a.platform()
                        + " is given twice; give one file per platform", Map.of("field", "--artifact",
                        "platform", a.platform().toString()));
            }
            if (!Files.exists(a.file())) {
                throw new InvalidInputException(ErrorCode.INVALID_INPUT, field + ": no such file; give the path of"
                        + " the built agent binary for " + a.platform(), Map.of("field", "--artifact",
                        "path", a.file().toString()));
            }
            if (!Files.isRegularFile(a.file())) {
                throw new InvalidInputException(ErrorCode.INVALID_INPUT, field + ": not a regular file; give the"
                        + " agent binary itself", Map.of("field", "--artifact", "path", a.file().toString()));
            }
        }
    }

    /** Checks the inputs and measures every artifact: all before the feed is touched. */
    private static List<Planned> plan(Request request) {
        checkInputs(request);
        List<Planned> planned = new ArrayList<>();
        for (ArtifactInput a : request.artifacts()) {
            Sha256.Measurement m = FeedFiles.measure(a.file(), Feed.MAX_ARTIFACT_BYTES);
            if (m.length() == 0) {
                throw new InvalidInputException(ErrorCode.INVALID_INPUT, "--artifact " + a.platform() + "=" + a.file()
                        + ": the file is empty; was the build interrupted?", Map.of("field", "--artifact",
                        "path", a.file().toString()));
            }
            planned.add(new Planned(a, a.platform().artifactFileName(request.version().toString()), m));
        }
        planned.sort(Comparator.comparing(p -> p.input().platform().toString()));
        return planned;
    }

    private static Feed.VerifiedRelease writeRelease(Feed feed, SigningKey key, Request request, List<Planned> planned,
            List<Advisory> advisories, byte[] sumsBytes, Instant now, List<String> files) {
        Version v = request.version();
        FeedFiles.createDirectories(feed.file(FeedLayout.releaseDir(v)), FeedFiles.PUBLIC_DIR);
        for (Planned p : planned) {
            copyArtifact(feed, v, p, files);
        }
        files.addAll(feed.writeSigned(FeedLayout.sha256sums(v), sumsBytes, key.sign(sumsBytes, FeedLayout.SHA256SUMS,
                now)));

        ReleaseManifest manifest = new ReleaseManifest(ManifestJson.SCHEMA, ManifestJson.PRODUCT, v,
                now.truncatedTo(ChronoUnit.SECONDS), planned.stream().map(Planned::artifact).toList(),
                Sha256.hex(sumsBytes), advisories, request.notes());
        byte[] bytes = manifest.toBytes();
        files.addAll(feed.writeSigned(FeedLayout.releaseManifest(v), bytes, key.sign(bytes, FeedLayout.RELEASE_JSON,
                now)));
        return new Feed.VerifiedRelease(v, bytes, Sha256.hex(bytes), manifest);
    }

    /** Copies an artifact unless the feed already holds exactly these bytes (an interrupted earlier run). */
    private static void copyArtifact(Feed feed, Version v, Planned p, List<String> files) {
        String rel = FeedLayout.artifact(v, p.fileName());
        Path target = feed.file(rel);
        if (Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) {
            Sha256.Measurement there = FeedFiles.measure(target, Feed.MAX_ARTIFACT_BYTES);
            if (there.length() == p.measurement().length() && there.matches(p.measurement().hex())) {
                return;
            }
        }
        Sha256.Measurement copied = FeedFiles.copy(p.input().file(), target, Feed.MAX_ARTIFACT_BYTES);
        if (copied.length() != p.measurement().length() || !copied.matches(p.measurement().hex())) {
            throw new InvalidInputException(ErrorCode.INVALID_INPUT, "--artifact " + p.input().file() + " changed while"
                    + " it was being published (SHA-256 " + p.measurement().hex() + " before, " + copied.hex()
                    + " after); wait for the build to finish and run again", Map.of("field", "--artifact",
                    "path", p.input().file().toString()));
        }
        files.add(rel);
    }

    /** Refuses a request whose release differs from the one already published under this version. */
    private static void requireSameContent(Feed feed, Feed.VerifiedRelease release, List<Planned> planned,
            List<Advisory> advisories, String notes) {
        ReleaseManifest m = release.manifest();
        List<String> differences = new ArrayList<>();
        Map<String, ReleaseManifest.Artifact> published = new LinkedHashMap<>();
        m.artifacts().forEach(a -> published.put(a.platform(), a));
        Map<String, ReleaseManifest.Artifact> given = new LinkedHashMap<>();
        planned.forEach(p -> given.put(p.input().platform().toString(), p.artifact()));
        for (Map.Entry<String, ReleaseManifest.Artifact> e : given.entrySet()) {
            ReleaseManifest.Artifact there = published.get(e.getKey());
            if (there == null) {
                differences.add("artifact " + e.getKey() + " is not in the published release");
            } else if (!there.equals(e.getValue())) {
                differences.add("artifact " + e.getKey() + " differs (published sha256 " + there.sha256() + ", "
                        + there.length() + " bytes; given sha256 " + e.getValue().sha256() + ", "
                        + e.getValue().length() + " bytes)");
            }
        }
        for (String platform : published.keySet()) {
            if (!given.containsKey(platform)) {
                differences.add("artifact " + platform + " is published but not given");
            }
        }
        if (!new HashSet<>(m.advisories()).equals(new HashSet<>(advisories))) {
            differences.add("the advisories differ (published: " + describe(m.advisories()) + "; given: "
                    + describe(advisories) + ")");
        }
        if (!m.notes().equals(notes)) {
            differences.add("the notes differ (published: " + quote(m.notes()) + "; given: " + quote(notes) + ")");
        }
        if (!differences.isEmpty()) {
            Path dir = feed.file(FeedLayout.releaseDir(m.version()));
            throw new InvalidInputException(ErrorCode.INVALID_INPUT, m.version() + " is already published in " + dir
                    + " with different content: " + String.join("; ", differences) + ". A published version is"
                    + " immutable (machines may have installed it): publish a new version instead; nothing was"
                    + " changed", Map.of("field", "--version", "version", m.version().toString(),
                    "differences", differences));
        }
    }

    private static String describe(List<Advisory> advisories) {
        return advisories.isEmpty() ? "none" : String.join(", ", advisories.stream()
                .map(a -> a.id() + ":" + a.severity() + ":" + a.summary()).sorted().toList());
    }

    private static String quote(String text) {
        return text.isEmpty() ? "none" : "'" + (text.length() > 60 ? text.substring(0, 57) + "..." : text) + "'";
    }

    /**
     * The identical release was published before: restores files that went missing or were damaged, as far
     * as the request's bytes match what release.json signed. Writes nothing when all is in place.
     */
    private static void repair(Feed feed, SigningKey key, Feed.VerifiedRelease release, List<Planned> planned,
            byte[] sumsBytes, Instant now, List<String> files) {
        Version v = release.version();
        for (Planned p : planned) {
            copyArtifact(feed, v, p, files);
        }
        String sumsPath = FeedLayout.sha256sums(v);
        String signed = release.manifest().sha256sumsSha256();
        Optional<byte[]> sumsThere = FeedFiles.readIfExists(feed.file(sumsPath), Sha256Sums.MAX_BYTES, "SHA256SUMS");
        byte[] sums = sumsThere.orElse(null);
        if (sums == null || !Sha256.hex(sums).equals(signed)) {
            if (!Sha256.hex(sumsBytes).equals(signed)) {
                throw new IntegrityException(ErrorCode.HASH_MISMATCH, feed.file(sumsPath) + " does not match the"
                        + " sha256sums_sha256 that release.json signed, and cannot be rebuilt from the artifacts given;"
                        + " restore it from a backup; nothing was changed", Map.of("path",
                        feed.file(sumsPath).toString()));
            }
            FeedFiles.write(feed.file(sumsPath), sumsBytes, FeedFiles.PUBLIC_FILE);
            files.add(sumsPath);
            sums = sumsBytes;
        }
        String sigPath = FeedLayout.signatureOf(sumsPath);
        Optional<byte[]> sig = FeedFiles.readIfExists(feed.file(sigPath), MinisignSignature
                .MAX_FILE_BYTES, "signature");
        boolean sigValid = false;
        if (sig.isPresent()) {
            try {
                key.verifier().verify(sums, sig.get(), sigPath);
                sigValid = true;
            } catch (IntegrityException e) {
                sigValid = false;
            }
        }
        if (!sigValid) {
            FeedFiles.write(feed.file(sigPath), key.sign(sums, FeedLayout.SHA256SUMS, now), FeedFiles.PUBLIC_FILE);
            files.add(sigPath);
        }
    }
}
