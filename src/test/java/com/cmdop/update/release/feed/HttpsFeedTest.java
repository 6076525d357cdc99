package com.cmdop.update.release.feed;


import static com.cmdop.update.release.feed.FeedTestSupport.HANG_GUARD;
import static com.cmdop.update.release.feed.FeedTestSupport.RELAXED;
import static com.cmdop.update.release.feed.FeedTestSupport.failureOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.cmdop.update.model.error.ErrorCode;
import com.cmdop.update.model.error.UpdateException;
import com.cmdop.update.support.TestCertificate;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.security.KeyStore;
import java.util.List;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The https path against a local {@link HttpsServer} with a throwaway certificate made by keytool:
 * the system trust store refuses it; a client that trusts it fetches, and still refuses a redirect
 * from https to http.
 */
class HttpsFeedTest {
    static final byte[] MANIFEST = "{\"schema\":1}".getBytes(StandardCharsets.UTF_8);

    @TempDir
    static Path keys;

    static HttpsServer https;
    static FaultyFeedServer plain;
    static SSLContext trustingTestCert;

    @BeforeAll
    static void start() throws Exception {
        KeyStore ks = TestCertificate.make(keys.resolve("server.p12"), "CN=127.0.0.1", "ip:127.0.0.1");
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "changeit".toCharArray());
        SSLContext serverTls = SSLContext.getInstance("TLS");
        serverTls.init(kmf.getKeyManagers(), null, null);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        trustingTestCert = SSLContext.getInstance("TLS");
        trustingTestCert.init(null, tmf.getTrustManagers(), null);

        plain = FaultyFeedServer.serving(keys);
        https = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        https.setHttpsConfigurator(new HttpsConfigurator(serverTls));
        https.createContext("/feed/channels/stable.json", exchange -> {
            exchange.sendResponseHeaders(200, MANIFEST.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(MANIFEST);
            }
        });
        https.createContext("/feed/channels/downgrade.json", exchange -> {
            exchange.getResponseHeaders().put("Location", List.of(plain.baseUri() + "channels/stable.json"));
            exchange.sendResponseHeaders(302, -1);
            exchange.close();
        });
        https.createContext("/feed/channels/big.json", exchange -> {
            remotePorts.add(exchange.getRemoteAddress().getPort());
            exchange.sendResponseHeaders(200, 10L * 1024 * 1024);
            try (OutputStream out = exchange.getResponseBody()) {
                byte[] filler = new byte[64 * 1024];
                for (int i = 0; i < 160; i++) {
                    out.write(filler);
                }
            } catch (java.io.IOException e) {
                // the client closed the connection, as it should
            }
        });
        https.createContext("/feed/channels/counted.json", exchange -> {
            remotePorts.add(exchange.getRemoteAddress().getPort());
            exchange.sendResponseHeaders(200, MANIFEST.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(MANIFEST);
            }
        });
        https.createContext("/feed/channels/hangup.json", exchange -> {
            hangups.incrementAndGet();
            // no response at all: the server closes the connection
            throw new java.io.IOException("hang up without an answer");
        });
        https.createContext("/feed/channels/stalls.json", exchange -> {
            // 2 of 100 announced bytes: one at once, one after 2.5 s (within the idle timeout), then nothing
            exchange.sendResponseHeaders(200, 100);
            OutputStream out = exchange.getResponseBody();
            try {
                out.write('{');
                out.flush();
                Thread.sleep(2500);
                out.write('"');
                out.flush();
                Thread.sleep(15_000);
            } catch (InterruptedException | java.io.IOException e) {
                // the client left, or the server stops
            } finally {
                exchange.close();
            }
        });
        https.setExecutor(java.util.concurrent.Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "https-feed-test");
            t.setDaemon(true);
            return t;
        }));
        https.start();
    }

    static final List<Integer> remotePorts = new java.util.concurrent.CopyOnWriteArrayList<>();
    static final java.util.concurrent.atomic.AtomicInteger hangups = new java.util.concurrent.atomic.AtomicInteger();

    @AfterAll
    static void stop() {
        if (https != null) {
            https.stop(0);
        }
        if (plain != null) {
            plain.close();
        }
    }

    static FeedLocation feed() {
        return FeedLocation.parse("https://127.0.0.1:" + https.getAddress().getPort() + "/feed");
    }

    @Test
    void aServerWhoseCertificateIsNotInTheSystemTrustStoreIsRefused() {
        try (HttpFeedClient client = new HttpFeedClient(feed(), RELAXED, EnvProxySelector.fromEnvironment(Map.of()))) {
            UpdateException e = assertTimeoutPreemptively(HANG_GUARD,
                    () -> failureOf(() -> client.fetch("channels/stable.json", 1024, Validators.NONE)));

            assertThat(e.code()).isEqualTo(ErrorCode.FEED_UNAVAILABLE);
            assertThat(e.getMessage()).contains("TLS handshake failed", "trust store");
        }
    }

    @Test
    void aTrustedServerServesTheFile() {
        try (HttpFeedClient client = new HttpFeedClient(feed(), RELAXED, EnvProxySelector.fromEnvironment(Map.of()), trustingTestCert)) {
            assertThat(client.fetch("channels/stable.json", 1024, Validators.NONE).bytes()).isEqualTo(MANIFEST);
        }
    }

    @Test
    void aRedirectFromHttpsToHttpIsRefusedWithoutFollowingIt() {
        int before = plain.connectionsAccepted();
        try (HttpFeedClient client = new HttpFeedClient(feed(), RELAXED, EnvProxySelector.fromEnvironment(Map.of()), trustingTestCert)) {
            UpdateException e = assertTimeoutPreemptively(HANG_GUARD,
                    () -> failureOf(() -> client.fetch("channels/downgrade.json", 1024, Validators.NONE)));

            assertThat(e.code()).isEqualTo(ErrorCode.FEED_UNAVAILABLE);
            assertThat(e.getMessage()).contains("refused the redirect", "from https to http");
            assertThat(e.details()).containsEntry("location", plain.baseUri() + "channels/stable.json");
        }
        assertThat(plain.connectionsAccepted()).isEqualTo(before);
    }

    static HttpFeedClient trustingClient(FeedTimeouts timeouts) {
        return new HttpFeedClient(feed(), timeouts, EnvProxySelector.fromEnvironment(Map.of()), trustingTestCert);
    }

    @Test
    void theSmallRequestsOfARunShareOneKeepAliveConnection() {
        remotePorts.clear();
        try (HttpFeedClient client = trustingClient(RELAXED)) {
            for (int i = 0; i < 3; i++) {
                assertThat(client.fetch("channels/counted.json", 1024, Validators.NONE).bytes()).isEqualTo(MANIFEST);
            }
        }
        assertThat(remotePorts).hasSize(3);
        assertThat(java.util.Set.copyOf(remotePorts)).hasSize(1);
    }

    @Test
    void aRefusedBodyIsNeverReadNorItsConnectionReused() {
        remotePorts.clear();
        try (HttpFeedClient client = trustingClient(RELAXED)) {
            UpdateException e = assertTimeoutPreemptively(HANG_GUARD,
                    () -> failureOf(() -> client.fetch("channels/big.json", FeedLimits.MANIFEST_MAX_BYTES, Validators.NONE)));
            assertThat(e.code()).isEqualTo(ErrorCode.LENGTH_EXCEEDED);

            assertThat(client.fetch("channels/counted.json", 1024, Validators.NONE).bytes()).isEqualTo(MANIFEST);
        }
        assertThat(remotePorts).hasSize(2);
        assertThat(remotePorts.get(1)).isNotEqualTo(remotePorts.get(0)); // a new connection, not the abandoned one
    }

    @Test
    void aRequestWhoseConnectionFailsBeforeTheAnswerIsNotSilentlyReSent() {
        hangups.set(0);
        try (HttpFeedClient client = trustingClient(RELAXED)) {
            UpdateException e = assertTimeoutPreemptively(HANG_GUARD,
                    () -> failureOf(() -> client.fetch("channels/hangup.json", 1024, Validators.NONE)));

            assertThat(e.code()).isEqualTo(ErrorCode.FEED_UNAVAILABLE);
            assertThat(e.getMessage()).contains("the connection failed");
        }
        assertThat(hangups).hasValue(1);
    }

    @Test
    void theWatchdogEndsAStalledBodyAtTheTotalTimeoutNotTheIdleTimeoutAfterIt() {
        // the socket's read timeout is the idle timeout (or the time left, when less): the watchdog is what ends a
        // read that is blocked when the deadline passes. Total 5 s, idle 12 s, last byte at 2.5 s: the read
        // timeout would end that read at 14.5 s; the watchdog closes the socket at 5 s
        // (HttpURLConnection.disconnect() from another thread would itself wait for the read timeout). The
        // time tells which of the two ended it, with a wide margin either side of the 10 s line: not a
        // performance threshold, and not one a busy machine can cross by itself
        FeedTimeouts timeouts = new FeedTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(12), Duration.ofSeconds(5),
                Duration.ofSeconds(5), Long.MAX_VALUE);
        try (HttpFeedClient client = trustingClient(timeouts)) {
            long start = System.nanoTime();
            UpdateException e = assertTimeoutPreemptively(HANG_GUARD,
                    () -> failureOf(() -> client.fetch("channels/stalls.json", 1024, Validators.NONE)));
            long elapsedMs = (System.nanoTime() - start) / 1_000_000;

            assertThat(e.details()).containsEntry("timeout", "total");
            assertThat(e.getMessage()).contains("2 bytes received");
            assertThat(elapsedMs).as("ended by the watchdog at 5 s, not the read timeout at 14.5 s").isLessThan(10_000);
        }
    }

    @Test
    void closeEndsTheWatchdogThreadAndTheIdleConnections() throws InterruptedException {
        remotePorts.clear();
        HttpFeedClient client = trustingClient(RELAXED);
        client.fetch("channels/counted.json", 1024, Validators.NONE);

        client.close();

        assertThat(client.awaitTermination(Duration.ofSeconds(10))).isTrue();
        try (HttpFeedClient next = trustingClient(RELAXED)) {
            next.fetch("channels/counted.json", 1024, Validators.NONE);
        }
        assertThat(remotePorts).hasSize(2).doesNotHaveDuplicates(); // each client its own connection
    }
}
