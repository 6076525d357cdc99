package com.cmdop.update.cli;

import static com.cmdop.update.publish.PublishFixture.assertFailed;
import static org.assertj.core.api.Assertions.assertThat;

import com.cmdop.update.publish.PublishFixture;
import com.cmdop.update.model.Version;
import com.cmdop.update.release.manifest.ChannelManifest;
import com.cmdop.update.support.Cli;
import com.cmdop.update.support.Trees;
import com.cmdop.update.trust.Sha256;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code release promote}, in-process. */
class ReleasePromoteCommandTest {
    @TempDir
    Path dir;

    private PublishFixture f;

    @BeforeEach
    void feedWithTwoReleases() {
        f = new PublishFixture(dir);
        f.publishOk("v1.2.3");
        f.publishOk("v1.3.0");
    }

    @Test
    void promoteNightlyToBetaToStablePointsEachChannelAtTheRelease() throws IOException {
        for (String channel : new String[] {"nightly", "beta", "stable"}) {
            Cli.Result r = f.advance(Duration.ofDays(1)).promote("v1.2.3", channel, "--json");
            assertThat(r.exit()).as(r.toString()).isZero();
            assertThat(r.json().get("command").asText()).isEqualTo("release promote");
        }

        byte[] release = Files.readAllBytes(f.feedFile("releases/v1.2.3/release.json"));
        for (String channel : new String[] {"nightly", "beta", "stable"}) {
            ChannelManifest m = f.channel(channel);
            assertThat(m.version()).isEqualTo(Version.parse("v1.2.3"));
            assertThat(m.sequence()).isEqualTo(1);
            assertThat(m.releaseSha256()).isEqualTo(Sha256.hex(release));
            assertThat(m.expires()).isEqualTo(m.published().plus(Duration.ofDays(30)));
        }
        assertThat(f.channel("stable").published()).isEqualTo(f.now());
    }

    @Test
    void everyPromotionOnAChannelGrowsItsSequence() {
        f.promote("v1.2.3", "stable");
        Cli.Result second = f.advance(Duration.ofHours(2)).promote("v1.3.0", "stable", "--json", "--expires", "14d");

        assertThat(second.exit()).as(second.toString()).isZero();
        JsonNode c = second.json().get("channel");
        assertThat(c.get("sequence").asLong()).isEqualTo(2);
        assertThat(c.get("previous_sequence").asLong()).isEqualTo(1);
        assertThat(c.get("previous_version").asText()).isEqualTo("v1.2.3");
        assertThat(second.json().get("files")).hasSize(2);
        ChannelManifest m = f.channel("stable");
        assertThat(m.sequence()).isEqualTo(2);
        assertThat(m.version()).isEqualTo(Version.parse("v1.3.0"));
        assertThat(m.published()).isEqualTo(f.now());
        assertThat(m.expires()).isEqualTo(f.now().plus(Duration.ofDays(14)));
    }

    @Test
    void promotingTheVersionAChannelAlreadyHasWritesNothing() {
        f.promote("v1.2.3", "beta");
        Map<String, String> before = Trees.snapshot(f.feed);

        Cli.Result r = f.advance(Duration.ofDays(1)).promote("v1.2.3", "beta", "--json", "--detailed-exitcode");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.json().get("status").asText()).isEqualTo("unchanged");
        assertThat(r.json().get("msg").asText()).contains("already points at v1.2.3");
        assertThat(Trees.snapshot(f.feed)).isEqualTo(before);
    }

    @Test
    void anExpiredChannelThatAlreadyPointsThereIsReportedWithAHint() {
        f.promote("v1.2.3", "beta", "--expires", "1h");
        Cli.Result r = f.advance(Duration.ofHours(2)).promote("v1.2.3", "beta", "--json");

        assertThat(r.json().get("warnings").get(0).asText()).contains("expired").contains("release resign");
    }

    @Test
    void movingAChannelBackIsAllowedWithAWarning() {
        f.promote("v1.3.0", "stable");
        Cli.Result r = f.promote("v1.2.3", "stable");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.err()).contains("warning: channel stable moves back from v1.3.0 to v1.2.3")
                .contains("updates never downgrade");
        assertThat(f.channel("stable").sequence()).isEqualTo(2);
    }

    @Test
    void aVersionThatIsNotPublishedExits65AndNamesThePublishedOnes() {
        Map<String, String> before = Trees.snapshot(f.feed);

        Cli.Result r = f.promote("v9.9.9", "stable", "--json");

        assertFailed(r, 65, "VERSION_NOT_FOUND", "version v9.9.9 is not published");
        assertThat(r.json().get("error").get("message").asText()).contains("(published: v1.2.3, v1.3.0)");
        assertThat(Trees.snapshot(f.feed)).isEqualTo(before);
    }

    @Test
    void aTamperedReleaseJsonIsRefusedWithExit80() throws IOException {
        Path release = f.feedFile("releases/v1.2.3/release.json");
        Files.writeString(release, Files.readString(release).replace("\"notes\" : \"\"", "\"notes\" : \"x\""));
        Map<String, String> before = Trees.snapshot(f.feed);

        Cli.Result r = f.promote("v1.2.3", "stable", "--json");

        assertFailed(r, 80, "SIGNATURE_INVALID", "release.json does not verify with key " + f.key.keyId());
        assertThat(Trees.snapshot(f.feed)).isEqualTo(before);
        assertThat(f.feedFile("channels/stable.json")).doesNotExist();
    }

    @Test
    void aTamperedArtifactIsRefusedWithExit80() throws IOException {
        Path artifact = f.feedFile("releases/v1.2.3/cmdop_v1.2.3_linux_amd64");
        byte[] bytes = Files.readAllBytes(artifact);
        bytes[10] ^= 1;
        Files.write(artifact, bytes);
        Map<String, String> before = Trees.snapshot(f.feed);

        assertFailed(f.promote("v1.2.3", "stable", "--json"), 80, "HASH_MISMATCH", "cmdop_v1.2.3_linux_amd64");
        assertThat(Trees.snapshot(f.feed)).isEqualTo(before);
    }

    @Test
    void aTamperedSha256SumsIsRefusedWithExit80() throws IOException {
        Files.writeString(f.feedFile("releases/v1.2.3/SHA256SUMS"), "\n", StandardCharsets.UTF_8,
                StandardOpenOption.APPEND);
        assertFailed(f.promote("v1.2.3", "stable", "--json"), 80, "HASH_MISMATCH", "SHA256SUMS does not match");
    }

    @Test
    void aReleaseSignedWithAnotherKeyIsRefusedWithExit80() throws IOException {
        Path other = f.otherKeyFile();
        Cli.Result r = f.run("release", "promote", "--json", "--feed", f.feed.toString(), "--key", other.toString(),
                "--version", "v1.2.3", "--channel", "stable");

        assertFailed(r, 80, "UNKNOWN_KEY", "is signed by key " + f.key.keyId() + ", not by the --key given");
    }

    @Test
    void aTamperedChannelManifestIsRefusedWithExit80() throws IOException {
        f.promote("v1.2.3", "stable");
        Path channel = f.feedFile("channels/stable.json");
        Files.writeString(channel, Files.readString(channel).replace("\"sequence\" : 1", "\"sequence\" : 1000"));
        Map<String, String> before = Trees.snapshot(f.feed);

        assertFailed(f.promote("v1.3.0", "stable", "--json"), 80, "SIGNATURE_INVALID", "channels/stable.json");
        assertThat(Trees.snapshot(f.feed)).isEqualTo(before);
    }

    @Test
    void anIncompleteReleaseCannotBePromoted() throws IOException {
        // publish renames release.json last (after its signature): without it the release is not there yet
        Files.delete(f.feedFile("releases/v1.3.0/release.json"));

        assertFailed(f.promote("v1.3.0", "stable", "--json"), 65, "VERSION_NOT_FOUND",
                "is incomplete (no release.json): re-run release publish");
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', value = {
        "--channel edge|64|USAGE|--channel: unknown channel 'edge'",
        "--version v1|64|USAGE|--version: 'v1' is not a version",
        "--expires 5|64|USAGE|--expires: '5' is not a duration",
        "--key keys/nope.key|65|INVALID_INPUT|nope.key: no such file",
        "--feed nofeed|65|INVALID_INPUT|nofeed: no such directory",
    })
    void badInputExitsWithItsCodeAndChangesNothing(String args, int exit, String code, String message) {
        Map<String, String> before = Trees.snapshot(f.feed);
        List<String> argv = new ArrayList<>(List.of("release", "promote", "--json"));
        argv.addAll(List.of(args.split(" ")));
        Map<String, String> defaults = Map.of("--feed", f.feed.toString(), "--key", f.keyFile.toString(),
                "--version", "v1.2.3", "--channel", "stable");
        defaults.forEach((option, value) -> {
            if (!argv.contains(option)) {
                argv.addAll(List.of(option, value));
            }
        });

        assertFailed(f.run(argv.toArray(String[]::new)), exit, code, message);
        assertThat(Trees.snapshot(f.feed)).isEqualTo(before);
        assertThat(dir.resolve("nofeed")).doesNotExist();
    }

    @Test
    void textOutputShowsTheChannelMove() {
        f.promote("v1.2.3", "beta");
        Cli.Result r = f.promote("v1.3.0", "beta");

        assertThat(r.out()).startsWith("channel beta -> v1.3.0 (sequence 2, expires 2026-12-27T10:00:00Z)")
                .contains("channel       beta -> v1.3.0, sequence 2, expires 2026-12-27T10:00:00Z (was v1.2.3,"
                        + " sequence 1)")
                .contains("written       channels/beta.json");
    }
}
