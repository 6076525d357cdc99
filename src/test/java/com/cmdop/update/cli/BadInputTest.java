package com.cmdop.update.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.cmdop.update.support.Cli;
import com.cmdop.update.support.Trees;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every bad input of the foundation issue: a clear error naming the field, a defined exit code, the
 * JSON error envelope in --json mode, and nothing changed on disk.
 */
class BadInputTest {
    @TempDir
    Path root;

    @TempDir
    Path work;

    private final Cli cli = new Cli();
    private Map<String, String> before;

    @BeforeEach
    void machineWithAConfig() throws IOException {
        Files.createDirectories(root.resolve("etc/cmdop"));
        Files.writeString(root.resolve("etc/cmdop/config.yaml"), "# keep me\nupdate:\n  channel: stable\n");
        before = Trees.snapshot(root);
    }

    private void assertFailedCleanly(Cli.Result r, int exit, String code, String message) {
        assertThat(r.exit()).as(r.toString()).isEqualTo(exit);
        JsonNode j = r.json();
        assertThat(j.get("failed").asBoolean()).isTrue();
        assertThat(j.get("status").asText()).isEqualTo("failed");
        assertThat(j.get("exit_code").asInt()).isEqualTo(exit);
        assertThat(j.get("error").get("code").asText()).isEqualTo(code);
        assertThat(j.get("error").get("message").asText()).contains(message);
        assertThat(r.err()).contains("cmdop-update: error: ").contains(message);
        assertThat(Trees.snapshot(root)).as("nothing may change").isEqualTo(before);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', value = {
        "channel: [|not valid YAML",
        "{\"channel\": |not valid JSON",
        "''|is empty",
        "- channel: beta|expected a mapping",
        "chanel: beta|chanel: unknown key (did you mean 'channel'?)",
        "auto: maybe|auto: expected true, false, on or off, found 'maybe'",
        "interval: 5|interval: expected a duration with a unit",
        "interval: 1m|out of range: use 15m .. 30d",
        "interval: 90d|out of range: use 15m .. 30d",
        "channel: edge|unknown channel 'edge': use one of stable, beta, nightly",
        "pin: latest|pin: 'latest' is not a version",
        "pin: v1|pin: 'v1' is not a version",
    })
    void badDesiredStatesExit65AndChangeNothing(String state, String message) throws IOException {
        Path file = work.resolve("state.yaml");
        Files.writeString(file, state.replace("\\n", "\n"));
        assertFailedCleanly(cli.run("--root", root.toString(), "converge", "--state", file.toString(), "--json"),
                65, "INVALID_INPUT", message);
    }

    @Test
    void badStdinStateIsReportedAsComingFromStdin() {
        Cli.Result r = cli.runWithStdin("auto: maybe\n", "--root", root.toString(), "converge", "--state", "-", "--json");
        assertFailedCleanly(r, 65, "INVALID_INPUT", "stdin: auto:");
    }

    @Test
    void aFailedCheckStillReportsCheckMode() throws IOException {
        Path file = work.resolve("state.yaml");
        Files.writeString(file, "auto: maybe\n");
        Cli.Result r = cli.run("--root", root.toString(), "converge", "--state", file.toString(), "--check", "--json");
        assertThat(r.exit()).isEqualTo(65);
        assertThat(r.json().get("check_mode").asBoolean()).isTrue();
    }

    @Test
    void aMissingStateFileExit65() {
        assertFailedCleanly(cli.run("--root", root.toString(), "converge", "--state", work.resolve("nope.yaml").toString(),
                "--json"), 65, "INVALID_INPUT", "no such file");
    }

    @Test
    void aConfigThatIsNotYamlExit65WithInvalidConfig() throws IOException {
        Files.writeString(root.resolve("etc/cmdop/config.yaml"), "update:\n  channel: [\n");
        before = Trees.snapshot(root);
        assertFailedCleanly(cli.run("--root", root.toString(), "--channel", "beta", "--json"), 65, "INVALID_CONFIG",
                "config.yaml: not valid YAML at line");
        assertFailedCleanly(cli.run("--root", root.toString(), "status", "--json"), 65, "INVALID_CONFIG",
                "not valid YAML");
    }

    @Test
    void aConfigWithAnUnknownKeyNamesIt() throws IOException {
        Files.writeString(root.resolve("etc/cmdop/config.yaml"), "update:\n  chanel: beta\n");
        before = Trees.snapshot(root);
        assertFailedCleanly(cli.run("--root", root.toString(), "status", "--json"), 65, "INVALID_CONFIG",
                "update.chanel: unknown key (did you mean 'channel'?)");
    }

    @Test
    void aRootThatDoesNotExistIsAUsageError() {
        Cli.Result r = cli.run("--root", root.resolve("missing").toString(), "status", "--json");
        assertFailedCleanly(r, 64, "USAGE", "no such directory");
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', value = {
        "--pin v1.2.3 --unpin|--pin and --unpin conflict",
        "--check --channel beta|--check and --channel conflict",
        "--rollback --pin v1.2.3|--rollback and --pin conflict",
        "--channel edge|--channel: unknown channel 'edge'",
        "--auto maybe|--auto: expected on or off",
        "--interval 1m|--interval: '1m' is out of range",
        "--pin latest|--pin: 'latest' is not a version",
        "--sums x|--sums goes with --verify",
        "--bogus|Unknown option: '--bogus'",
        "--channel|Expected parameter for option '--channel'",
        "converge|Missing required option: '--state",
    })
    void badCommandLinesExit64WithTheJsonEnvelope(String args, String message) {
        String[] argv = (args + " --root " + root + " --json").split(" ");
        assertFailedCleanly(cli.run(argv), 64, "USAGE", message);
    }

    @Test
    void usageErrorsWithoutJsonPrintOnlyToStderr() {
        Cli.Result r = cli.run("--root", root.toString(), "--pin", "v1", "--unpin");
        assertThat(r.exit()).isEqualTo(64);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).contains("--pin and --unpin conflict").contains("cmdop-update --help");
    }
}
