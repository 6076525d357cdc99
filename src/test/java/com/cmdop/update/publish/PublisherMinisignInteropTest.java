package com.cmdop.update.publish;

import static org.assertj.core.api.Assertions.assertThat;

import com.cmdop.update.support.Cli;
import com.cmdop.update.trust.MinisignPublicKey;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SPEC section 8 against the real {@code minisign} 0.11: everything the publisher signs verifies with
 * {@code minisign -V}; keys from {@code minisign -G -W} publish; everything {@code minisign -S} signs
 * verifies with {@code release verify}; keys from {@code release keygen} sign in minisign. Encrypted
 * {@code minisign -G} keys (1 GiB scrypt) are tested through the jar in {@link PublisherEncryptedKeyIT}.
 */
class PublisherMinisignInteropTest {
    @TempDir
    Path dir;

    @BeforeAll
    static void minisignIsInstalled() {
        Minisign.find();
    }

    @Test
    void everySignatureOfAPublishedFeedVerifiesWithMinisign() throws Exception {
        PublishFixture f = new PublishFixture(dir);
        f.publishOk("v1.2.3", "--channel", "nightly");
        f.advance(Duration.ofHours(1)).publishOk("v1.2.4", "--channel", "nightly");
        f.promote("v1.2.3", "beta");
        f.promote("v1.2.3", "stable");
        Cli.Result resign = f.advance(Duration.ofDays(7)).run("release", "resign", "--feed", f.feed.toString(), "--key",
                f.keyFile.toString());
        assertThat(resign.exit()).as(resign.toString()).isZero();

        int verified = Minisign.verifyEverySignature(f.feed, f.pubFile);

        // 2 releases x (release.json, SHA256SUMS) + 3 channels + the release index
        assertThat(verified).isEqualTo(8);
    }

    @Test
    void minisignRejectsAFeedFileChangedAfterPublishing() throws Exception {
        PublishFixture f = new PublishFixture(dir);
        f.publishOk("v1.2.3", "--channel", "stable");
        Path channel = f.feedFile("channels/stable.json");
        Files.writeString(channel, Files.readString(channel).replace("\"sequence\" : 1", "\"sequence\" : 2"));

        Minisign.Result r = Minisign.run(channel.getParent(), null, "-V", "-p", f.pubFile.toString(), "-m",
                "stable.json");

        assertThat(r.exit()).isNotZero();
        assertThat(r.err()).contains("Signature verification failed");
    }

    @Test
    void aKeyPairFromMinisignGWPublishesPromotesAndResigns() throws Exception {
        Minisign.run(dir, null, "-G", "-W", "-p", "x.pub", "-s", "x.key").expectSuccess();
        PublishFixture f = new PublishFixture(dir);
        Path artifact = f.artifact("cmdop", 5000);
        Cli cli = f.cli();

        Cli.Result publish = cli.run("release", "publish", "--feed", "feed", "--key", "x.key", "--version", "v2.0.0",
                "--artifact", "linux-amd64=" + artifact, "--channel", "nightly", "--json");
        Cli.Result promote = cli.run("release", "promote", "--feed", "feed", "--key", "x.key", "--version", "v2.0.0",
                "--channel", "stable");
        Cli.Result resign = cli.run("release", "resign", "--feed", "feed", "--key", "x.key", "--channel", "nightly");

        assertThat(publish.exit()).as(publish.toString()).isZero();
        assertThat(promote.exit()).as(promote.toString()).isZero();
        assertThat(resign.exit()).as(resign.toString()).isZero();
        assertThat(publish.json().get("key_id").asText())
                .isEqualTo(MinisignPublicKey.read(dir.resolve("x.pub")).keyId());
        assertThat(Minisign.verifyEverySignature(f.feed, dir.resolve("x.pub"))).as("release.json, SHA256SUMS, two"
                + " channels and the release index").isEqualTo(5);
    }

    @Test
    void filesMinisignSignsVerifyWithReleaseVerify() throws Exception {
        Minisign.run(dir, null, "-G", "-W", "-p", "m.pub", "-s", "m.key").expectSuccess();
        Files.writeString(dir.resolve("release.json"), "{\"schema\": 1}\n");
        Minisign.run(dir, null, "-S", "-s", "m.key", "-m", "release.json").expectSuccess();
        Minisign.run(dir, null, "-S", "-l", "-s", "m.key", "-m", "release.json", "-x", "legacy.minisig",
                "-t", "legacy trusted comment").expectSuccess();
        Cli cli = new Cli().cwd(dir);

        Cli.Result prehashed = cli.run("release", "verify", "--pubkey", "m.pub", "release.json", "--json");
        Cli.Result legacy = cli.run("release", "verify", "--pubkey", Files.readString(dir.resolve("m.pub")).lines()
                .toList().get(1), "--sig", "legacy.minisig", "release.json", "--json");

        String keyId = MinisignPublicKey.read(dir.resolve("m.pub")).keyId();
        assertThat(prehashed.exit()).as(prehashed.toString()).isZero();
        JsonNode p = prehashed.json().get("verified");
        assertThat(p.get("key_id").asText()).isEqualTo(keyId);
        assertThat(p.get("algorithm").asText()).isEqualTo("ED");
        assertThat(p.get("trusted_comment").asText()).matches("timestamp:\\d+\tfile:release\\.json\thashed");
        assertThat(legacy.exit()).as(legacy.toString()).isZero();
        assertThat(legacy.json().get("verified").get("algorithm").asText()).isEqualTo("Ed");
        assertThat(legacy.json().get("verified").get("trusted_comment").asText()).isEqualTo("legacy trusted comment");
    }

    @Test
    void aFileMinisignSignedThenChangedFailsReleaseVerifyWithExit80() throws Exception {
        Minisign.run(dir, null, "-G", "-W", "-p", "m.pub", "-s", "m.key").expectSuccess();
        Files.writeString(dir.resolve("SHA256SUMS"), "x\n");
        Minisign.run(dir, null, "-S", "-s", "m.key", "-m", "SHA256SUMS").expectSuccess();
        Files.writeString(dir.resolve("SHA256SUMS"), "y\n");

        Cli.Result r = new Cli().cwd(dir).run("release", "verify", "--pubkey", "m.pub", "SHA256SUMS", "--json");

        assertThat(r.exit()).isEqualTo(80);
        assertThat(r.json().get("error").get("code").asText()).isEqualTo("SIGNATURE_INVALID");
    }

    @Test
    void aKeyFromReleaseKeygenSignsInMinisignAndMinisignRecreatesItsPublicKey() throws Exception {
        Cli.Result keygen = new Cli().run("release", "keygen", "--out", dir.resolve("keys").toString(), "--unencrypted");
        assertThat(keygen.exit()).as(keygen.toString()).isZero();
        Files.writeString(dir.resolve("data"), "data\n");

        Minisign.run(dir, null, "-S", "-s", "keys/cmdop.key", "-m", "data").expectSuccess();
        Minisign.run(dir, null, "-V", "-p", "keys/cmdop.pub", "-m", "data").expectSuccess();
        Minisign.run(dir, null, "-R", "-s", "keys/cmdop.key", "-p", "recreated.pub").expectSuccess();

        // the key, not the untrusted comment: minisign writes the key id there without leading zeros (%PRIX64)
        assertThat(MinisignPublicKey.read(dir.resolve("recreated.pub")))
                .isEqualTo(MinisignPublicKey.read(dir.resolve("keys/cmdop.pub")));
        assertThat(Files.readString(dir.resolve("recreated.pub")).lines().toList().get(1))
                .isEqualTo(Files.readString(dir.resolve("keys/cmdop.pub")).lines().toList().get(1));
        assertThat(new Cli().cwd(dir).run("release", "verify", "--pubkey", "keys/cmdop.pub", "data").exit()).isZero();
    }
}
