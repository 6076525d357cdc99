package com.cmdop.update.release.feed;


import static com.cmdop.update.release.feed.FeedTestSupport.FAST;
import static com.cmdop.update.release.feed.FeedTestSupport.HANG_GUARD;
import static com.cmdop.update.release.feed.FeedTestSupport.RELAXED;
import static com.cmdop.update.release.feed.FeedTestSupport.failureOf;
import static com.cmdop.update.release.feed.FeedTestSupport.randomBytes;
import static com.cmdop.update.release.feed.FeedTestSupport.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.cmdop.update.model.error.ErrorCode;
import com.cmdop.update.model.error.IntegrityException;
import com.cmdop.update.model.error.UpdateException;
import com.cmdop.update.release.feed.FaultyFeedServer.Fault;
import com.cmdop.update.release.feed.FaultyFeedServer.RecordedRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HttpFeedClientTest {
    static final String CHANNEL = "channels/stable.json";
    static final String ARTIFACT = "releases/v1.2.3/cmdop_v1.2.3_linux_amd64";
    static final Duration WAIT = Duration.ofSeconds(10);
    /** How far past a cap the server may get before it notices the client closed: socket buffers. */
    static final long BUFFER_SLACK = 1024 * 1024;

    @TempDir
    Path feedDir;

    FaultyFeedServer server;
    /** Relaxed timeouts: for every test that does not expect a timeout. */
    HttpFeedClient client;
    /** 300 ms idle, 3 s total: for the tests that expect a timeout. */
    HttpFeedClient fastClient;
    byte[] manifest;
    byte[] artifact;

    @BeforeEach
    void startServer() {
        manifest = "{\"schema\":1,\"product\":\"cmdop\",\"channel\":\"stable\"}\n".getBytes(StandardCharsets.UTF_8);
        artifact = randomBytes(300 * 1024, 42);
        write(feedDir, CHANNEL, manifest);
        write(feedDir, ARTIFACT, artifact);
        server = FaultyFeedServer.serving(feedDir);
        client = clientFor(server.baseUri().toString(), RELAXED);
        fastClient = clientFor(server.baseUri().toString(), FAST);
    }

    @AfterEach
    void stop() {
        client.close();
        fastClient.close();
        server.close();
    }

    static HttpFeedClient clientFor(String feed, FeedTimeouts timeouts) {
        return new HttpFeedClient(FeedLocation.parse(feed), timeouts, EnvProxySelector.fromEnvironment(Map.of()));
    }

    UpdateException fetchFailure(String path, long cap) {
        return fetchFailure(client, path, cap);
    }

    static UpdateException fetchFailure(FeedClient client, String path, long cap) {
        return assertTimeoutPreemptively(HANG_GUARD, () -> failureOf(() -> client.fetch(path, cap, Validators.NONE)));
    }

    // --- success, conditional requests ---------------------------------------------------------

    @Test
    void fetchReturnsTheBytesAndTheValidatorsOfTheFile() {
        FetchResult result = client.fetch(CHANNEL, FeedLimits.MANIFEST_MAX_BYTES, Validators.NONE);

        assertThat(result.isNotModified()).isFalse();
        assertThat(result.bytes()).isEqualTo(manifest);
        assertThat(result.validators().etag()).isEqualTo(FaultyFeedServer.etag(manifest));
        assertThat(result.validators().lastModified()).isNotBlank();
        assertThat(result.source()).isEqualTo(server.baseUri() + CHANNEL);
        RecordedRequest request = server.awaitRequest(0, WAIT);
        assertThat(request.header("If-None-Match")).isNull();
        assertThat(request.header("User-Agent")).startsWith("cmdop-update");
    }

    @Test
    void conditionalFetchWithCurrentValidatorsReturnsNotModified() {
        Validators first = client.fetch(CHANNEL, FeedLimits.MANIFEST_MAX_BYTES, Validators.NONE).validators();

        FetchResult second = client.fetch(CHANNEL, FeedLimits.MANIFEST_MAX_BYTES, first);

        assertThat(second.isNotModified()).isTrue();
        assertThat(second.validators()).isEqualTo(first);
        RecordedRequest request = server.awaitRequest(1, WAIT);
        assertThat(request.header("If-None-Match")).isEqualTo(first.etag());
        assertThat(request.header("If-Modified-Since")).isEqualTo(first.lastModified());
    }

    @Test
    void conditionalFetchWithOnlyLastModifiedReturnsNotModified() {
        Validators first = client.fetch(CHANNEL, FeedLimits.MANIFEST_MAX_BYTES, Validators.NONE).validators();

        FetchResult second = client.fetch(CHANNEL, FeedLimits.MANIFEST_MAX_BYTES,
                new Validators(null, first.lastModified()));

        assertThat(second.isNotModified()).isTrue();
        assertThat(server.awaitRequest(1, WAIT).header("If-None-Match")).isNull();
    }

    @Test
    void conditionalFetchWithStaleValidatorsReturnsTheNewBytes() {
        FetchResult result = client.fetch(CHANNEL, FeedLimits.MANIFEST_MAX_BYTES, new Validators("\"old\"", null));

        assertThat(result.isNotModified()).isFalse();
        assertThat(result.bytes()).isEqualTo(manifest);
        assertThat(result.validators().etag()).isEqualTo(FaultyFeedServer.etag(manifest));
    }

    @Test
    void notModifiedToAnUnconditionalRequestIsAFeedError() {
        server.fault(CHANNEL, Fault.status(304));

        UpdateException e = fetchFailure(CHANNEL, FeedLimits.MANIFEST_MAX_BYTES);

        assertThat(e.code()).isEqualTo(ErrorCode.FEED_UNAVAILABLE);
        assertThat(e.details()).containsEntry("status", 304);
    }

    @Test
    void wrongBytesAreReturnedAsServedForTheSignatureCheckToJudge() {
        byte[] evil = "{\"version\":\"v6.6.6\"}".getBytes(StandardCharsets.UTF_8);
        server.fault(CHANNEL, Fault.wrongBytes(evil));

        assertThat(client.fetch(CHANNEL, FeedLimits.MANIFEST_MAX_BYTES, Validators.NONE).bytes()).isEqualTo(evil);
    }

    @Test
    void compressedBodyIsRefusedRatherThanPassedOnAsTampering() {
        server.fault(CHANNEL, Fault.raw(("HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 4\r\n"
                + "Connection: close\r\n\r\nabcd").getBytes(StandardCharsets.US_ASCII)));

        UpdateException e = fetchFailure(CHANNEL, FeedLimits.MANIFEST_MAX_BYTES);

        assertThat(e.code()).isEqualTo(ErrorCode.FEED_UNAVAILABLE);
        assertThat(e.details()).containsEntry("content_encoding", "gzip");
        assertThat(server.awaitRequest(0, WAIT).header("Accept-Encoding")).isEqualTo("identity");
    }

    @Test
    void bodyDelimitedByConnectionCloseIsRead() {
        server.fault(CHANNEL, Fault.raw(("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nhello")
                .getBytes(StandardCharsets.US_ASCII)));

        assertThat(client.fetch(CHANNEL, FeedLimits.MANIFEST_MAX_BYTES, Validators.NONE).bytes())
                .isEqualTo("hello".getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void pathSegmentsArePercentEncodedInTheRequest() {
        String path = "releases/v1.2.3+build.5/cmdop_v1.2.3+build.5_linux_amd64";
        write(feedDir, path, manifest);

        assertThat(client.fetch(path, FeedLimits.MANIFEST_MAX_BYTES, Validators.NONE).bytes()).isEqualTo(manifest);
        assertThat(server.awaitRequest(0, WAIT).target())
                .isEqualTo("/releases/v1.2.3%2Bbuild.5/cmdop_v1.2.3%2Bbuild.5_linux_amd64");
    }

    @Test
    void badRelativePathIsRefusedBeforeAnyRequestIsMade() {
        UpdateException e = failureOf(() -> client.fetch("../../etc/passwd", 1024, Validators.NONE));

        assertThat(e).isInstanceOf(IntegrityException.class);
        assertThat(e.code()).isEqualTo(ErrorCode.BAD_PATH);
        assertThat(e.exitCode()).isEqualTo(80);
        assertThat(server.connectionsAccepted()).isZero();
    }

    // --- status codes --------------------------------------------------------------------------

    @Test
    void missingChannelManifestFailsWithFeedUnavailableNamingTheUrlAndTheConfigKey() {
        UpdateException e = fetchFailure("channels/nightly.json", FeedLimits.MANIFEST_MAX_BYTES);

        assertThat(e.code()).isEqualTo(ErrorCode.FEED_UNAVAILABLE);
        assertThat(e.exitCode()).isEqualTo(69);
        assertThat(e.details()).containsEntry("status", 404)
                .containsEntry("url", server.baseUri() + "channels/nightly.json");
        assertThat(e.getMessage()).contains(server.baseUri() + "channels/nightly.json", "404", "update.feed", "channel");
    }

    @Test
    void serverErrorFailsWithRetryableFeedUnavailable() {
        server.fault(CHANNEL, Fault.status(503));

        UpdateException e = fetchFailure(CHANNEL, FeedLimits.MANIFEST_MAX_BYTES);

        assertThat(e.code()).isEqualTo(ErrorCode.FEED_UNAVAILABLE);
        assertThat(e.retryable()).isTrue();
        assertThat(e.details()).containsEntry("status", 503);
        assertThat(e.getMessage()).contains("503", "try again later");
    }

    @Test
    void otherStatusFailsWithFeedUnavailableAndTheStatus() {
        server.fault(CHANNEL, Fault.status(403));

        UpdateException e = fetchFailure(CHANNEL, FeedLimits.MANIFEST_MAX_BYTES);

        assertThat(e.code()).isEqualTo(ErrorCode.FEED_UNAVAILABLE);
        assertThat(e.details()).containsEntry("status", 403);
    }

    @Test
    void errorPageWithAnEndlessBodyIsNotRead() {
        server.fault(CHANNEL, Fault.endless(500));

        UpdateException e = fetchFailure(CHANNEL, FeedLimits.MANIFEST_MAX_BYTES);

        assertThat(e.details()).containsEntry("status", 500);
        RecordedRequest request = server.awaitRequest(0, WAIT).awaitDone(WAIT);
        assertThat(request.clientClosedEarly()).isTrue();
        assertThat(request.bytesSent()).isLessThan(BUFFER_SLACK);
    }

    @Test
    void connectionRefusedFailsWithFeedUnavailable() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            port = s.getLocalPort();
        }
        try (HttpFeedClient refused = clientFor("http://127.0.0.1:" + port + "/feed", RELAXED)) {
            UpdateException e = assertTimeoutPreemptively(HANG_GUARD,
                    () -> failureOf(() -> refused.fetch(CHANNEL, 1024, Validators.NONE)));

            assertThat(e.code()).isEqualTo(ErrorCode.FEED_UNAVAILABLE);
            assertThat(e.getMessage()).contains("http://127.0.0.1:" + port + "/feed/" + CHANNEL, "cannot connect");
        }
    }

    // --- caps ----------------------------------------------------------------------------------

    @Test
    void announcedContentLengthOverTheCapIsRefusedBeforeTheBodyIsRead() {
        server.fault(CHANNEL, Fault.oversized(10L * 1024 * 1024, true));

        UpdateException e = fetchFailure(CHANNEL, FeedLimits.MANIFEST_MAX_BYTES);

        assertThat(e).isInstanceOf(IntegrityException.class);
        assertThat(e.code()).isEqualTo(ErrorCode.LENGTH_EXCEEDED);
        assertThat(e.exitCode()).isEqualTo(80);
        assertThat(e.details()).containsEntry("limit", FeedLimits.MANIFEST_MAX_BYTES);
        assertThat(e.getMessage()).contains("Content-Length 10485760", "65536");
        RecordedRequest request = server.awaitRequest(0, WAIT).awaitDone(WAIT);
        assertThat(request.clientClosedEarly()).isTrue();
        assertThat(request.bytesSent()).isLessThan(BUFFER_SLACK);
    }

    @Test
    void oversizedBodyWithoutContentLengthIsCutOffAtTheCap() {
        server.fault(CHANNEL, Fault.oversized());

        UpdateException e = fetchFailure(CHANNEL, FeedLimits.SIGNATURE_MAX_BYTES);

        assertThat(e.code()).isEqualTo(ErrorCode.LENGTH_EXCEEDED);
        assertThat(e.details()).containsEntry("limit", FeedLimits.SIGNATURE_MAX_BYTES);
        RecordedRequest request = server.awaitRequest(0, WAIT).awaitDone(WAIT);
        assertThat(request.clientClosedEarly()).isTrue();
        assertThat(request.bytesSent()).isLessThan(BUFFER_SLACK);
    }

    @Test
    void endlessBodyIsCutOffAtTheCap() {
        server.fault(CHANNEL, Fault.endless());

        UpdateException e = fetchFailure(CHANNEL, FeedLimits.MANIFEST_MAX_BYTES);

        assertThat(e.code()).isEqualTo(ErrorCode.LENGTH_EXCEEDED);
        RecordedRequest request = server.awaitRequest(0, WAIT).awaitDone(WAIT);
        assertThat(request.clientClosedEarly()).isTrue();
        assertThat(request.bytesSent()).isLessThan(BUFFER_SLACK);
    }

    @Test
    void bodyOfExactlyTheCapIsAccepted() {
        byte[] full = randomBytes((int) FeedLimits.SIGNATURE_MAX_BYTES, 7);
        write(feedDir, "channels/stable.json.minisig", full);

        assertThat(client.fetch("channels/stable.json.minisig", FeedLimits.SIGNATURE_MAX_BYTES, Validators.NONE)
                .bytes()).isEqualTo(full);
    }

    // --- timeouts ------------------------------------------------------------------------------

    @Test
    void serverThatNeverAnswersFailsWithinTheIdleTimeout() {
        server.fault(CHANNEL, Fault.neverAnswer());

        UpdateException e = fetchFailure(fastClient, CHANNEL, FeedLimits.MANIFEST_MAX_BYTES);

        assertThat(e.code()).isEqualTo(ErrorCode.FEED_UNAVAILABLE);
        assertThat(e.retryable()).isTrue();
        assertThat(e.details()).containsEntry("timeout", "idle").containsEntry("timeout_ms", 300L);
        assertThat(e.getMessage()).contains("idle timeout 300ms", server.baseUri() + CHANNEL);
        assertThat(server.awaitRequest(0, WAIT).awaitDone(WAIT).clientClosedEarly()).isTrue();
    }

    @Test
    void serverThatStallsInTheMiddleOfTheBodyFailsWithTheIdleTimeout() {
        server.fault(CHANNEL, Fault.slow(Duration.ofSeconds(5)));

        UpdateException e = fetchFailure(fastClient, CHANNEL, FeedLimits.MANIFEST_MAX_BYTES);

        assertThat(e.code()).isEqualTo(ErrorCode.FEED_UNAVAILABLE);
        assertThat(e.details()).containsEntry("timeout", "idle");
        assertThat(e.getMessage()).contains("no data received for 300ms");
        assertThat(server.awaitRequest(0, WAIT).awaitDone(WAIT).clientClosedEarly()).isTrue();
    }

    @Test
    void serverThatTricklesBytesFasterThanTheIdleTimeoutFailsWithTheTotalTimeout() {
        // one byte every 50 ms: never idle for 1 s, but the file would take about 3 s
        server.fault(CHANNEL, Fault.slow(Duration.ofMillis(50)));
        FeedTimeouts timeouts = new FeedTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(1),
                Duration.ofMillis(1500), Duration.ofMillis(1500), Long.MAX_VALUE);
        try (HttpFeedClient slowClient = clientFor(server.baseUri().toString(), timeouts)) {
            UpdateException e = assertTimeoutPreemptively(HANG_GUARD,
                    () -> failureOf(() -> slowClient.fetch(CHANNEL, FeedLimits.MANIFEST_MAX_BYTES, Validators.NONE)));

            assertThat(e.code()).isEqualTo(ErrorCode.FEED_UNAVAILABLE);
            assertThat(e.details()).containsEntry("timeout", "total").containsEntry("timeout_ms", 1500L);
            assertThat(e.getMessage()).contains("total timeout 1500ms");
        }
        assertThat(server.awaitRequest(0, WAIT).awaitDone(WAIT).clientClosedEarly()).isTrue();
    }

    @Test
    void truncatedBodyFailsWithFeedUnavailableSayingTruncated() {
        server.fault(CHANNEL, Fault.truncated());

        UpdateException e = fetchFailure(CHANNEL, FeedLimits.MANIFEST_MAX_BYTES);

        assertThat(e.code()).isEqualTo(ErrorCode.FEED_UNAVAILABLE);
        assertThat(e.getMessage()).contains("truncated");
        assertThat(e.details()).containsEntry("expected", (long) manifest.length);
    }

    // --- redirects -----------------------------------------------------------------------------

    @Test
    void redirectWithinTheSameSchemeIsFollowed() {
        server.fault("channels/old.json", Fault.redirect(302, "/" + CHANNEL));

        FetchResult result = client.fetch("channels/old.json", FeedLimits.MANIFEST_MAX_BYTES, Validators.NONE);

        assertThat(result.bytes()).isEqualTo(manifest);
        assertThat(result.source()).isEqualTo(server.baseUri() + CHANNEL);
    }

    @Test
    void redirectToAnotherSchemeIsRefused() {
        server.fault(CHANNEL, Fault.redirect(301, "https://127.0.0.1:1/" + CHANNEL));

        UpdateException e = fetchFailure(CHANNEL, FeedLimits.MANIFEST_MAX_BYTES);

        assertThat(e.code()).isEqualTo(ErrorCode.FEED_UNAVAILABLE);
        assertThat(e.getMessage()).contains("refused the redirect", "scheme");
    }

    @Test
    void redirectFromHttpsToHttpIsRefused() {
        java.net.URI from = java.net.URI.create("https://feed.example.com/cmdop/" + CHANNEL);

        UpdateException e = failureOf(() -> HttpFeedClient.redirectTarget(from,
                "http://feed.example.com/cmdop/" + CHANNEL, 301));

        assertThat(e.code()).isEqualTo(ErrorCode.FEED_UNAVAILABLE);
        assertThat(e.getMessage()).contains("from https to http", "https");
        assertThat(HttpFeedClient.redirectTarget(from, "https://cdn.example.net/x", 302))
                .hasToString("https://cdn.example.net/x");
        assertThat(HttpFeedClient.redirectTarget(from, "HTTPS://cdn.example.net/x", 302).getHost())
                .isEqualTo("cdn.example.net");
        assertThat(failureOf(() -> HttpFeedClient.redirectTarget(from, "ftp://cdn.example.net/x", 302)).getMessage())
                .contains("from https to ftp");
        assertThat(failureOf(() -> HttpFeedClient.redirectTarget(from, "https://user:pw@cdn.example.net/x", 302))
                .getMessage()).contains("credentials");
    }

    @Test
    void endlessRedirectsFailAfterTheRedirectLimit() {
        server.fault(CHANNEL, Fault.redirect(307, "/" + CHANNEL));

        UpdateException e = fetchFailure(CHANNEL, FeedLimits.MANIFEST_MAX_BYTES);

        assertThat(e.code()).isEqualTo(ErrorCode.FEED_UNAVAILABLE);
        assertThat(e.getMessage()).contains("redirects");
        assertThat(server.requests()).hasSize(HttpFeedClient.MAX_REDIRECTS + 1);
    }

    // --- artifacts -----------------------------------------------------------------------------

    @Test
    void artifactIsStreamedIntoTheSink() {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();

        client.fetchTo(ARTIFACT, artifact.length, sink);

        assertThat(sink.toByteArray()).isEqualTo(artifact);
    }

    @Test
    void artifactIsStreamedIntoANewFile(@TempDir Path staging) throws IOException {
        Path target = staging.resolve("cmdop.new");

        client.fetchTo(ARTIFACT, artifact.length, target);

        assertThat(Files.readAllBytes(target)).isEqualTo(artifact);
    }

    @Test
    void failedDownloadLeavesNoPartialFile(@TempDir Path staging) {
        server.fault(ARTIFACT, Fault.truncated());
        Path target = staging.resolve("cmdop.new");

        UpdateException e = failureOf(() -> client.fetchTo(ARTIFACT, artifact.length, target));

        assertThat(e.code()).isEqualTo(ErrorCode.FEED_UNAVAILABLE);
        assertThat(target).doesNotExist();
    }

    @Test
    void artifactLongerThanItsSignedLengthFailsWithLengthExceeded() {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();

        UpdateException e = failureOf(() -> client.fetchTo(ARTIFACT, artifact.length - 1, sink));

        assertThat(e.code()).isEqualTo(ErrorCode.LENGTH_EXCEEDED);
        assertThat(e.details()).containsEntry("limit", (long) artifact.length - 1);
        assertThat(sink.size()).isZero(); // refused on Content-Length, before the body
    }

    @Test
    void artifactBodyLongerThanItsSignedLengthWithoutContentLengthIsCutOff() {
        server.fault(ARTIFACT, Fault.endless());
        CountingSink sink = new CountingSink();

        UpdateException e = assertTimeoutPreemptively(HANG_GUARD,
                () -> failureOf(() -> client.fetchTo(ARTIFACT, 100_000, sink)));

        assertThat(e.code()).isEqualTo(ErrorCode.LENGTH_EXCEEDED);
        assertThat(sink.count).isLessThanOrEqualTo(100_000);
        RecordedRequest request = server.awaitRequest(0, WAIT).awaitDone(WAIT);
        assertThat(request.clientClosedEarly()).isTrue();
        assertThat(request.bytesSent()).isLessThan(100_000 + BUFFER_SLACK);
    }

    @Test
    void artifactShorterThanItsSignedLengthFailsAsTruncated() {
        UpdateException e = failureOf(() -> client.fetchTo(ARTIFACT, artifact.length + 1, new ByteArrayOutputStream()));

        assertThat(e.code()).isEqualTo(ErrorCode.FEED_UNAVAILABLE);
        assertThat(e.getMessage()).contains("truncated", String.valueOf(artifact.length + 1));
    }

    @Test
    void artifactCutOffByTheServerFailsAsTruncated() {
        server.fault(ARTIFACT, Fault.truncated(1000));

        UpdateException e = assertTimeoutPreemptively(HANG_GUARD,
                () -> failureOf(() -> client.fetchTo(ARTIFACT, artifact.length, new ByteArrayOutputStream())));

        assertThat(e.code()).isEqualTo(ErrorCode.FEED_UNAVAILABLE);
        assertThat(e.getMessage()).contains("truncated");
        assertThat(e.details()).containsEntry("expected", (long) artifact.length);
    }

    @Test
    void artifactThatStallsFailsWithTheIdleTimeout() {
        server.fault(ARTIFACT, Fault.slow(Duration.ofSeconds(5)));

        UpdateException e = assertTimeoutPreemptively(HANG_GUARD,
                () -> failureOf(() -> fastClient.fetchTo(ARTIFACT, artifact.length, new ByteArrayOutputStream())));

        assertThat(e.code()).isEqualTo(ErrorCode.FEED_UNAVAILABLE);
        assertThat(e.details()).containsEntry("timeout", "idle");
    }

    @Test
    void failingSinkIsReportedAsALocalIoError() {
        OutputStream broken = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("No space left on device");
            }
        };

        UpdateException e = failureOf(() -> client.fetchTo(ARTIFACT, artifact.length, broken));

        assertThat(e.code()).isEqualTo(ErrorCode.DISK_FULL);
        assertThat(e.exitCode()).isEqualTo(74);
    }

    @Test
    void sinkThatThrowsEndsTheTransferAtOnce() {
        OutputStream broken = new OutputStream() {
            @Override
            public void write(int b) {
                throw new IllegalStateException("sink bug");
            }
        };

        UpdateException e = assertTimeoutPreemptively(HANG_GUARD,
                () -> failureOf(() -> client.fetchTo(ARTIFACT, artifact.length, broken)));

        assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL);
        assertThat(e.getMessage()).contains("sink bug");
    }

    @Test
    void aClosedClientRefusesNewRequests() {
        client.close();

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> client.fetch(CHANNEL, 1024, Validators.NONE))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    @Test
    void fetchRefusesCapsTooLargeToHoldInMemory() {
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> client.fetch(CHANNEL, FeedLimits.IN_MEMORY_MAX_BYTES + 1, Validators.NONE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("fetchTo");
    }

    // --- proxy ---------------------------------------------------------------------------------

    @Test
    void httpsFeedGoesThroughTheProxyFromTheEnvironment() {
        server.fault("feed.invalid:443", Fault.status(403)); // the "proxy" refuses the tunnel
        EnvProxySelector proxies = EnvProxySelector.fromEnvironment(
                Map.of("HTTPS_PROXY", "http://127.0.0.1:" + server.port()));
        try (HttpFeedClient viaProxy = new HttpFeedClient(FeedLocation.parse("https://feed.invalid/cmdop"), RELAXED, proxies)) {
            UpdateException e = assertTimeoutPreemptively(HANG_GUARD,
                    () -> failureOf(() -> viaProxy.fetch(CHANNEL, 1024, Validators.NONE)));

            assertThat(e.code()).isEqualTo(ErrorCode.FEED_UNAVAILABLE);
        }
        RecordedRequest connect = server.awaitRequest(0, WAIT);
        assertThat(connect.method()).isEqualTo("CONNECT");
        assertThat(connect.target()).isEqualTo("feed.invalid:443");
    }

    @Test
    void loopbackFeedIgnoresTheProxyFromTheEnvironment() {
        EnvProxySelector proxies = EnvProxySelector.fromEnvironment(
                Map.of("HTTPS_PROXY", "http://127.0.0.1:1", "HTTP_PROXY", "http://127.0.0.1:1"));
        try (HttpFeedClient local = new HttpFeedClient(FeedLocation.parse(server.baseUri().toString()), RELAXED, proxies)) {
            assertThat(local.fetch(CHANNEL, 1024, Validators.NONE).bytes()).isEqualTo(manifest);
        }
    }

    // --- transport: what the speed and the isolation rest on -----------------------------------

    @Test
    void artifactReachesTheSinkInLargeWritesNotSmallChunks() {
        // the measurable property behind an install as fast as curl | sha256sum: few large writes into
        // the hashing sink, from one reused buffer, instead of one small buffer per network chunk
        byte[] big = randomBytes(8 * 1024 * 1024, 11);
        write(feedDir, "releases/v2/big", big);
        LargestWriteSink sink = new LargestWriteSink();

        client.fetchTo("releases/v2/big", big.length, sink);

        assertThat(sink.bytes.toByteArray()).isEqualTo(big);
        assertThat(sink.largest).isGreaterThanOrEqualTo(256 * 1024);
    }

    @Test
    void theProcessWideProxySelectorIsNeverConsulted() {
        java.net.ProxySelector previous = java.net.ProxySelector.getDefault();
        java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
        java.net.ProxySelector.setDefault(new java.net.ProxySelector() {
            @Override
            public java.util.List<java.net.Proxy> select(java.net.URI uri) {
                asked.incrementAndGet();
                return java.util.List.of(new java.net.Proxy(java.net.Proxy.Type.HTTP,
                        new InetSocketAddress(InetAddress.getLoopbackAddress(), 1)));
            }

            @Override
            public void connectFailed(java.net.URI uri, java.net.SocketAddress sa, IOException ioe) {
                asked.incrementAndGet();
            }
        });
        try {
            assertThat(client.fetch(CHANNEL, 1024, Validators.NONE).bytes()).isEqualTo(manifest);
        } finally {
            java.net.ProxySelector.setDefault(previous);
        }
        assertThat(asked).hasValue(0);
    }

    @Test
    void theProcessWideAuthenticatorIsNeverAskedForCredentials() {
        server.fault(CHANNEL, Fault.raw(("HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"feed\"\r\n"
                + "Content-Length: 0\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII)));
        java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
        java.net.Authenticator.setDefault(new java.net.Authenticator() {
            @Override
            protected java.net.PasswordAuthentication getPasswordAuthentication() {
                asked.incrementAndGet();
                return new java.net.PasswordAuthentication("user", "secret".toCharArray());
            }
        });
        UpdateException e;
        try {
            e = fetchFailure(CHANNEL, FeedLimits.MANIFEST_MAX_BYTES);
        } finally {
            java.net.Authenticator.setDefault(null);
        }

        assertThat(e.details()).containsEntry("status", 401);
        assertThat(asked).hasValue(0);
        assertThat(server.requests()).hasSize(1);
        assertThat(server.requests().get(0).header("Authorization")).isNull();
    }

    // --- lifecycle -----------------------------------------------------------------------------

    @Test
    void closeStopsTheClientsThreads() throws InterruptedException {
        client.fetch(CHANNEL, 1024, Validators.NONE);

        client.close();

        assertThat(client.awaitTermination(WAIT)).isTrue();
    }

    /** Keeps the bytes and the largest single write. */
    static final class LargestWriteSink extends OutputStream {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int largest;

        @Override
        public void write(int b) {
            bytes.write(b);
            largest = Math.max(largest, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            bytes.write(b, off, len);
            largest = Math.max(largest, len);
        }
    }

    static final class CountingSink extends OutputStream {
        long count;

        @Override
        public void write(int b) {
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            count += len;
        }
    }
}
