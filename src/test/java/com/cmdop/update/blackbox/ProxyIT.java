package com.cmdop.update.blackbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.cmdop.update.model.Platform;
import com.cmdop.update.support.TestCertificate;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #13 point 2 through the jar: a feed at {@code https://feed.test} (a name that does not resolve here)
 * is reached only through a loopback CONNECT proxy that counts its tunnels, from {@code update.proxy} in a
 * scheduled run, and from the HTTPS_PROXY of the run that wrote the cron entry, carried into that entry.
 */
class ProxyIT {
    @TempDir
    Path work;

    private Path root;
    private Path feed;
    private HttpsServer https;
    private CountingProxy proxy;
    private String trustOptions;

    @BeforeEach
    void anHttpsFeedBehindAProxy() throws Exception {
        root = Files.createDirectories(work.resolve("machine"));
        feed = work.resolve("feed");
        ok(JarProcess.run("", Map.of(), "release", "keygen", "--out", work.resolve("keys").toString(), "--unencrypted"));
        Path agent = work.resolve("agent");
        Files.writeString(agent, "#!/bin/sh\necho cmdop v1.2.3\n");
        ok(JarProcess.run("", Map.of(), "release", "publish", "--feed", feed.toString(), "--key",
                work.resolve("keys/cmdop.key").toString(), "--version", "v1.2.3", "--artifact",
                Platform.current() + "=" + agent, "--channel", "stable"));

        Path keystore = work.resolve("feed.p12");
        KeyStore ks = TestCertificate.make(keystore, "CN=feed.test", "dns:feed.test");
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "changeit".toCharArray());
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), null, null);
        https = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        https.setHttpsConfigurator(new HttpsConfigurator(tls));
        https.createContext("/", exchange -> {
            Path file = feed.resolve(exchange.getRequestURI().getPath().substring(1)).normalize();
            if (!file.startsWith(feed) || !Files.isRegularFile(file)) {
                exchange.sendResponseHeaders(404, -1);
                exchange.close();
                return;
            }
            byte[] body = Files.readAllBytes(file);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        https.start();
        proxy = new CountingProxy(https.getAddress().getPort());
        // the jar trusts the test's certificate, as a machine trusts its feed's CA
        trustOptions = "-Djavax.net.ssl.trustStore=" + keystore + " -Djavax.net.ssl.trustStorePassword=changeit "
                + "-Djavax.net.ssl.trustStoreType=PKCS12";
    }

    @AfterEach
    void stop() throws IOException {
        if (https != null) {
            https.stop(0);
        }
        if (proxy != null) {
            proxy.close();
        }
    }

    private void configure(String extra) throws IOException {
        String pub = Files.readAllLines(work.resolve("keys/cmdop.pub")).get(1);
        Files.createDirectories(root.resolve("etc/cmdop"));
        Files.writeString(root.resolve("etc/cmdop/config.yaml"), "update:\n  auto: true\n  feed: https://feed.test:"
                + https.getAddress().getPort() + "/\n  trusted_keys:\n    - " + pub + "\n  service:\n    restart: []\n"
                + extra);
    }

    @Test
    void aScheduledRunReachesTheFeedThroughUpdateProxy() throws Exception {
        configure("  proxy: " + proxy.url() + "\n");

        JarProcess.Result r = JarProcess.run("", Map.of("JAVA_TOOL_OPTIONS", trustOptions), "--root", root.toString(),
                "--json", "--scheduled");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.json().path("agent").path("installed_version").asText()).isEqualTo("v1.2.3");
        assertThat(proxy.tunnels()).isNotEmpty().allMatch(t -> t.equals("feed.test:" + https.getAddress().getPort()));
    }

    @Test
    void theEnvironmentsProxyIsCarriedIntoTheCronEntryAndUsedByIt() throws Exception {
        configure("");
        Path launcher = work.resolve("cmdop-update");
        Files.writeString(launcher, "#!/bin/sh\nexec " + Path.of(System.getProperty("java.home"), "bin", "java") + " "
                + trustOptions + " -XX:TieredStopAtLevel=1 -jar " + JarProcess.jar().toAbsolutePath() + " \"$@\"\n");
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(root.resolve("etc/cmdop/config.yaml"),
                Files.readString(root.resolve("etc/cmdop/config.yaml")).replace("auto: true", "auto: false"));

        JarProcess.Result on = JarProcess.run("", Map.of("HTTPS_PROXY", proxy.url(), "NO_PROXY", "internal.example",
                "CMDOP_UPDATE_LAUNCHER", launcher.toString()), "--root", root.toString(), "--json", "--auto", "on");
        assertThat(on.exit()).as(on.toString()).isZero();
        assertThat(proxy.tunnels()).as("--auto on reads no feed").isEmpty();
        String cron = Files.readString(root.resolve("etc/cron.d/cmdop-update"));
        assertThat(cron).contains("HTTPS_PROXY=" + proxy.url()).contains("NO_PROXY=internal.example")
                .contains(">>" + root + "/var/log/cmdop/agent.log 2>&1");

        // what cron runs: the entry's command through sh, with none of this process's environment
        String line = cron.lines().filter(l -> l.startsWith("*/15 ")).findFirst().orElseThrow();
        ProcessBuilder pb = new ProcessBuilder("sh", "-c", line.substring("*/15 * * * * root ".length()))
                .redirectErrorStream(true).redirectOutput(work.resolve("cron.out").toFile());
        pb.environment().clear();
        pb.environment().put("PATH", "/usr/bin:/bin");
        Process p = pb.start();
        assertThat(p.waitFor(90, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(Files.readString(work.resolve("cron.out"))).isZero();

        assertThat(Files.readString(root.resolve("usr/local/bin/cmdop"))).contains("v1.2.3");
        assertThat(proxy.tunnels()).isNotEmpty();
        assertThat(Files.readString(root.resolve("var/lib/cmdop/update/state.json"))).contains("\"result\" : \"ok\"");
    }

    private static JarProcess.Result ok(JarProcess.Result r) {
        assertThat(r.exit()).as(r.toString()).isZero();
        return r;
    }
}
