package com.cmdop.update.cli;

import static com.cmdop.update.publish.PublishFixture.assertFailed;
import static org.assertj.core.api.Assertions.assertThat;

import com.cmdop.update.publish.PublishFixture;
import com.cmdop.update.release.manifest.ChannelManifest;
import com.cmdop.update.support.Cli;
import com.cmdop.update.support.Trees;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code release resign}, in-process. */
class ReleaseResignCommandTest {
    @TempDir
    Path dir;

    private PublishFixture f;

    @BeforeEach
    void feedWithTwoChannels() {
        f = new PublishFixture(dir);
        f.publishOk("v1.2.3", "--channel", "stable");
        f.publishOk("v1.3.0-beta.1", "--channel", "beta");
    }

    private Cli.Result resign(String... extra) {
        String[] base = {"release", "resign", "--feed", f.feed.toString(), "--key", f.keyFile.toString()};
        String[] args = new String[base.length + extra.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return f.run(args);
    }

    @Test
    void resignRenewsEveryChannelWithTheNextSequenceAndTheSameVersion() {
        ChannelManifest stableBefore = f.channel("stable");
        ChannelManifest betaBefore = f.channel("beta");

        Cli.Result r = f.advance(Duration.ofDays(20)).run("release", "resign", "--feed", f.feed.toString(), "--key",
                f.keyFile.toString(), "--json");

        assertThat(r.exit()).as(r.toString()).isZero();
        JsonNode j = r.json();
        assertThat(j.get("command").asText()).isEqualTo("release resign");
        assertThat(j.get("channels")).extracting(c -> c.get("name").asText()).containsExactly("stable", "beta");
        assertThat(j.get("files")).as("the two channels and the renewed release index").hasSize(6);
        assertThat(j.get("files").toString()).contains("releases/index.json");
        for (ChannelManifest before : new ChannelManifest[] {stableBefore, betaBefore}) {
            ChannelManifest after = f.channel(before.channel().id());
            assertThat(after.sequence()).isEqualTo(before.sequence() + 1);
            assertThat(after.version()).isEqualTo(before.version());
            assertThat(after.releaseSha256()).isEqualTo(before.releaseSha256());
            assertThat(after.published()).isEqualTo(f.now());
            assertThat(after.expires()).isEqualTo(f.now().plus(Duration.ofDays(30)));
        }
    }

    @Test
    void resignOfOneChannelLeavesTheOthersAlone() throws IOException {
        byte[] stable = Files.readAllBytes(f.feedFile("channels/stable.json"));

        Cli.Result r = f.advance(Duration.ofDays(1)).run("release", "resign", "--feed", f.feed.toString(), "--key",
                f.keyFile.toString(), "--channel", "beta", "--expires", "7d");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(f.channel("beta").sequence()).isEqualTo(2);
        assertThat(f.channel("beta").expires()).isEqualTo(f.now().plus(Duration.ofDays(7)));
        assertThat(f.feedFile("channels/stable.json")).hasBinaryContent(stable);
        assertThat(r.out()).startsWith("re-signed beta (v1.3.0-beta.1, sequence 2) until ")
                .contains("beta          v1.3.0-beta.1, sequence 1 -> 2");
    }

    @Test
    void sequencesKeepGrowingOverManyResigns() {
        for (int i = 0; i < 3; i++) {
            assertThat(f.advance(Duration.ofDays(7)).run("release", "resign", "--feed", f.feed.toString(), "--key",
                    f.keyFile.toString()).exit()).isZero();
        }
        assertThat(f.channel("stable").sequence()).isEqualTo(4);
        assertThat(f.promote("v1.3.0-beta.1", "stable").exit()).isZero();
        assertThat(f.channel("stable").sequence()).isEqualTo(5);
    }

    @Test
    void aFeedWithoutChannelsHasNothingToResign() throws IOException {
        PublishFixture empty = new PublishFixture(Files.createDirectories(dir.resolve("other")));
        empty.publishOk("v1.0.0");
        Map<String, String> before = Trees.snapshot(empty.feed);

        assertFailed(empty.run("release", "resign", "--json", "--feed", empty.feed.toString(), "--key",
                empty.keyFile.toString()), 65, "INVALID_INPUT", "there are no channel manifests");
        assertFailed(empty.run("release", "resign", "--json", "--feed", empty.feed.toString(), "--key",
                empty.keyFile.toString(), "--channel", "nightly"), 65, "INVALID_INPUT", "channel nightly has no manifest");
        assertThat(Trees.snapshot(empty.feed)).isEqualTo(before);
    }

    @Test
    void oneTamperedChannelStopsTheWholeResignBeforeAnythingIsWritten() throws IOException {
        Path beta = f.feedFile("channels/beta.json");
        Files.writeString(beta, Files.readString(beta).replace("\"sequence\" : 1", "\"sequence\" : 7"));
        Map<String, String> before = Trees.snapshot(f.feed);

        assertFailed(resign("--json"), 80, "SIGNATURE_INVALID", "channels/beta.json does not verify");
        assertThat(Trees.snapshot(f.feed)).isEqualTo(before);
    }

    @Test
    void badOptionsAreUsageErrors() {
        Map<String, String> before = Trees.snapshot(f.feed);
        assertFailed(resign("--json", "--expires", "366d"), 64, "USAGE", "out of range");
        assertFailed(resign("--json", "--channel", "prod"), 64, "USAGE", "unknown channel 'prod'");
        assertFailed(f.run("release", "resign", "--json", "--feed", f.feed.toString()), 64, "USAGE",
                "Missing required option: '--key=FILE'");
        assertThat(Trees.snapshot(f.feed)).isEqualTo(before);
    }
}
