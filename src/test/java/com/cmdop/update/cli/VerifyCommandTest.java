package com.cmdop.update.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.cmdop.update.model.Version;
import com.cmdop.update.release.manifest.FeedLayout;
import com.cmdop.update.model.Platform;
import com.cmdop.update.model.Channel;
import com.cmdop.update.support.Cli;
import com.cmdop.update.support.TestFeed;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --verify FILE [--sums SHA256SUMS]} (issue #3 item 6). */
class VerifyCommandTest {
    private static final byte[] AGENT = "agent 1.2.4".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path root;

    @TempDir
    Path feedDir;

    @TempDir
    Path work;

    private TestFeed feed;
    private final Cli cli = new Cli();

    @BeforeEach
    void feedAndMachine() throws IOException {
        feed = new TestFeed(feedDir);
        feed.release("v1.2.3", "agent 1.2.3".getBytes(StandardCharsets.UTF_8));
        feed.release("v1.2.4", AGENT);
        feed.point(Channel.STABLE, "v1.2.4");
        Files.createDirectories(root.resolve("etc/cmdop"));
        Files.writeString(root.resolve("etc/cmdop/config.yaml"), feed.config("stable"));
    }

    private Cli.Result verify(String... args) {
        String[] all = new String[4 + args.length];
        all[0] = "--root";
        all[1] = root.toString();
        all[2] = "--json";
        all[3] = "--verify";
        System.arraycopy(args, 0, all, 4, args.length);
        return cli.run(all);
    }

    @Test
    void aBinaryNamedLikeAnArtifactIsVerifiedAgainstItsReleasesSignedSums() throws IOException {
        Path file = work.resolve(Platform.current().artifactFileName("v1.2.4"));
        Files.write(file, AGENT);
        Cli.Result r = verify(file.toString());
        assertThat(r.exit()).as(r.toString()).isZero();
        JsonNode v = r.json().get("verified");
        assertThat(v.get("version").asText()).isEqualTo("v1.2.4");
        assertThat(v.get("platform").asText()).isEqualTo(Platform.current().toString());
        assertThat(v.get("key_id").asText()).isEqualTo(feed.key().keyId());
        assertThat(v.get("sums").asText()).endsWith("releases/v1.2.4/SHA256SUMS");
    }

    @Test
    void aRenamedBinaryIsFoundInTheChannelsRelease() throws IOException {
        Path file = work.resolve("cmdop");
        Files.write(file, AGENT);
        Cli.Result r = verify(file.toString());
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.json().get("verified").get("name").asText())
                .isEqualTo(Platform.current().artifactFileName("v1.2.4"));
    }

    @Test
    void anExplicitSumsFileIsUsedWithItsSignature() throws IOException {
        Path file = work.resolve("cmdop");
        Files.write(file, "agent 1.2.3".getBytes(StandardCharsets.UTF_8));
        Path sums = feedDir.resolve(FeedLayout.sha256sums(Version.parse("v1.2.3")));
        Cli.Result r = verify(file.toString(), "--sums", sums.toString());
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.json().get("verified").get("version").asText()).isEqualTo("v1.2.3");
    }

    @Test
    void aTamperedDownloadIsAnIntegrityFailureButNotTheAgentsTamperLine() throws IOException {
        // issue #10 point 1: the CRITICAL line is for the installed agent (VerifyAnyFileTest), not any file
        Path file = work.resolve(Platform.current().artifactFileName("v1.2.4"));
        Files.write(file, "agent 1.2.X".getBytes(StandardCharsets.UTF_8));
        Cli.Result r = verify(file.toString());
        assertThat(r.exit()).isEqualTo(80);
        assertThat(r.json().get("error").get("code").asText()).isEqualTo("HASH_MISMATCH");
        assertThat(r.err()).contains("do not run it");
        assertThat(root.resolve("var/log/cmdop/agent.log")).doesNotExist();
    }

    @Test
    void sumsSignedByAnUntrustedKeyAreRefused() throws IOException {
        Path sums = feedDir.resolve(FeedLayout.sha256sums(Version.parse("v1.2.4")));
        feed.signFile(FeedLayout.sha256sums(Version.parse("v1.2.4")),
                com.cmdop.update.trust.MinisignSecretKey.generate(new java.security.SecureRandom()));
        Path file = work.resolve("cmdop");
        Files.write(file, AGENT);
        Cli.Result r = verify(file.toString(), "--sums", sums.toString());
        assertThat(r.exit()).isEqualTo(80);
        assertThat(r.json().get("error").get("code").asText()).isEqualTo("UNKNOWN_KEY");
    }

    @Test
    void aMissingFileIsBadInput() {
        Cli.Result r = verify(work.resolve("nope").toString());
        assertThat(r.exit()).isEqualTo(65);
    }

    @Test
    void sumsThatTheRealMinisignSignedVerify() throws Exception {
        assertThat(Path.of("/usr/bin/minisign")).as("minisign must be installed (scripts/test-all.sh installs it)")
                .exists();
        run(work, "minisign", "-G", "-W", "-p", "mk.pub", "-s", "mk.key");
        Path file = work.resolve("cmdop_v9.9.9_linux_amd64");
        Files.write(file, AGENT);
        Files.writeString(work.resolve("SHA256SUMS"), com.cmdop.update.trust.Sha256.hex(AGENT) + "  "
                + file.getFileName() + "\n");
        run(work, "minisign", "-S", "-s", "mk.key", "-m", "SHA256SUMS");
        String pub = Files.readAllLines(work.resolve("mk.pub")).get(1);
        Files.writeString(root.resolve("etc/cmdop/config.yaml"), "update:\n  trusted_keys:\n    - " + pub + "\n");
        Cli.Result r = verify(file.toString());
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.json().get("verified").get("version").asText()).isEqualTo("v9.9.9");
    }

    private static void run(Path dir, String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();
    }
}
