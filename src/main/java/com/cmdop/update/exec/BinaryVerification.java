package com.cmdop.update.exec;

import com.cmdop.update.audit.EventLog;
import com.cmdop.update.model.error.ErrorCode;
import com.cmdop.update.model.error.IntegrityException;
import com.cmdop.update.model.error.InvalidInputException;
import com.cmdop.update.model.error.UpdateException;
import com.cmdop.update.io.AtomicFiles;
import com.cmdop.update.model.Version;
import com.cmdop.update.release.feed.FeedClient;
import com.cmdop.update.release.feed.FeedLimits;
import com.cmdop.update.release.feed.Validators;
import com.cmdop.update.release.SignedFeed;
import com.cmdop.update.release.manifest.FeedLayout;
import com.cmdop.update.release.manifest.ReleaseIndex;
import com.cmdop.update.release.manifest.Sha256Sums;
import com.cmdop.update.trust.MinisignSignature;
import com.cmdop.update.trust.MinisignVerifier;
import com.cmdop.update.trust.Sha256;
import com.cmdop.update.trust.VerifiedSignature;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code --verify FILE [--sums SHA256SUMS]}: is this binary one that a trusted publisher signed? The
 * file is hashed (never run), then looked up in a SHA256SUMS whose minisign signature verifies with
 * {@code update.trusted_keys}: the one given, the one beside the file, or the feed's signed release index
 * (every published release); a feed without index: the feed's SHA256SUMS for the version the file name names
 * (or, for a renamed binary such as {@code ./cmdop}, the channel's and the installed version's). A binary matching no signed checksum is a tamper finding (exit 80, CRITICAL line).
 */
public final class BinaryVerification {
    /** Agent binaries are tens of MiB; anything past this is not one. */
    public static final long MAX_FILE_BYTES = 2L * 1024 * 1024 * 1024;
    private static final Pattern ARTIFACT_NAME = Pattern.compile("^cmdop_(v[0-9A-Za-z.+-]+)_([a-z0-9]+)_([a-z0-9]+)$");

    private final MinisignVerifier verifier;
    private final EventLog events;

    public BinaryVerification(MinisignVerifier verifier, EventLog events) {
        this.verifier = verifier;
        this.events = events;
    }

    /** What was verified. */
    public record Verified(String file, String sha256, String entry, String version, String platform, String keyId,
            String sums) {}

    /** A signed SHA256SUMS, as bytes of the file and of its signature, and where it came from. */
    public record SignedSums(String source, byte[] sums, byte[] signature) {}

    /** Reads a SHA256SUMS and its .minisig from disk. */
    public static SignedSums fromFile(Path sums) {
        Path sig = sums.resolveSibling(sums.getFileName() + FeedLayout.SIG);
        for (Path p : List.of(sums, sig)) {
            if (!Files.isRegularFile(p)) {
                throw new InvalidInputException(ErrorCode.INVALID_INPUT, p + ": no such file; --verify needs a "
                        + "SHA256SUMS and its signature SHA256SUMS.minisig", Map.of("path", p.toString()));
            }
        }
        try {
            if (Files.size(sums) > Sha256Sums.MAX_BYTES || Files.size(sig) > FeedLimits.SIGNATURE_MAX_BYTES) {
                throw new IntegrityException(ErrorCode.LENGTH_EXCEEDED, sums + " or its signature is larger than a "
                        + "SHA256SUMS can be", Map.of("path", sums.toString()));
            }
            return new SignedSums(sums.toString(), Files.readAllBytes(sums), Files.readAllBytes(sig));
        } catch (IOException e) {
            throw AtomicFiles.ioFailure("read", sums, e);
        }
    }

    /** Fetches {@code releases/<version>/SHA256SUMS} and its signature from the feed. */
    public static SignedSums fromFeed(FeedClient client, Version version) {
        String path = FeedLayout.sha256sums(version);
        byte[] sums = client.fetch(path, Sha256Sums.MAX_BYTES, Validators.NONE).bytes();
        byte[] sig = client.fetch(FeedLayout.signatureOf(path), FeedLimits.SIGNATURE_MAX_BYTES, Validators.NONE).bytes();
        return new SignedSums(client.location() + "/" + path, sums, sig);
    }

    /** The version a file name such as {@code cmdop_v1.2.4_linux_amd64} names, or null. */
    public static Version versionInName(Path file) {
        Matcher m = ARTIFACT_NAME.matcher(file.getFileName().toString());
        return m.matches() && Version.isValid(m.group(1)) ? Version.parse(m.group(1)) : null;
    }

    /**
     * Verifies {@code file} against the first candidate SHA256SUMS that lists its hash; every candidate's
     * signature must verify. A candidate that cannot be fetched is skipped while others remain.
     */
    public Verified verify(Path file, List<Supplier<SignedSums>> candidates) {
        String sha = hash(file);
        List<String> searched = new ArrayList<>();
        UpdateException lastUnavailable = null;
        try {
            for (Supplier<SignedSums> candidate : candidates) {
                SignedSums s;
                try {
                    s = candidate.get();
                } catch (UpdateException e) {
                    if (e.code() == ErrorCode.FEED_UNAVAILABLE) {
                        lastUnavailable = e;
                        continue;
                    }
                    throw e;
                }
                VerifiedSignature signature = verifier.verify(s.sums(), MinisignSignature.parse(s.signature(),
                        s.source() + FeedLayout.SIG), s.source());
                Sha256Sums sums = Sha256Sums.parse(s.sums(), s.source());
                searched.add(s.source());
                String name = file.getFileName().toString();
                List<String> matches = sums.namesWithSha256(sha);
                if (!matches.isEmpty()) {
                    String entry = matches.contains(name) ? name : matches.get(0);
                    Matcher m = ARTIFACT_NAME.matcher(entry);
                    return new Verified(file.toString(), sha, entry, m.matches() ? m.group(1) : null,
                            m.matches() ? m.group(2) + "-" + m.group(3) : null, signature.keyId(), s.source());
                }
                if (sums.lookup(name).isPresent()) {
                    throw mismatch(file, sha, s.source(), "lists " + name + " with SHA-256 " + sums.lookup(name).get());
                }
            }
        } catch (IntegrityException e) {
            throw events.refused(e, "verify", null);
        }
        if (searched.isEmpty() && lastUnavailable != null) {
            throw lastUnavailable;
        }
        IntegrityException e = mismatch(file, sha, String.join(", ", searched), "does not list its SHA-256");
        throw events.refused(e, "verify", null);
    }

    /**
     * Verifies {@code file} against the signed release index: any published release, any platform (issue #10.1:
     * a genuine binary of a release that is no channel's head any more, saved under any name, is found). The
     * index's signature, sequence and expiry were checked when it was read.
     */
    public Verified verifyInIndex(Path file, SignedFeed.VerifiedIndex index, String source) {
        String sha = hash(file);
        List<ReleaseIndex.Match> matches = index.index().find(sha);
        if (!matches.isEmpty()) {
            ReleaseIndex.Match m = matches.get(matches.size() - 1); // the newest release that lists these bytes
            return new Verified(file.toString(), sha, m.file(), m.version().toString(), m.platform(), index.keyId(),
                    source);
        }
        IntegrityException e = mismatch(file, sha, source, "lists no release with its SHA-256 ("
                + index.index().releases().size() + " releases searched)");
        throw events.refused(e, "verify", null);
    }

    private static IntegrityException mismatch(Path file, String sha, String sums, String what) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("file", file.toString());
        d.put("sha256", sha);
        d.put("sums", sums);
        return new IntegrityException(ErrorCode.HASH_MISMATCH, file + " (SHA-256 " + sha + ") is not a signed release "
                + "binary: " + (sums.isEmpty() ? "no signed SHA256SUMS was found" : sums + " " + what)
                + "; do not run it", d);
    }

    private static String hash(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new InvalidInputException(ErrorCode.INVALID_INPUT, "--verify " + file + ": no such file",
                    Map.of("path", file.toString()));
        }
        try (InputStream in = Files.newInputStream(file)) {
            return Sha256.measure(in, MAX_FILE_BYTES, file.toString()).hex();
        } catch (IOException e) {
            throw AtomicFiles.ioFailure("read", file, e);
        }
    }
}
