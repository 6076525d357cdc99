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
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SPEC section 7: a manifest whose signature is missing is an integrity failure (80, CRITICAL line),
 * not an unavailable feed and not a missing version (issue #9, defect 7). A manifest that is itself
 * missing keeps its own meaning: a release that is not there is VERSION_NOT_FOUND (65), a channel that is
 * not there is FEED_UNAVAILABLE (69).
 */
class MissingSignatureTest {
    private static final String CHANNEL = FeedLayout.channel(Channel.STABLE);
    private static final Version V123 = Version.parse("v1.2.3");
    private static final String RELEASE_123 = FeedLayout.releaseManifest(V123);
    private static final String RELEASE_124 = FeedLayout.releaseManifest(Version.parse("v1.2.4"));

    @TempDir
    Path root;

    @TempDir
    Path feedDir;

    private TestFeed feed;
    private FaultyFeedServer server;
    private final Cli cli = new Cli().feedTimeouts(FeedTimeouts.of(Duration.ofSeconds(2), Duration.ofMillis(800),
            Duration.ofSeconds(4)));

    @BeforeEach
    void signedFeedOverHttp() throws IOException {
        feed = new TestFeed(feedDir);
        feed.release("v1.2.3", "agent 1.2.3".getBytes(StandardCharsets.UTF_8));
        feed.release("v1.2.4", "agent 1.2.4".getBytes(StandardCharsets.UTF_8));
        feed.point(Channel.STABLE, "v1.2.4");
        server = FaultyFeedServer.serving(feedDir);
        Files.createDirectories(root.resolve("etc/cmdop"));
        Files.writeString(root.resolve("etc/cmdop/config.yaml"), "update:\n  channel: stable\n  feed: "
                + server.baseUri() + "\n  trusted_keys:\n    - " + feed.publicKey() + "\n  service:\n    restart: []\n");
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    private void assertCriticalLine(String code) throws IOException {
        assertThat(Files.readString(root.resolve("var/log/cmdop/agent.log")))
                .contains(" CRITICAL update: tamper-detected reason=" + code + " ");
    }

    private static void assertError(Cli.Result r, int exit, String code) {
        assertThat(r.exit()).as(r.toString()).isEqualTo(exit);
        assertThat(r.json().get("error").get("code").asText()).as(r.toString()).isEqualTo(code);
    }

    @Test
    void aChannelManifestWhoseSignatureIsMissingIsAnIntegrityFailure() throws IOException {
        server.fault(FeedLayout.signatureOf(CHANNEL), Fault.notFound());

        Cli.Result r = cli.run("--root", root.toString(), "--check", "--json");

        assertError(r, 80, "SIGNATURE_INVALID");
        assertThat(r.json().get("error").get("message").asText()).contains("channels/stable.json.minisig")
                .contains("missing");
        assertCriticalLine("SIGNATURE_INVALID");
    }

    @Test
    void theChannelsReleaseManifestWhoseSignatureIsMissingIsAnIntegrityFailure() throws IOException {
        server.fault(FeedLayout.signatureOf(RELEASE_124), Fault.notFound());

        Cli.Result r = cli.run("--root", root.toString(), "--check", "--json");

        assertError(r, 80, "SIGNATURE_INVALID");
        assertCriticalLine("SIGNATURE_INVALID");
    }

    @Test
    void aReleaseAskedForByVersionWhoseSignatureIsMissingIsAnIntegrityFailureNotAMissingVersion() throws IOException {
        server.fault(FeedLayout.signatureOf(RELEASE_123), Fault.notFound());

        Cli.Result r = cli.run("--root", root.toString(), "--version", "v1.2.3", "--json");

        assertError(r, 80, "SIGNATURE_INVALID");
        JsonNode message = r.json().get("error").get("message");
        assertThat(message.asText()).contains("release.json.minisig").doesNotContain("is not in the feed");
        assertThat(root.resolve("usr/local/bin/cmdop")).doesNotExist();
        assertCriticalLine("SIGNATURE_INVALID");
    }

    @Test
    void aReleaseWhoseManifestIsMissingIsStillVersionNotFound() {
        server.fault(RELEASE_123, Fault.notFound());

        Cli.Result r = cli.run("--root", root.toString(), "--version", "v1.2.3", "--json");

        assertError(r, 65, "VERSION_NOT_FOUND");
        assertThat(r.json().get("error").get("message").asText()).contains("v1.2.3");
    }

    @Test
    void aChannelWhoseManifestIsMissingIsStillFeedUnavailable() {
        server.fault(CHANNEL, Fault.notFound());

        assertError(cli.run("--root", root.toString(), "--check", "--json"), 69, "FEED_UNAVAILABLE");
    }

    @Test
    void aMissingSignatureInADirectoryFeedIsAnIntegrityFailureToo() throws IOException {
        Files.writeString(root.resolve("etc/cmdop/config.yaml"), feed.config("stable"));
        Files.delete(feedDir.resolve(FeedLayout.signatureOf(CHANNEL)));

        assertError(cli.run("--root", root.toString(), "--check", "--json"), 80, "SIGNATURE_INVALID");
        assertCriticalLine("SIGNATURE_INVALID");
    }
}
