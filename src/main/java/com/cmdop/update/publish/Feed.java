package com.cmdop.update.publish;

import com.cmdop.update.model.error.ErrorCode;
import com.cmdop.update.model.error.IntegrityException;
import com.cmdop.update.model.error.InvalidInputException;
import com.cmdop.update.model.error.UpdateException;
import com.cmdop.update.io.AtomicFiles;
import com.cmdop.update.lock.RunLock;
import com.cmdop.update.model.Version;
import com.cmdop.update.release.manifest.ChannelManifest;
import com.cmdop.update.release.manifest.FeedLayout;
import com.cmdop.update.release.manifest.ManifestJson;
import com.cmdop.update.release.feed.FeedLimits;
import com.cmdop.update.release.manifest.ReleaseIndex;
import com.cmdop.update.release.manifest.ReleaseManifest;
import com.cmdop.update.release.manifest.Sha256Sums;
import com.cmdop.update.model.Channel;
import com.cmdop.update.trust.MinisignSignature;
import com.cmdop.update.trust.Sha256;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A feed directory as the publisher sees it (SPEC section 7): where each file goes, and reading what is
 * already there the way the updater would (signature first, against the publisher's own key, then a
 * strict parse, then product/channel/version checks), so nothing is ever built on a file that was
 * changed after it was signed.
 */
public final class Feed {
    /** The lock file that keeps two publishers from interleaving their writes; it need not be served. */
    public static final String LOCK_FILE = ".cmdop-publish.lock";
    static final int MAX_RELEASE_JSON_BYTES = 1024 * 1024;
    static final int MAX_CHANNEL_JSON_BYTES = 64 * 1024;
    static final long MAX_ARTIFACT_BYTES = 4L * 1024 * 1024 * 1024;

    private final Path root;

    public Feed(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    public Path root() {
        return root;
    }

    /** A feed-relative path ({@link FeedLayout}) as a file. */
    Path file(String relative) {
        return root.resolve(relative);
    }

    /** For promote and resign: the directory must already be a feed. */
    void requireExists() {
        if (!Files.isDirectory(root)) {
            throw new InvalidInputException(ErrorCode.INVALID_INPUT, "--feed " + root + ": no such directory;"
                    + " give the directory that release publish wrote (it holds channels/ and releases/)",
                    Map.of("field", "--feed", "path", root.toString()));
        }
    }

    /** For publish: the directory may be missing (it is created), but must not be something else. */
    void requireUsable() {
        if (Files.exists(root) && !Files.isDirectory(root)) {
            throw new InvalidInputException(ErrorCode.INVALID_INPUT, "--feed " + root + " is not a directory;"
                    + " give a directory for the feed (it is created if missing)",
                    Map.of("field", "--feed", "path", root.toString()));
        }
    }

    RunLock lock(Duration wait) {
        return RunLock.acquire(root.resolve(LOCK_FILE), wait);
    }

    /** A release whose release.json verified with the publisher's key and parsed. */
    record VerifiedRelease(Version version, byte[] bytes, String sha256, ReleaseManifest manifest) {}

    /** A channel manifest that verified with the publisher's key and parsed. */
    record VerifiedChannel(Channel channel, byte[] bytes, ChannelManifest manifest) {}

    /**
     * The published release {@code version}, or empty when it was never published completely (no
     * {@code release.json}, which publish renames last, after its signature). Present but not verifying: 80.
     */
    Optional<VerifiedRelease> readRelease(Version version, SigningKey key) {
        String path = FeedLayout.releaseManifest(version);
        Optional<byte[]> found = FeedFiles.readIfExists(file(path), MAX_RELEASE_JSON_BYTES, "release manifest");
        if (found.isEmpty()) {
            return Optional.empty(); // renamed last: without it the release is incomplete, whatever else is there
        }
        byte[] bytes = found.get();
        byte[] sig = FeedFiles.readIfExists(file(FeedLayout.signatureOf(path)), MinisignSignature.MAX_FILE_BYTES,
                "signature").orElseThrow(() -> new IntegrityException(ErrorCode.SIGNATURE_INVALID, file(path)
                        + " has no signature (" + FeedLayout.signatureOf(path) + " is missing, though publish writes it"
                        + " first): restore both from a backup; nothing was changed",
                        Map.of("path", file(path).toString())));
        verify(bytes, sig, path, key);
        ReleaseManifest manifest = ReleaseManifest.parse(bytes, file(path).toString());
        if (!ManifestJson.PRODUCT.equals(manifest.product()) || !manifest.version().equals(version)) {
            throw wrongTarget(path, "is for " + manifest.product() + " " + manifest.version() + ", not "
                    + ManifestJson.PRODUCT + " " + version);
        }
        return Optional.of(new VerifiedRelease(version, bytes, Sha256.hex(bytes), manifest));
    }

    /** The channel's current manifest, or empty when the channel was never published. */
    Optional<VerifiedChannel> readChannel(Channel channel, SigningKey key) {
        String path = FeedLayout.channel(channel);
        Optional<byte[]> bytes = FeedFiles.readIfExists(file(path), MAX_CHANNEL_JSON_BYTES, "channel manifest");
        Optional<byte[]> sig = FeedFiles.readIfExists(file(FeedLayout.signatureOf(path)),
                MinisignSignature.MAX_FILE_BYTES, "signature");
        if (bytes.isEmpty() && sig.isEmpty()) {
            return Optional.empty();
        }
        if (bytes.isEmpty() || sig.isEmpty()) {
            String missing = bytes.isEmpty() ? path : FeedLayout.signatureOf(path);
            throw new InvalidInputException(ErrorCode.INVALID_INPUT, file(missing) + " is missing while its"
                    + " partner exists; restore it from a backup so that the channel's sequence is known",
                    Map.of("path", file(missing).toString()));
        }
        verify(bytes.get(), sig.get(), path, key);
        ChannelManifest manifest = ChannelManifest.parse(bytes.get(), file(path).toString());
        if (!ManifestJson.PRODUCT.equals(manifest.product()) || manifest.channel() != channel) {
            throw wrongTarget(path, "is for " + manifest.product() + " channel " + manifest.channel() + ", not "
                    + ManifestJson.PRODUCT + " channel " + channel);
        }
        return Optional.of(new VerifiedChannel(channel, bytes.get(), manifest));
    }

    /** The release index, or empty when the feed has none yet (a feed from before the index). */
    Optional<ReleaseIndex> readIndex(SigningKey key) {
        String path = FeedLayout.INDEX;
        Optional<byte[]> bytes = FeedFiles.readIfExists(file(path), (int) FeedLimits.INDEX_MAX_BYTES, "release index");
        Optional<byte[]> sig = FeedFiles.readIfExists(file(FeedLayout.signatureOf(path)),
                MinisignSignature.MAX_FILE_BYTES, "signature");
        if (bytes.isEmpty()) {
            return Optional.empty(); // renamed after its signature: a signature alone is an interrupted first write
        }
        if (sig.isEmpty()) {
            throw new InvalidInputException(ErrorCode.INVALID_INPUT, file(FeedLayout.signatureOf(path)) + " is missing"
                    + " while the index exists; restore it from a backup so that the index's sequence is known",
                    Map.of("path", file(FeedLayout.signatureOf(path)).toString()));
        }
        verify(bytes.get(), sig.get(), path, key);
        ReleaseIndex index = ReleaseIndex.parse(bytes.get(), file(path).toString());
        if (!ManifestJson.PRODUCT.equals(index.product())) {
            throw wrongTarget(path, "is for " + index.product() + ", not " + ManifestJson.PRODUCT);
        }
        return Optional.of(index);
    }

    /** The channels that have a manifest, in {@link Channel} order. */
    List<Channel> existingChannels() {
        List<Channel> out = new ArrayList<>();
        for (Channel c : Channel.values()) {
            Path p = file(FeedLayout.channel(c));
            if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)
                    || Files.exists(file(FeedLayout.signatureOf(FeedLayout.channel(c))), LinkOption.NOFOLLOW_LINKS)) {
                out.add(c);
            }
        }
        return out;
    }

    /** The versions with a complete release (release.json present), sorted by precedence. */
    List<Version> publishedVersions() {
        Path releases = root.resolve("releases");
        List<Version> out = new ArrayList<>();
        if (!Files.isDirectory(releases)) {
            return out;
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(releases)) {
            for (Path d : dirs) {
                String name = d.getFileName().toString();
                if (Version.isValid(name) && Files.isRegularFile(d.resolve(FeedLayout.RELEASE_JSON))) {
                    out.add(Version.parse(name));
                }
            }
        } catch (IOException e) {
            throw AtomicFiles.ioFailure("list", releases, e);
        }
        out.sort(null);
        return out;
    }

    /**
     * Checks that every file of a verified release is in place and is what release.json signed: each
     * artifact's length and SHA-256, SHA256SUMS's SHA-256 and its signature. A channel is never pointed
     * at a release that machines could not install.
     */
    void checkReleaseFiles(VerifiedRelease release, SigningKey key) {
        Version v = release.version();
        for (ReleaseManifest.Artifact a : release.manifest().artifacts()) {
            if (!ReleaseManifest.BARE_NAME.matcher(a.file()).matches()) {
                throw new IntegrityException(ErrorCode.BAD_PATH, file(FeedLayout.releaseManifest(v)) + ": artifact "
                        + a.platform() + " names '" + a.file() + "', which is not a bare file name",
                        Map.of("path", file(FeedLayout.releaseManifest(v)).toString(), "file", a.file()));
            }
            Path p = file(FeedLayout.artifact(v, a.file()));
            if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                throw new InvalidInputException(ErrorCode.INVALID_INPUT, p + " is missing (release.json lists it"
                        + " for " + a.platform() + "); re-run the same release publish to restore it",
                        Map.of("path", p.toString()));
            }
            Sha256.Measurement m = FeedFiles.measure(p, a.length());
            if (m.length() != a.length()) {
                throw new IntegrityException(ErrorCode.HASH_MISMATCH, p + " is " + m.length() + " bytes, but"
                        + " release.json signed " + a.length() + "; the file was changed after it was published;"
                        + " re-run the same release publish to restore it; nothing was changed",
                        Map.of("path", p.toString(), "expected_length", a.length(), "actual_length", m.length()));
            }
            Sha256.requireMatch(a.sha256(), m, p.toString());
        }
        String sumsPath = FeedLayout.sha256sums(v);
        byte[] sums = FeedFiles.readIfExists(file(sumsPath), Sha256Sums.MAX_BYTES,
                "SHA256SUMS").orElseThrow(() -> new InvalidInputException(ErrorCode.INVALID_INPUT, file(sumsPath)
                        + " is missing; re-run the same release publish to restore it",
                        Map.of("path", file(sumsPath).toString())));
        if (!Sha256.hex(sums).equals(release.manifest().sha256sumsSha256())) {
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("path", file(sumsPath).toString());
            details.put("expected_sha256", release.manifest().sha256sumsSha256());
            details.put("actual_sha256", Sha256.hex(sums));
            throw new IntegrityException(ErrorCode.HASH_MISMATCH, file(sumsPath) + " does not match the"
                    + " sha256sums_sha256 that release.json signed; re-run the same release publish to restore it;"
                    + " nothing was changed", details);
        }
        byte[] sumsSig = FeedFiles.readIfExists(file(FeedLayout.signatureOf(sumsPath)), MinisignSignature.MAX_FILE_BYTES,
                "signature").orElseThrow(() -> new InvalidInputException(ErrorCode.INVALID_INPUT,
                        file(FeedLayout.signatureOf(sumsPath)) + " is missing; re-run the same release publish to"
                                + " restore it", Map.of("path", file(FeedLayout.signatureOf(sumsPath)).toString())));
        verify(sums, sumsSig, sumsPath, key);
    }

    /**
     * Writes a signed feed file and its signature: the signature is renamed first, then the file (issue #9). A
     * reader that meets the moment between the two, or a publish stopped there, sees a file that is not there
     * yet (a new release: "not found", 65) rather than a file without signature (80, "tampering"); a file that
     * is replaced (a channel) is mismatched for that moment either way. Returns the paths in the order renamed.
     */
    List<String> writeSigned(String path, byte[] bytes, byte[] signature) {
        String sigPath = FeedLayout.signatureOf(path);
        FeedFiles.writeTogether(List.of(
                new FeedFiles.Content(file(sigPath), signature, FeedFiles.PUBLIC_FILE),
                new FeedFiles.Content(file(path), bytes, FeedFiles.PUBLIC_FILE)));
        return List.of(sigPath, path);
    }

    /** Verifies feed file {@code path} against the publisher's key, explaining failures for a publisher. */
    void verify(byte[] data, byte[] sig, String path, SigningKey key) {
        String source = file(path).toString();
        try {
            key.verifier().verify(data, sig, source + FeedLayout.SIG);
        } catch (IntegrityException e) {
            Object signer = e.details().get("key_id");
            String why = e.code() == ErrorCode.UNKNOWN_KEY
                    ? " is signed by key " + signer + ", not by the --key given (" + key.keyId() + "); use the key"
                            + " this feed was published with"
                    : " does not verify with key " + key.keyId() + " (" + e.details().get("reason") + "): it was"
                            + " changed after it was signed, or an earlier run was interrupted; restore the file and"
                            + " its .minisig from a backup";
            throw new IntegrityException(e.code(), source + why + "; nothing was changed", e.details());
        }
    }

    private IntegrityException wrongTarget(String path, String what) {
        return new IntegrityException(ErrorCode.WRONG_TARGET, file(path) + " " + what + "; it does not belong"
                + " at this place in the feed; restore it from a backup; nothing was changed",
                Map.of("path", file(path).toString()));
    }

    static UpdateException versionNotFound(Feed feed, Version version) {
        List<String> versions = feed.publishedVersions().stream().map(Version::toString).toList();
        String dir = feed.file(FeedLayout.releaseDir(version)).toString();
        String state = Files.isDirectory(feed.file(FeedLayout.releaseDir(version)))
                ? dir + " is incomplete (no release.json): re-run release publish for it"
                : "there is no " + dir + ": publish it first with release publish";
        return new UpdateException(ErrorCode.VERSION_NOT_FOUND, "version " + version + " is not published in "
                + feed.root() + "; " + state + (versions.isEmpty() ? "" : " (published: " + String.join(", ", versions)
                + ")"), Map.of("version", version.toString(), "published_versions", versions));
    }
}
