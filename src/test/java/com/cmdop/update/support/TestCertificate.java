package com.cmdop.update.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.concurrent.TimeUnit;

/** A throwaway TLS certificate made by the JDK's keytool, for https test servers (PKCS12, password changeit). */
public final class TestCertificate {
    public static final String PASSWORD = "changeit";

    private TestCertificate() {}

    /**
     * Makes {@code keystore} with one EC key and a self-signed certificate for {@code dname} and
     * {@code san} (keytool's -ext SAN= value, e.g. {@code ip:127.0.0.1} or {@code dns:feed.test}), and loads it.
     */
    public static KeyStore make(Path keystore, String dname, String san) throws Exception {
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-keystore", keystore.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD,
                "-alias", "feed", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", dname,
                "-ext", "SAN=" + san, "-validity", "2")
                .redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(keytool.exitValue()).as(output).isZero();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            ks.load(in, PASSWORD.toCharArray());
        }
        return ks;
    }
}
