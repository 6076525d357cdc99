package com.cmdop.update.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.cmdop.update.model.Version;
import com.cmdop.update.release.feed.FaultyFeedServer;
import com.cmdop.update.release.feed.FaultyFeedServer.Fault;
import com.cmdop.update.release.feed.FeedTimeouts;
import com.cmdop.update.release.manifest.FeedLayout;
import com.cmdop.update.release.manifest.ManifestJson;
import com.cmdop.update.model.Platform;
import com.cmdop.update.release.manifest.ReleaseManifest;
import com.cmdop.update.model.Channel;
import com.cmdop.update.support.Cli;
import com.cmdop.update.support.TestFeed;
import com.cmdop.update.support.Trees;
import com.cmdop.update.trust.MinisignSecretKey;
import com.cmdop.update.trust.Sha256;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The hostile feeds of issue #3, served over HTTP on loopback by a fault-injecting server. Every case:
 * the defined exit and error code, bounded time, the CRITICAL line for integrity refusals, and
 * nothing changed on the machine.
 */
class HostileFeedTest {
    private static final String CHANNEL = FeedLayout.channel(Channel.STABLE);
    private static final String CHANNEL_SIG = FeedLayout.signatureOf(CHANNEL);
    private static final String RELEASE = FeedLayout.releaseManifest(Version.parse("v1.2.4"));

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
                + server.baseUri() + "\n  trusted_keys:\n    - " + feed.publicKey() + "\n");
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    private Cli.Result check() {
        return cli.run("--root", root.toString(), "--check", "--json");
    }

    /** Runs a check that must be refused; returns the JSON for more assertions. */
    private JsonNode refused(int exit, String code) throws IOException {
        Map<String, String> before = Trees.snapshot(root);
        long start = System.nanoTime();
        Cli.Result r = check();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("bounded time").isLessThan(Duration.ofSeconds(30));
        assertThat(r.exit()).as(r.toString()).isEqualTo(exit);
        JsonNode j = r.json();
        assertThat(j.get("error").get("code").asText()).isEqualTo(code);
        assertThat(withoutLogs(Trees.snapshot(root))).as("nothing changed but the logs").isEqualTo(withoutLogs(before));
        return j;
    }

    /** The log directory and the directories above it (whose mtime its creation moves) are left out. */
    private static Map<String, String> withoutLogs(Map<String, String> tree) {
        tree.keySet().removeIf(k -> k.isEmpty() || k.equals("var") || k.startsWith("var/log"));
        return tree;
    }

    private void assertCriticalLine(String code) throws IOException {
        String log = Files.readString(root.resolve("var/log/cmdop/agent.log"));
        assertThat(log).contains(" CRITICAL update: tamper-detected reason=" + code + " ");
        String audit = Files.readString(root.resolve("var/log/cmdop/audit.jsonl"));
        assertThat(audit).contains("\"outcome\":\"refused\"").contains("\"reason\":\"" + code + "\"");
    }

    @Test
    void theUntamperedFeedPassesOverHttp() {
        Cli.Result r = check();
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.json().get("agent").get("available_version").asText()).isEqualTo("v1.2.4");
    }

    @Test
    void aFlippedByteInTheChannelManifestIsRefused() throws IOException {
        feed.flipByte(CHANNEL, 20);
        refused(80, "SIGNATURE_INVALID");
        assertCriticalLine("SIGNATURE_INVALID");
    }

    @Test
    void aFlippedByteInTheReleaseManifestIsRefused() throws IOException {
        feed.flipByte(RELEASE, 30);
        refused(80, "SIGNATURE_INVALID");
        assertCriticalLine("SIGNATURE_INVALID");
    }

    @Test
    void aValidSignatureByAnUntrustedKeyIsRefused() throws IOException {
        feed.signFile(CHANNEL, MinisignSecretKey.generate(new SecureRandom()));
        JsonNode j = refused(80, "UNKNOWN_KEY");
        assertThat(j.get("error").get("message").asText()).contains("not trusted");
        assertCriticalLine("UNKNOWN_KEY");
    }

    @Test
    void aReplayedOlderManifestIsARollbackAttack() throws IOException {
        byte[] oldManifest = feed.read(CHANNEL);
        byte[] oldSig = feed.read(CHANNEL_SIG);
        feed.point(Channel.STABLE, "v1.2.4");
        assertThat(check().exit()).isZero();
        feed.write(CHANNEL, oldManifest);
        feed.write(CHANNEL_SIG, oldSig);
        refused(80, "ROLLBACK_ATTACK");
        assertCriticalLine("ROLLBACK_ATTACK");
    }

    @Test
    void theSameSequenceWithDifferentBytesIsEquivocation() throws IOException {
        assertThat(check().exit()).isZero();
        feed.point(Channel.STABLE, "v1.2.3", 1, Cli.NOW.plus(Duration.ofDays(30)));
        refused(80, "EQUIVOCATION");
        assertCriticalLine("EQUIVOCATION");
    }

    @Test
    void anExpiredManifestIsRefusedAsAPossibleFreezeAttack() throws IOException {
        feed.point(Channel.STABLE, "v1.2.4", 2, Cli.NOW.minusSeconds(1));
        JsonNode j = refused(69, "MANIFEST_EXPIRED");
        assertThat(j.get("error").get("message").asText()).contains("possible freeze attack");
        assertThat(j.get("error").get("retryable").asBoolean()).isTrue();
        assertCriticalLine("MANIFEST_EXPIRED");
    }

    @Test
    void theBetaManifestServedAsStableIsTheWrongTarget() throws IOException {
        feed.point(Channel.BETA, "v1.2.4");
        feed.write(CHANNEL, feed.read(FeedLayout.channel(Channel.BETA)));
        feed.write(CHANNEL_SIG, feed.read(FeedLayout.signatureOf(FeedLayout.channel(Channel.BETA))));
        refused(80, "WRONG_TARGET");
        assertCriticalLine("WRONG_TARGET");
    }

    @Test
    void aReleaseManifestOfAnotherVersionIsTheWrongTarget() throws IOException {
        feed.write(RELEASE, feed.read(FeedLayout.releaseManifest(Version.parse("v1.2.3"))));
        feed.signFile(RELEASE, feed.key());
        // the channel pins the release bytes by hash, so re-point it at the swapped bytes to reach the check
        feed.point(Channel.STABLE, "v1.2.4");
        refused(80, "WRONG_TARGET");
    }

    @Test
    void releaseBytesThatDifferFromTheChannelsReleaseSha256AreRefused() throws IOException {
        ReleaseManifest other = feed.release("v1.2.4", Map.of(Platform.parse("linux-riscv64"), new byte[] {1}));
        assertThat(other).isNotNull();
        refused(80, "HASH_MISMATCH");
    }

    @Test
    void aManifestForAnotherPlatformIsReportedNotInstalled() throws IOException {
        feed.release("v1.2.5", Map.of(Platform.parse("plan9-mips"), new byte[] {1, 2, 3}));
        feed.point(Channel.STABLE, "v1.2.5");
        Cli.Result r = check();
        assertThat(r.exit()).isZero();
        assertThat(r.json().get("warnings").toString()).contains("no artifact for this platform");
    }

    @ParameterizedTest
    @ValueSource(strings = {"../../x", "/etc/passwd", "https://evil.example/x", "a/b", "..", "x\\y"})
    void artifactFileNamesThatAreNotBareNamesAreRefused(String file) throws IOException {
        Version v = Version.parse("v1.2.6");
        ReleaseManifest m = new ReleaseManifest(ManifestJson.SCHEMA, ManifestJson.PRODUCT, v, Cli.NOW,
                List.of(new ReleaseManifest.Artifact(Platform.current().toString(), file, 3, Sha256.hex(new byte[3]))),
                Sha256.hex(new byte[0]), List.of(), "");
        feed.writeSigned(FeedLayout.releaseManifest(v), m.toBytes());
        feed.point(Channel.STABLE, "v1.2.6");
        refused(80, "BAD_PATH");
        assertCriticalLine("BAD_PATH");
    }

    @Test
    void aTenMebibyteManifestIsRefusedWithoutReadingItAll() throws IOException {
        server.fault(CHANNEL, Fault.oversized(10L * 1024 * 1024, true));
        refused(80, "LENGTH_EXCEEDED");
        assertThat(server.requests().get(0).bytesSent()).isLessThan(1024 * 1024);
    }

    @Test
    void anEndlessResponseIsCutAtTheCap() throws IOException {
        server.fault(CHANNEL, Fault.endless());
        refused(80, "LENGTH_EXCEEDED");
    }

    @Test
    void aServerSendingOneByteAtATimeTimesOut() throws IOException {
        server.fault(CHANNEL, Fault.slow(Duration.ofSeconds(20)));
        JsonNode j = refused(69, "FEED_UNAVAILABLE");
        assertThat(j.get("error").get("retryable").asBoolean()).isTrue();
    }

    @Test
    void aServerThatAcceptsAndNeverAnswersTimesOut() throws IOException {
        server.fault(CHANNEL, Fault.neverAnswer());
        refused(69, "FEED_UNAVAILABLE");
    }

    @Test
    void aServerErrorIsRetryableUnavailability() throws IOException {
        server.fault(CHANNEL, Fault.serverError());
        assertThat(refused(69, "FEED_UNAVAILABLE").get("error").get("retryable").asBoolean()).isTrue();
    }

    @Test
    void aMissingChannelManifestNamesTheUrl() throws IOException {
        server.fault(CHANNEL, Fault.notFound());
        assertThat(refused(69, "FEED_UNAVAILABLE").get("error").get("message").asText()).contains("channels/stable.json");
    }

    @Test
    void aTruncatedBodyIsUnavailableNotParsed() throws IOException {
        server.fault(CHANNEL, Fault.truncated());
        refused(69, "FEED_UNAVAILABLE");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "untrusted comment: x\n", "untrusted comment: x\nRWQ!!!notbase64\ntrusted comment: t\nAAAA\n",
        "untrusted comment: x\nRWQf6LRCGA9i53mlYecO4IzT51TGPpvWucNSCh1CBM0QTaLn73Y7GFO3\ntrusted comment: t\nAAAA\n",
        "untrusted comment: x\nWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWA==\n"
            + "trusted comment: t\nAAAA\n"})
    void malformedSignatureFilesAreRefused(String minisig) throws IOException {
        feed.write(CHANNEL_SIG, minisig.getBytes(StandardCharsets.UTF_8));
        refused(80, "SIGNATURE_INVALID");
    }

    @Test
    void aSignatureFileOverSixteenKibibytesIsRefused() throws IOException {
        feed.write(CHANNEL_SIG, new byte[20 * 1024]);
        refused(80, "LENGTH_EXCEEDED");
    }

    @Test
    void aSecondCheckWithNothingNewTransfersOnlyHeaders() {
        assertThat(check().exit()).isZero();
        int before = server.requests().size();
        Cli.Result r = check();
        assertThat(r.exit()).isZero();
        assertThat(r.json().get("feed").get("cached").asBoolean()).isTrue();
        List<FaultyFeedServer.RecordedRequest> second = server.requests().subList(before, server.requests().size());
        assertThat(second.stream().filter(q -> q.path().endsWith("stable.json") || q.path().endsWith("stable.json.minisig")))
                .allSatisfy(q -> assertThat(q.header("If-None-Match")).isNotNull());
        // the channel is unchanged (304) and the release it names is reused by its signed hash; the release
        // index is asked for (this feed has none: a 404 with no body)
        assertThat(second).extracting(FaultyFeedServer.RecordedRequest::path)
                .noneMatch(path -> path.contains("releases/") && !path.startsWith("releases/index.json"));
        long bodyBytes = second.stream().mapToLong(FaultyFeedServer.RecordedRequest::bytesSent).sum();
        assertThat(bodyBytes).isZero();
    }

    @Test
    void aCheckWithNothingNewAsksOnlyForTheChannelAndTheIndex() {
        assertThat(check().exit()).isZero();
        int before = server.requests().size();
        Cli.Result r = check();
        assertThat(r.exit()).as(r.toString()).isZero();
        // issue #11 target 3: at most 2 requests. The channel is unchanged (304), so its cached signature, over
        // exactly these bytes, is verified again instead of being asked for; this feed has no index (one 404)
        assertThat(server.requests().subList(before, server.requests().size()))
                .extracting(FaultyFeedServer.RecordedRequest::path)
                .containsExactly(CHANNEL, FeedLayout.INDEX);
    }

    @Test
    void anUnchangedChannelReSignedByANewKeyIsFetchedWhenTheOldKeyIsNoLongerTrusted() throws IOException {
        assertThat(check().exit()).isZero();
        // the publisher rotates keys: same manifest bytes, a signature by the new key; the machine trusts only it
        MinisignSecretKey next = MinisignSecretKey.generate(new SecureRandom());
        feed.signFile(CHANNEL, next);
        feed.signFile(RELEASE, next);
        Files.writeString(root.resolve("etc/cmdop/config.yaml"), "update:\n  channel: stable\n  feed: "
                + server.baseUri() + "\n  trusted_keys:\n    - " + next.publicKey().toBase64() + "\n");
        int before = server.requests().size();
        Cli.Result r = check();
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(server.requests().subList(before, server.requests().size()))
                .extracting(FaultyFeedServer.RecordedRequest::path)
                .contains(CHANNEL, CHANNEL_SIG);
    }
}
