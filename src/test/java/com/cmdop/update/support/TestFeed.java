package com.cmdop.update.support;

import com.cmdop.update.model.Advisory;

import com.cmdop.update.model.Version;
import com.cmdop.update.release.manifest.ChannelManifest;
import com.cmdop.update.release.manifest.FeedLayout;
import com.cmdop.update.release.manifest.ManifestJson;
import com.cmdop.update.model.Platform;
import com.cmdop.update.release.manifest.ReleaseIndex;
import com.cmdop.update.release.manifest.ReleaseManifest;
import com.cmdop.update.model.Channel;
import com.cmdop.update.trust.MinisignSecretKey;
import com.cmdop.update.trust.MinisignSigner;
import com.cmdop.update.trust.Sha256;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds signed feeds for tests, including the hostile variants a real publisher would never write
 * (another key, tampered bytes, replayed or contradicting manifests). Deliberately independent of the
 * product's publisher, so a publisher bug cannot hide a client bug.
 */
public final class TestFeed {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path dir;
    private final MinisignSecretKey key;
    private Instant now = Cli.NOW;
    private final Map<Channel, Long> sequences = new TreeMap<>();
    private final List<ReleaseIndex.Entry> published = new ArrayList<>();

    public TestFeed(Path dir) {
        this(dir, MinisignSecretKey.generate(RANDOM));
    }

    public TestFeed(Path dir, MinisignSecretKey key) {
        this.dir = dir;
        this.key = key;
    }

    public Path dir() {
        return dir;
    }

    public MinisignSecretKey key() {
        return key;
    }

    public String publicKey() {
        return key.publicKey().toBase64();
    }

    public TestFeed now(Instant t) {
        now = t;
        return this;
    }

    /** Publishes a release with one artifact per platform and the given advisories. */
    public ReleaseManifest release(String version, Map<Platform, byte[]> artifacts, Advisory... advisories) {
        Version v = Version.parse(version);
        List<ReleaseManifest.Artifact> arts = new ArrayList<>();
        StringBuilder sums = new StringBuilder();
        artifacts.forEach((platform, bytes) -> {
            String file = platform.artifactFileName(v.toString());
            write(FeedLayout.artifact(v, file), bytes);
            arts.add(new ReleaseManifest.Artifact(platform.toString(), file, bytes.length, Sha256.hex(bytes)));
            sums.append(Sha256.hex(bytes)).append("  ").append(file).append('\n');
        });
        byte[] sumBytes = sums.toString().getBytes(StandardCharsets.UTF_8);
        writeSigned(FeedLayout.sha256sums(v), sumBytes);
        ReleaseManifest m = new ReleaseManifest(ManifestJson.SCHEMA, ManifestJson.PRODUCT, v, now, arts,
                Sha256.hex(sumBytes), List.of(advisories), "test release " + v);
        writeSigned(FeedLayout.releaseManifest(v), m.toBytes());
        published.add(ReleaseIndex.Entry.of(m, Sha256.hex(m.toBytes())));
        return m;
    }

    /** Writes releases/index.json listing every release published so far, with this sequence and expiry. */
    public ReleaseIndex index(long sequence, Instant expires) {
        ReleaseIndex index = new ReleaseIndex(ManifestJson.SCHEMA, ManifestJson.PRODUCT, sequence, now, expires,
                published);
        writeSigned(FeedLayout.INDEX, index.toBytes());
        return index;
    }

    /** As above, expiring in 30 days. */
    public ReleaseIndex index(long sequence) {
        return index(sequence, now.plus(Duration.ofDays(30)));
    }

    public ReleaseManifest release(String version, byte[] artifactForThisPlatform,
            Advisory... advisories) {
        return release(version, Map.of(Platform.current(), artifactForThisPlatform), advisories);
    }

    /** Points a channel at a published version with the next sequence, expiring in 30 days. */
    public ChannelManifest point(Channel channel, String version) {
        long seq = sequences.merge(channel, 1L, Long::sum);
        return point(channel, version, seq, now.plus(Duration.ofDays(30)));
    }

    public ChannelManifest point(Channel channel, String version, long sequence, Instant expires) {
        sequences.merge(channel, sequence, Math::max);
        Version v = Version.parse(version);
        ChannelManifest m = new ChannelManifest(ManifestJson.SCHEMA, ManifestJson.PRODUCT, channel, sequence, now,
                expires, v, Sha256.hex(read(FeedLayout.releaseManifest(v))));
        writeSigned(FeedLayout.channel(channel), m.toBytes());
        return m;
    }

    /** Writes bytes and a signature of them by this feed's key. */
    public void writeSigned(String path, byte[] bytes) {
        write(path, bytes);
        signFile(path, key);
    }

    /** (Re-)signs a file in the feed with any key. */
    public void signFile(String path, MinisignSecretKey with) {
        String text = new MinisignSigner(with).sign(read(path), "timestamp:0\tfile:" + path + "\thashed").toFileText();
        write(FeedLayout.signatureOf(path), text.getBytes(StandardCharsets.UTF_8));
    }

    public byte[] read(String path) {
        try {
            return Files.readAllBytes(dir.resolve(path));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void write(String path, byte[] bytes) {
        try {
            Path p = dir.resolve(path);
            Files.createDirectories(p.getParent());
            Files.write(p, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Flips one bit of a file in place, keeping its length. */
    public void flipByte(String path, int index) {
        byte[] b = read(path);
        b[index] ^= 0x01;
        write(path, b);
    }

    /** The machine config that trusts this feed. */
    public String config(String channel) {
        return "update:\n  channel: " + channel + "\n  feed: " + dir + "\n  trusted_keys:\n    - " + publicKey() + "\n";
    }

    /** {@link #config}, with no restart command: no agent runs in a test, so an install is confirmed without one. */
    public String configRestartingNothing(String channel) {
        return config(channel) + "  service:\n    restart: []\n";
    }

    /** An agent binary: a script that prints its version, as the install's version probe asks it to. */
    public static byte[] agent(String version) {
        return ("#!/bin/sh\necho cmdop " + version + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /** Releases v1.0.0 and v1.1.0 of {@link #agent}, with stable at v1.0.0: an install, then an update. */
    public TestFeed twoReleasesStableAtTheFirst() {
        release("v1.0.0", agent("v1.0.0"));
        release("v1.1.0", agent("v1.1.0"));
        point(Channel.STABLE, "v1.0.0");
        return this;
    }
}
