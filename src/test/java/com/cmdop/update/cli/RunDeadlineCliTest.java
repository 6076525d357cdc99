package com.cmdop.update.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.cmdop.update.model.Channel;
import com.cmdop.update.model.Version;
import com.cmdop.update.release.feed.FaultyFeedServer;
import com.cmdop.update.release.feed.FaultyFeedServer.Fault;
import com.cmdop.update.release.feed.FeedTimeouts;
import com.cmdop.update.release.manifest.FeedLayout;
import com.cmdop.update.support.Cli;
import com.cmdop.update.support.TestFeed;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue #9, defect 8, through the CLI: a feed that dribbles every file is bounded by the run's budget. */
class RunDeadlineCliTest {
    @TempDir
    Path root;

    @TempDir
    Path feedDir;

    private FaultyFeedServer server;

    @BeforeEach
    void aFeedThatDribblesEveryFile() throws IOException {
        TestFeed feed = new TestFeed(feedDir);
        feed.release("v1.2.4", "agent 1.2.4".getBytes(StandardCharsets.UTF_8));
        feed.point(Channel.STABLE, "v1.2.4");
        server = FaultyFeedServer.serving(feedDir);
        String channel = FeedLayout.channel(Channel.STABLE);
        String release = FeedLayout.releaseManifest(Version.parse("v1.2.4"));
        for (String path : new String[] {channel, FeedLayout.signatureOf(channel), release,
            FeedLayout.signatureOf(release)}) {
            server.fault(path, Fault.slow(Duration.ofMillis(5))); // each file: a second or two, never idle
        }
        Files.createDirectories(root.resolve("etc/cmdop"));
        Files.writeString(root.resolve("etc/cmdop/config.yaml"), "update:\n  channel: stable\n  feed: "
                + server.baseUri() + "\n  trusted_keys:\n    - " + feed.publicKey() + "\n");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void aCheckAgainstAFeedThatDribblesEveryFileEndsWithTheRunTimeout() {
        // every file alone arrives within its own limits (never idle for 1 s, well within 60 s); all of them
        // together take longer than the run's 1 s
        FeedTimeouts timeouts = new FeedTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofSeconds(60),
                Duration.ofSeconds(60), Long.MAX_VALUE).withRun(Duration.ofSeconds(1));

        Cli.Result r = new Cli().feedTimeouts(timeouts).run("--root", root.toString(), "--check", "--json");

        assertThat(r.exit()).as(r.toString()).isEqualTo(69);
        assertThat(r.json().get("error").get("code").asText()).isEqualTo("FEED_UNAVAILABLE");
        assertThat(r.json().get("error").get("retryable").asBoolean()).isTrue();
        assertThat(r.json().get("error").get("details").get("timeout").asText()).isEqualTo("run");
    }
}
