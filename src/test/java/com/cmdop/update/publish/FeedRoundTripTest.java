package com.cmdop.update.publish;

import static org.assertj.core.api.Assertions.assertThat;

import com.cmdop.update.model.Version;
import com.cmdop.update.release.manifest.ChannelManifest;
import com.cmdop.update.release.manifest.FeedLayout;
import com.cmdop.update.release.manifest.ManifestJson;
import com.cmdop.update.model.Platform;
import com.cmdop.update.release.manifest.ReleaseManifest;
import com.cmdop.update.release.manifest.Sha256Sums;
import com.cmdop.update.model.Channel;
import com.cmdop.update.trust.MinisignVerifier;
import com.cmdop.update.trust.Sha256;
import com.cmdop.update.trust.TrustedKeys;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the publisher writes is what the updater reads: every manifest verifies and parses with the
 * updater's strict readers, the hashes chain (channel -> release.json -> SHA256SUMS and artifacts),
 * sequences grow, and the real {@code sha256sum -c} accepts SHA256SUMS.
 */
class FeedRoundTripTest {
    @TempDir
    Path dir;

    private PublishFixture f;
    private MinisignVerifier verifier;

    @BeforeEach
    void publisher() {
        f = new PublishFixture(dir);
        verifier = new MinisignVerifier(TrustedKeys.of(f.key.publicKey()));
    }

    private byte[] verified(String relative) {
        byte[] data = PublishFixture.read(f.feedFile(relative));
        verifier.verify(data, PublishFixture.read(f.feedFile(FeedLayout.signatureOf(relative))), relative);
        return data;
    }

    @Test
    void aPublishedReleaseVerifiesParsesAndChainsItsHashes() {
        f.publishOk("v1.3.0-beta.2", "--channel", "beta", "--advisory", "CMDOP-7:critical:Fix", "--notes", "n");
        Version v = Version.parse("v1.3.0-beta.2");

        byte[] releaseBytes = verified(FeedLayout.releaseManifest(v));
        ReleaseManifest release = ReleaseManifest.parse(releaseBytes, "release.json");
        byte[] sumsBytes = verified(FeedLayout.sha256sums(v));
        Sha256Sums sums = Sha256Sums.parse(sumsBytes, "SHA256SUMS");
        ChannelManifest channel = ChannelManifest.parse(verified(FeedLayout.channel(Channel.BETA)), "beta.json");

        assertThat(release.schema()).isEqualTo(ManifestJson.SCHEMA);
        assertThat(release.product()).isEqualTo("cmdop");
        assertThat(release.version()).isEqualTo(v);
        assertThat(release.published()).isEqualTo(f.now());
        assertThat(release.sha256sumsSha256()).isEqualTo(Sha256.hex(sumsBytes));
        assertThat(release.artifacts()).extracting(ReleaseManifest.Artifact::platform)
                .containsExactly("linux-amd64", "linux-arm64");
        for (ReleaseManifest.Artifact a : release.artifacts()) {
            assertThat(a.file()).isEqualTo(Platform.parse(a.platform()).artifactFileName(v.toString()));
            byte[] bytes = PublishFixture.read(f.feedFile(FeedLayout.artifact(v, a.file())));
            assertThat(a.length()).isEqualTo(bytes.length);
            assertThat(a.sha256()).isEqualTo(Sha256.hex(bytes));
            assertThat(sums.lookup(a.file())).contains(a.sha256());
        }
        assertThat(new String(sums.toBytes(), StandardCharsets.UTF_8).lines()).hasSize(2);
        assertThat(release.advisories()).singleElement().satisfies(a -> assertThat(a.fixedIn()).isEqualTo(v));
        assertThat(channel.product()).isEqualTo("cmdop");
        assertThat(channel.channel()).isEqualTo(Channel.BETA);
        assertThat(channel.version()).isEqualTo(v);
        assertThat(channel.releaseSha256()).isEqualTo(Sha256.hex(releaseBytes));
        assertThat(release.toBytes()).as("the bytes are the model's canonical form").isEqualTo(releaseBytes);
    }

    @Test
    void sequencesGrowWithEveryPublicationOnAChannel() {
        f.publishOk("v1.0.0", "--channel", "stable");
        long[] seen = new long[4];
        seen[0] = f.channel("stable").sequence();
        f.advance(Duration.ofDays(1)).publishOk("v1.0.1", "--channel", "stable");
        seen[1] = f.channel("stable").sequence();
        f.advance(Duration.ofDays(1)).run("release", "resign", "--feed", f.feed.toString(), "--key", f.keyFile.toString());
        seen[2] = f.channel("stable").sequence();
        f.advance(Duration.ofDays(1)).promote("v1.0.0", "stable");
        seen[3] = f.channel("stable").sequence();

        assertThat(seen).containsExactly(1, 2, 3, 4);
        assertThat(f.channel("stable").version()).isEqualTo(Version.parse("v1.0.0"));
    }

    @Test
    void realSha256sumAcceptsTheSha256SumsFile() throws Exception {
        f.publishOk("v2.0.0");
        Path releaseDir = f.feedFile("releases/v2.0.0");

        Process p = new ProcessBuilder("sha256sum", "--strict", "-c", "SHA256SUMS").directory(releaseDir.toFile())
                .redirectErrorStream(true).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out.lines().toList()).containsExactly("cmdop_v2.0.0_linux_amd64: OK", "cmdop_v2.0.0_linux_arm64: OK");
    }

    @Test
    void realSha256sumAgreesWithOurDigests() throws Exception {
        f.publishOk("v2.0.0");
        Path releaseDir = f.feedFile("releases/v2.0.0");

        Process p = new ProcessBuilder("sha256sum", "cmdop_v2.0.0_linux_amd64", "cmdop_v2.0.0_linux_arm64")
                .directory(releaseDir.toFile()).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();

        assertThat(p.getInputStream().readAllBytes()).isEqualTo(Files.readAllBytes(releaseDir.resolve("SHA256SUMS")));
    }

    @Test
    void theFeedHoldsOnlyTheFilesOfTheLayoutAndTheLock() throws Exception {
        f.publishOk("v1.0.0", "--channel", "nightly");
        try (var files = Files.walk(f.feed)) {
            List<String> names = files.filter(Files::isRegularFile).map(p -> f.feed.relativize(p).toString()).sorted()
                    .toList();
            assertThat(names).containsExactly(Feed.LOCK_FILE, "channels/nightly.json", "channels/nightly.json.minisig",
                    "releases/index.json", "releases/index.json.minisig", "releases/v1.0.0/SHA256SUMS", "releases/v1.0.0/SHA256SUMS.minisig",
                    "releases/v1.0.0/cmdop_v1.0.0_linux_amd64", "releases/v1.0.0/cmdop_v1.0.0_linux_arm64",
                    "releases/v1.0.0/release.json", "releases/v1.0.0/release.json.minisig");
        }
    }
}
