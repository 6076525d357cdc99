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
        https.start();
    }

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
}
