package com.cmdop.update.cli;

import static com.cmdop.update.publish.PublishFixture.assertFailed;
import static org.assertj.core.api.Assertions.assertThat;

import com.cmdop.update.publish.PublishFixture;
import com.cmdop.update.release.manifest.ReleaseManifest;
import com.cmdop.update.support.Cli;
import com.cmdop.update.support.Trees;
import com.cmdop.update.trust.Sha256;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code release publish}, in-process through the same factory as Main. */
class ReleasePublishCommandTest {
    @TempDir
    Path dir;

    private PublishFixture f;

    @BeforeEach
    void publisher() {
        f = new PublishFixture(dir);
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    @Test
    void publishWritesTheReleaseFilesAndReportsThemAsJson() throws IOException {
        Cli.Result r = f.publishOk("1.2.3", "--json", "--notes", "first release");

        JsonNode j = r.json();
        assertThat(j.get("command").asText()).isEqualTo("release publish");
        assertThat(j.get("status").asText()).isEqualTo("changed");
        assertThat(j.get("changed").asBoolean()).isTrue();
        assertThat(j.get("key_id").asText()).isEqualTo(f.key.keyId());
        assertThat(j.get("version").asText()).isEqualTo("v1.2.3");
        assertThat(j.get("channel").isNull()).isTrue();
        assertThat(texts(j.get("files"))).containsExactly(
                "releases/v1.2.3/cmdop_v1.2.3_linux_amd64", "releases/v1.2.3/cmdop_v1.2.3_linux_arm64",
                "releases/v1.2.3/SHA256SUMS.minisig", "releases/v1.2.3/SHA256SUMS",
                "releases/v1.2.3/release.json.minisig", "releases/v1.2.3/release.json",
                "releases/index.json.minisig", "releases/index.json");
        byte[] releaseJson = Files.readAllBytes(f.feedFile("releases/v1.2.3/release.json"));
        assertThat(j.get("release_sha256").asText()).isEqualTo(Sha256.hex(releaseJson));
        assertThat(j.get("artifacts").get(0).get("platform").asText()).isEqualTo("linux-amd64");
        assertThat(j.get("artifacts").get(0).get("length").asLong()).isEqualTo(3000);
        assertThat(f.feedFile("releases/v1.2.3/cmdop_v1.2.3_linux_amd64"))
                .hasSameBinaryContentAs(dir.resolve("dist/amd64-1.2.3"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(
                f.feedFile("releases/v1.2.3/release.json")))).isEqualTo("rw-r--r--");
        assertThat(f.release("v1.2.3").notes()).isEqualTo("first release");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void publishWithAChannelWritesTheChannelManifestLast() {
        Cli.Result r = f.publishOk("v1.2.3", "--channel", "nightly", "--expires", "7d", "--json");

        JsonNode j = r.json();
        List<String> files = texts(j.get("files"));
        assertThat(files.subList(files.size() - 2, files.size()))
                .containsExactly("channels/nightly.json.minisig", "channels/nightly.json");
        assertThat(files.indexOf("releases/v1.2.3/release.json"))
                .isLessThan(files.indexOf("releases/index.json")).isLessThan(files.indexOf("channels/nightly.json"));
        JsonNode c = j.get("channel");
        assertThat(c.get("name").asText()).isEqualTo("nightly");
        assertThat(c.get("sequence").asLong()).isEqualTo(1);
        assertThat(c.get("expires").asText()).isEqualTo("2026-12-04T10:00:00Z");
        assertThat(c.get("previous_version").isNull()).isTrue();
        assertThat(f.channel("nightly").releaseSha256()).isEqualTo(j.get("release_sha256").asText());
    }

    @Test
    void advisoriesAreRecordedAsFixedInThePublishedVersion() {
        f.publishOk("v1.2.4", "--advisory", "CMDOP-2026-001:HIGH:Token leak: in logs",
                "--advisory", "CVE-2026-1234:low:Minor thing");

        assertThat(f.release("v1.2.4").advisories()).extracting(a -> a.id() + "|" + a.severity() + "|" + a.summary()
                + "|" + a.fixedIn()).containsExactly("CMDOP-2026-001|high|Token leak: in logs|v1.2.4",
                "CVE-2026-1234|low|Minor thing|v1.2.4");
    }

    @Test
    void theIdenticalPublishAgainChangesNothing() {
        f.publishOk("v1.2.3", "--channel", "beta", "--notes", "n");
        Map<String, String> before = Trees.snapshot(f.feed);

        Cli.Result again = f.advance(Duration.ofHours(1)).publishOk("v1.2.3", "--channel", "beta", "--notes", "n",
                "--json", "--detailed-exitcode");

        assertThat(again.json().get("status").asText()).isEqualTo("unchanged");
        assertThat(again.json().get("changed").asBoolean()).isFalse();
        assertThat(again.json().get("files")).isEmpty();
        assertThat(again.json().get("channel").get("changed").asBoolean()).isFalse();
        assertThat(again.json().get("channel").get("sequence").asLong()).isEqualTo(1);
        assertThat(Trees.snapshot(f.feed)).as("nothing may change").isEqualTo(before);
    }

    @Test
    void aPublishedVersionIsImmutable() throws IOException {
        f.publishOk("v1.2.3");
        Map<String, String> before = Trees.snapshot(f.feed);
        Path other = f.artifact("rebuilt", 3000);

        Cli.Result r = f.run("release", "publish", "--feed", f.feed.toString(), "--key", f.keyFile.toString(),
                "--version", "v1.2.3", "--artifact", "linux-amd64=" + other, "--artifact",
                "linux-arm64=" + dir.resolve("dist/arm64-v1.2.3"), "--json");

        assertFailed(r, 65, "INVALID_INPUT", "v1.2.3 is already published");
        assertThat(r.json().get("error").get("message").asText()).contains("artifact linux-amd64 differs")
                .contains("immutable").contains("publish a new version");
        assertThat(Trees.snapshot(f.feed)).as("nothing may change").isEqualTo(before);
    }

    @Test
    void otherNotesOrAdvisoriesForAPublishedVersionAreRefused() {
        f.publishOk("v1.2.3", "--notes", "one");
        Map<String, String> before = Trees.snapshot(f.feed);

        assertFailed(f.publish("v1.2.3", "--notes", "two", "--json"), 65, "INVALID_INPUT",
                "the notes differ (published: 'one'; given: 'two')");
        assertFailed(f.publish("v1.2.3", "--notes", "one", "--advisory", "X-1:low:s", "--json"), 65, "INVALID_INPUT",
                "the advisories differ (published: none; given: X-1:low:s)");
        assertThat(Trees.snapshot(f.feed)).isEqualTo(before);
    }

    @Test
    void theIdenticalPublishRestoresFilesThatWentMissingOrWereDamaged() throws IOException {
        f.publishOk("v1.2.3");
        byte[] releaseJson = Files.readAllBytes(f.feedFile("releases/v1.2.3/release.json"));
        Path artifact = f.feedFile("releases/v1.2.3/cmdop_v1.2.3_linux_arm64");
        Files.write(artifact, new byte[] {1, 2, 3});
        Files.delete(f.feedFile("releases/v1.2.3/SHA256SUMS"));

        Cli.Result r = f.advance(Duration.ofDays(1)).publishOk("v1.2.3", "--json");

        // SHA256SUMS is rebuilt byte for byte, so its signature still holds and is kept
        assertThat(texts(r.json().get("files"))).containsExactly("releases/v1.2.3/cmdop_v1.2.3_linux_arm64",
                "releases/v1.2.3/SHA256SUMS");
        Files.delete(f.feedFile("releases/v1.2.3/SHA256SUMS.minisig"));
        assertThat(texts(f.publishOk("v1.2.3", "--json").json().get("files")))
                .containsExactly("releases/v1.2.3/SHA256SUMS.minisig");
        assertThat(artifact).hasSameBinaryContentAs(dir.resolve("dist/arm64-v1.2.3"));
        assertThat(f.feedFile("releases/v1.2.3/release.json")).as("release.json keeps its bytes").hasBinaryContent(
                releaseJson);
        assertThat(f.promote("v1.2.3", "stable").exit()).as("the release verifies again").isZero();
    }

    @Test
    void anInterruptedPublishIsCompletedByRunningItAgain() throws IOException {
        f.publishOk("v1.2.3");
        // as if the run had stopped before its last rename: no release.json, the completion marker
        Files.delete(f.feedFile("releases/v1.2.3/release.json"));

        Cli.Result r = f.advance(Duration.ofMinutes(5)).publishOk("v1.2.3", "--json");

        assertThat(texts(r.json().get("files"))).contains("releases/v1.2.3/release.json")
                .doesNotContain("releases/v1.2.3/cmdop_v1.2.3_linux_amd64");
        assertThat(f.release("v1.2.3").published()).isEqualTo(f.now());
    }

    @Test
    void textOutputListsArtifactsChannelAndFiles() {
        Cli.Result r = f.publishOk("v1.2.3", "--channel", "nightly");

        assertThat(r.out()).startsWith("published v1.2.3; channel nightly -> v1.2.3 (sequence 1)")
                .contains("key id        " + f.key.keyId())
                .contains("linux-amd64   cmdop_v1.2.3_linux_amd64  3000 bytes  sha256 ")
                .contains("channel       nightly -> v1.2.3, sequence 1, expires 2026-12-27T10:00:00Z")
                .contains("written       releases/v1.2.3/cmdop_v1.2.3_linux_amd64");
        assertThat(f.publishOk("v1.2.3", "--quiet").out()).isEmpty();
    }

    @Test
    void anEncryptedKeyIsReadWithThePasswordFromTheEnvironment() throws IOException {
        Path encrypted = f.encryptedKeyFile();
        Cli.Result r = f.cli().env("CMDOP_KEY_PASSWORD", PublishFixture.PASSWORD).run("release", "publish", "--feed",
                f.feed.toString(), "--key", encrypted.toString(), "--version", "v1.0.0", "--artifact",
                "linux-amd64=" + f.artifact("a", 10), "--json");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.json().get("key_id").asText()).isEqualTo(f.key.keyId());
    }

    @Test
    void aWrongPasswordExits65AndWritesNothing() throws IOException {
        Path encrypted = f.encryptedKeyFile();
        Cli.Result r = f.cli().env("CMDOP_KEY_PASSWORD", "not the password").run("release", "publish", "--feed",
                f.feed.toString(), "--key", encrypted.toString(), "--version", "v1.0.0", "--artifact",
                "linux-amd64=" + f.artifact("a", 10), "--json");

        assertFailed(r, 65, "INVALID_INPUT", "wrong password");
        assertThat(f.feed).doesNotExist();
    }

    @Test
    void anEncryptedKeyWithoutAnyPasswordSourceSaysHowToGiveIt() throws IOException {
        Path encrypted = f.encryptedKeyFile();
        Cli.Result r = f.run("release", "publish", "--feed", f.feed.toString(), "--key", encrypted.toString(),
                "--version", "v1.0.0", "--artifact", "linux-amd64=" + f.artifact("a", 10), "--json");

        assertFailed(r, 65, "INVALID_INPUT", "set CMDOP_KEY_PASSWORD");
        assertThat(f.feed).doesNotExist();
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', value = {
        "--version latest|64|USAGE|--version: 'latest' is not a version",
        "--artifact linux_amd64=dist/a|64|USAGE|'linux_amd64' is not a platform",
        "--artifact linux-amd64|64|USAGE|--artifact linux-amd64: expected PLATFORM=FILE",
        "--artifact linux-amd64=|64|USAGE|the file after '=' is missing",
        "--artifact linux-amd64=dist/missing|65|INVALID_INPUT|dist/missing: no such file",
        "--artifact linux-amd64=dist|65|INVALID_INPUT|not a regular file",
        "--artifact linux-amd64=dist/empty|65|INVALID_INPUT|the file is empty",
        "--artifact linux-amd64=dist/a --artifact linux-amd64=dist/b|65|INVALID_INPUT|platform linux-amd64 is given twice",
        "--key keys/missing.key|65|INVALID_INPUT|missing.key: no such file",
        "--key keys/cmdop.pub|65|INVALID_INPUT|this is a public key",
        "--channel edge|64|USAGE|--channel: unknown channel 'edge'",
        "--channel stable --expires 10m|64|USAGE|--expires: '10m' is out of range",
        "--channel stable --expires 400d|64|USAGE|allowed 1h .. 365d",
        "--expires 7d|64|USAGE|--expires goes with --channel",
        "--advisory X-1|64|USAGE|expected ID:SEVERITY:SUMMARY",
        "--advisory X-1:urgent:sum|64|USAGE|severity 'urgent' must be one of low, medium, high, critical",
        "--advisory X/1:low:sum|64|USAGE|the id 'X/1' must be",
        "--advisory X-1:low:s --advisory X-1:high:t|65|INVALID_INPUT|--advisory X-1 is given twice",
        "--feed feed/releases/v1.0.0/release.json|65|INVALID_INPUT|is not a directory",
        "--bogus|64|USAGE|Unknown option: '--bogus'",
    })
    void badInputExitsWithItsCodeAndChangesNothingInTheFeed(String args, int exit, String code, String message)
            throws IOException {
        f.publishOk("v1.0.0");
        Files.write(dir.resolve("dist/a"), new byte[] {1});
        Files.write(dir.resolve("dist/b"), new byte[] {2});
        Files.write(dir.resolve("dist/empty"), new byte[0]);
        Map<String, String> before = Trees.snapshot(f.feed);
        List<String> argv = new ArrayList<>(List.of("release", "publish", "--json"));
        argv.addAll(List.of(args.split(" ")));
        Map<String, String> defaults = Map.of("--feed", f.feed.toString(), "--key", f.keyFile.toString(),
                "--version", "v1.1.0", "--artifact", "linux-amd64=dist/a");
        defaults.forEach((option, value) -> {
            if (!argv.contains(option)) {
                argv.addAll(List.of(option, value));
            }
        });

        assertFailed(f.run(argv.toArray(String[]::new)), exit, code, message);
        assertThat(Trees.snapshot(f.feed)).as("nothing may change").isEqualTo(before);
    }

    @Test
    void missingRequiredOptionsAreUsageErrors() {
        assertFailed(f.run("release", "publish", "--json", "--feed", "feed", "--key", "keys/cmdop.key", "--version",
                "v1.0.0"), 64, "USAGE", "Missing required option: '--artifact=PLATFORM=FILE'");
        assertThat(f.feed).doesNotExist();
    }

    @Test
    void relativePathsAreResolvedAgainstTheWorkingDirectory() {
        f.artifact("rel", 100);
        Cli.Result r = f.run("release", "publish", "--feed", "feed", "--key", "keys/cmdop.key", "--version", "2.0.0",
                "--artifact", "darwin-arm64=dist/rel");

        assertThat(r.exit()).as(r.toString()).isZero();
        ReleaseManifest m = f.release("v2.0.0");
        assertThat(m.artifacts()).singleElement().satisfies(a -> {
            assertThat(a.platform()).isEqualTo("darwin-arm64");
            assertThat(a.file()).isEqualTo("cmdop_v2.0.0_darwin_arm64");
        });
    }
}
