package com.cmdop.update.publish;

import static org.assertj.core.api.Assertions.assertThat;

import com.cmdop.update.blackbox.JarProcess;
import com.cmdop.update.support.Trees;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Encrypted keys through the shipped jar, as a publisher runs it. minisign's default scrypt needs 1 GiB,
 * so the JVM gets an explicit heap through JAVA_TOOL_OPTIONS (what docs/publishing.md tells publishers
 * on small machines), independent of the test machine's memory.
 */
class PublisherEncryptedKeyIT {
    private static final String PASSWORD = "correct horse battery staple";
    private static final String HEAP = "-Xmx1536m";

    @TempDir
    Path dir;

    @BeforeAll
    static void minisignIsInstalled() {
        Minisign.find();
    }

    private static Map<String, String> env(String password) {
        return Map.of("CMDOP_KEY_PASSWORD", password, "JAVA_TOOL_OPTIONS", HEAP);
    }

    private Path artifact() throws Exception {
        return Files.write(dir.resolve("cmdop-linux-amd64"), new byte[] {0x7f, 'E', 'L', 'F', 1, 2, 3});
    }

    @Test
    void anEncryptedKeyFromMinisignGPublishesWithThePasswordFromTheEnvironmentAndNotWithAWrongOne() throws Exception {
        Minisign.run(dir, PASSWORD + "\n" + PASSWORD + "\n", "-G", "-p", "enc.pub", "-s", "enc.key").expectSuccess();
        Path feed = dir.resolve("feed");

        JarProcess.Result r = JarProcess.run("", env(PASSWORD), "release", "publish", "--feed", feed.toString(),
                "--key", dir.resolve("enc.key").toString(), "--version", "v1.0.0", "--artifact",
                "linux-amd64=" + artifact(), "--channel", "stable", "--json");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.json().get("changed").asBoolean()).isTrue();
        assertThat(Minisign.verifyEverySignature(feed, dir.resolve("enc.pub"))).as("release.json, SHA256SUMS, the"
                + " channel and the release index").isEqualTo(4);

        Map<String, String> before = Trees.snapshot(feed);
        JarProcess.Result wrong = JarProcess.run("", env("wrong"), "release", "promote", "--feed", feed.toString(),
                "--key", dir.resolve("enc.key").toString(), "--version", "v1.0.0", "--channel", "beta", "--json");

        assertThat(wrong.exit()).as(wrong.toString()).isEqualTo(65);
        assertThat(wrong.json().get("error").get("message").asText()).contains("wrong password");
        assertThat(Trees.snapshot(feed)).isEqualTo(before);
    }

    @Test
    void keygenWithAPasswordWritesAKeyThatMinisignDecryptsAndThatPublishes() throws Exception {
        Path keys = dir.resolve("keys");
        JarProcess.Result keygen = JarProcess.run("", env(PASSWORD), "release", "keygen", "--out", keys.toString(),
                "--json");
        assertThat(keygen.exit()).as(keygen.toString()).isZero();
        assertThat(keygen.json().get("encrypted").asBoolean()).isTrue();
        assertThat(keygen.json().get("warnings")).isEmpty();
        Files.writeString(dir.resolve("data"), "data\n");

        Minisign.run(dir, PASSWORD + "\n", "-S", "-s", "keys/cmdop.key", "-m", "data").expectSuccess();
        Minisign.run(dir, null, "-V", "-p", "keys/cmdop.pub", "-m", "data").expectSuccess();
        Minisign.Result wrong = Minisign.run(dir, "nope\n", "-S", "-s", "keys/cmdop.key", "-m", "data", "-x", "w.sig");
        assertThat(wrong.exit()).isNotZero();

        Path feed = dir.resolve("feed");
        JarProcess.Result publish = JarProcess.run("", env(PASSWORD), "release", "publish", "--feed", feed.toString(),
                "--key", keys.resolve("cmdop.key").toString(), "--version", "v1.0.0", "--artifact",
                "linux-amd64=" + artifact());
        assertThat(publish.exit()).as(publish.toString()).isZero();
        assertThat(Minisign.verifyEverySignature(feed, keys.resolve("cmdop.pub"))).as("release.json, SHA256SUMS and"
                + " the release index").isEqualTo(3);
    }

    @Test
    void releaseHelpWorksFromTheJar() throws Exception {
        JarProcess.Result help = JarProcess.run("", Map.of(), "release", "--help");
        assertThat(help.exit()).isZero();
        assertThat(help.out()).contains("keygen").contains("publish").contains("promote").contains("resign")
                .contains("verify").contains("Examples:");
    }
}
