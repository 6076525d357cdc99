package com.cmdop.update.publish;

import static org.assertj.core.api.Assertions.assertThat;

import com.cmdop.update.release.manifest.ChannelManifest;
import com.cmdop.update.release.manifest.ReleaseManifest;
import com.cmdop.update.support.Cli;
import com.cmdop.update.trust.MinisignSecretKey;
import com.cmdop.update.trust.ScryptLimits;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A publisher's workspace for tests: a key pair in {@code keys/}, artifacts in {@code dist/}, a feed
 * directory {@code feed/}, and the in-process CLI with a clock that tests can move forward.
 */
public final class PublishFixture {
    public static final String PASSWORD = "correct horse battery staple";
    /** Cheap scrypt (N = 2^10): same key format as minisign's default, fast enough for many tests. */
    public static final ScryptLimits CHEAP = new ScryptLimits(32_768, 16_777_216);
    private static final SecureRandom RANDOM = new SecureRandom();

    public final Path dir;
    public final Path feed;
    public final Path keyFile;
    public final Path pubFile;
    public final MinisignSecretKey key;
    private Instant now = Cli.NOW;

    public PublishFixture(Path dir) {
        this.dir = dir;
        this.feed = dir.resolve("feed");
        this.keyFile = dir.resolve("keys/cmdop.key");
        this.pubFile = dir.resolve("keys/cmdop.pub");
        this.key = MinisignSecretKey.generate(RANDOM);
        try {
            Files.createDirectories(keyFile.getParent());
            Files.writeString(keyFile, key.toUnencryptedFileText());
            Files.writeString(pubFile, key.publicKey().toFileText());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A second key file encrypted with {@link #PASSWORD} (cheap scrypt), for the same key pair. */
    public Path encryptedKeyFile() throws IOException {
        Path p = dir.resolve("keys/encrypted.key");
        Files.writeString(p, key.toEncryptedFileText(MinisignSecretKey.DEFAULT_COMMENT, PASSWORD.toCharArray(), CHEAP,
                RANDOM));
        return p;
    }

    /** A different, unrelated key pair's secret key file. */
    public Path otherKeyFile() throws IOException {
        Path p = dir.resolve("keys/other.key");
        Files.writeString(p, MinisignSecretKey.generate(RANDOM).toUnencryptedFileText());
        return p;
    }

    /** A pseudo-random "binary" of {@code size} bytes in dist/, the same for the same name and size. */
    public Path artifact(String name, int size) {
        byte[] bytes = new byte[size];
        new Random(name.hashCode() * 31L + size).nextBytes(bytes);
        try {
            Path p = dir.resolve("dist").resolve(name);
            Files.createDirectories(p.getParent());
            return Files.write(p, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Instant now() {
        return now;
    }

    public PublishFixture advance(Duration d) {
        now = now.plus(d);
        return this;
    }

    public Cli cli() {
        return new Cli().clock(Clock.fixed(now, ZoneOffset.UTC)).cwd(dir);
    }

    public Cli.Result run(String... args) {
        return cli().run(args);
    }

    /** {@code release publish} of {@code version} with two artifacts (linux-amd64, linux-arm64) and {@code extra}. */
    public Cli.Result publish(String version, String... extra) {
        List<String> args = new ArrayList<>(List.of("release", "publish", "--feed", feed.toString(), "--key",
                keyFile.toString(), "--version", version,
                "--artifact", "linux-amd64=" + artifact("amd64-" + version, 3000),
                "--artifact", "linux-arm64=" + artifact("arm64-" + version, 2000)));
        args.addAll(List.of(extra));
        return run(args.toArray(String[]::new));
    }

    public Cli.Result publishOk(String version, String... extra) {
        Cli.Result r = publish(version, extra);
        assertThat(r.exit()).as(r.toString()).isZero();
        return r;
    }

    public Cli.Result promote(String version, String channel, String... extra) {
        List<String> args = new ArrayList<>(List.of("release", "promote", "--feed", feed.toString(), "--key",
                keyFile.toString(), "--version", version, "--channel", channel));
        args.addAll(List.of(extra));
        return run(args.toArray(String[]::new));
    }

    public Path feedFile(String relative) {
        return feed.resolve(relative);
    }

    public ChannelManifest channel(String name) {
        Path p = feedFile("channels/" + name + ".json");
        return ChannelManifest.parse(read(p), p.toString());
    }

    public ReleaseManifest release(String version) {
        Path p = feedFile("releases/" + version + "/release.json");
        return ReleaseManifest.parse(read(p), p.toString());
    }

    public static byte[] read(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String text(Path p) {
        return new String(read(p), StandardCharsets.UTF_8);
    }

    /** Asserts the JSON error envelope of a failed run. */
    public static void assertFailed(Cli.Result r, int exit, String code, String message) {
        assertThat(r.exit()).as(r.toString()).isEqualTo(exit);
        JsonNode j = r.json();
        assertThat(j.get("failed").asBoolean()).isTrue();
        assertThat(j.get("exit_code").asInt()).isEqualTo(exit);
        assertThat(j.get("error").get("code").asText()).as(r.toString()).isEqualTo(code);
        assertThat(j.get("error").get("message").asText()).as(r.toString()).contains(message);
        assertThat(r.err()).contains("cmdop-update: error: ");
    }
}
