package com.cmdop.update.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.cmdop.update.support.Cli;
import com.cmdop.update.support.Trees;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** converge (SPEC section 5): drift, actions, check mode, idempotence and the JSON contract. */
class ConvergeCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path root;

    @TempDir
    Path work;

    private final Cli cli = new Cli();

    private Cli.Result converge(String state, String... extra) {
        String[] args = new String[4 + extra.length];
        args[0] = "--root";
        args[1] = root.toString();
        args[2] = "converge";
        args[3] = "--state=-";
        System.arraycopy(extra, 0, args, 4, extra.length);
        return cli.runWithStdin(state, args);
    }

    @Test
    void checkModeReportsDriftAndWritesNothingAtAll() {
        Map<String, String> before = Trees.snapshot(root);
        Cli.Result r = converge("channel: beta\nauto: true\n", "--check", "--json", "--detailed-exitcode");
        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        JsonNode j = r.json();
        assertThat(j.get("check_mode").asBoolean()).isTrue();
        assertThat(j.get("status").asText()).isEqualTo("drift");
        assertThat(j.get("changed").asBoolean()).isTrue();
        assertThat(j.get("in_sync").asBoolean()).isFalse();
        assertThat(j.get("actions").findValuesAsText("status")).containsOnly("planned");
        assertThat(Trees.snapshot(root)).isEqualTo(before);
    }

    @Test
    void theFirstRunChangesAndTheSecondIsInSyncWritingNothing() {
        String state = "channel: nightly\nauto: on\ninterval: 12h\nwindow: \"Sat,Sun 00:00-06:00\"\n";
        Cli.Result first = converge(state, "--json");
        assertThat(first.exit()).as(first.toString()).isZero();
        assertThat(first.json().get("status").asText()).isEqualTo("changed");
        Map<String, String> after = Trees.snapshot(root);

        Cli.Result second = converge(state, "--json", "--detailed-exitcode");
        assertThat(second.exit()).isZero();
        JsonNode j = second.json();
        assertThat(j.get("changed").asBoolean()).isFalse();
        assertThat(j.get("in_sync").asBoolean()).isTrue();
        assertThat(j.get("drift")).isEmpty();
        assertThat(j.get("actions")).isEmpty();
        assertThat(Trees.snapshot(root)).isEqualTo(after);
    }

    @Test
    void theAgentObjectDescribesTheMachineAfterTheRun() {
        // a converge that set hold: true reported agent.held false (the settings read before the run)
        Cli.Result held = converge("hold: true\n", "--json");
        assertThat(held.json().path("agent").path("held").asBoolean()).as(held.toString()).isTrue();
        Cli.Result check = converge("hold: false\n", "--json", "--check");
        assertThat(check.json().path("agent").path("held").asBoolean()).as("a check changes nothing").isTrue();
        Cli.Result flag = cli.run("--root", root.toString(), "--json", "--unhold");
        assertThat(flag.json().path("agent").path("held").asBoolean()).as(flag.toString()).isFalse();
    }

    @Test
    void aCheckAfterConvergeFindsNoDrift() {
        converge("channel: beta\nauto: true\n");
        Cli.Result r = converge("channel: beta\nauto: true\n", "--check", "--detailed-exitcode", "--json");
        assertThat(r.exit()).isZero();
        assertThat(r.json().get("status").asText()).isEqualTo("unchanged");
    }

    @Test
    void aDeletedSchedulerEntryIsDriftAndIsRepaired() throws IOException {
        converge("auto: true\n");
        Files.delete(root.resolve("etc/cron.d/cmdop-update"));
        Cli.Result check = converge("auto: true\n", "--check", "--json");
        assertThat(check.json().get("drift").toString()).contains("\"setting\":\"scheduler\"");
        converge("auto: true\n");
        assertThat(root.resolve("etc/cron.d/cmdop-update")).exists();
    }

    @Test
    void jsonStateFromAFileWorksLikeYaml() throws IOException {
        Path file = work.resolve("desired.json");
        Files.writeString(file, "{\"channel\": \"beta\", \"pin\": null}");
        Cli.Result r = cli.run("--root", root.toString(), "converge", "--state", file.toString(), "--json");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.json().get("desired").toString()).isEqualTo("{\"channel\":\"beta\",\"pin\":null}");
    }

    @Test
    void theOutputMatchesTheGoldenContract() throws IOException {
        Cli.Result r = converge("channel: beta\nauto: true\ninterval: 12h\n", "--json");
        JsonNode actual = normalize(r.json());
        JsonNode golden;
        try (InputStream in = getClass().getResourceAsStream("/golden/converge-changed.json")) {
            golden = JSON.readTree(in);
        }
        assertThat(actual).isEqualTo(golden);
    }

    @Test
    void theGoldenErrorEnvelopeForBadInput() throws IOException {
        Cli.Result r = converge("chanel: beta\n", "--json");
        JsonNode actual = normalize(r.json());
        JsonNode golden;
        try (InputStream in = getClass().getResourceAsStream("/golden/converge-invalid-input.json")) {
            golden = JSON.readTree(in);
        }
        assertThat(actual).isEqualTo(golden);
    }

    /** Replaces what changes from run to run (time, duration, temp paths) with fixed markers. */
    private JsonNode normalize(JsonNode node) throws IOException {
        String text = JSON.writeValueAsString(node).replace(root.toString(), "<ROOT>");
        ObjectNode o = (ObjectNode) JSON.readTree(text);
        o.put("duration_ms", 0);
        o.put("tool", JSON.readTree("{\"name\":\"cmdop-update\",\"version\":\"<VERSION>\"}"));
        return o;
    }

    @Test
    void aMutatingRunWaitsForTheLockThenExits75() throws IOException {
        Path lockFile = root.resolve("var/lib/cmdop/update/lock");
        Files.createDirectories(lockFile.getParent());
        try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            // another process would hold it; within one JVM an overlapping lock is the same signal
            FileLock held = ch.lock();
            Cli.Result r = new Cli().lockWait(Duration.ofMillis(200)).runWithStdin("channel: beta\n", "--root",
                    root.toString(), "converge", "--state", "-", "--json");
            assertThat(r.exit()).as(r.toString()).isEqualTo(75);
            assertThat(r.json().get("error").get("code").asText()).isEqualTo("LOCKED");
            assertThat(r.json().get("error").get("retryable").asBoolean()).isTrue();
            assertThat(root.resolve("etc/cmdop/config.yaml")).doesNotExist();
            held.release();
        }
    }

    @Test
    void aRunInSyncNeedsNoLock() throws IOException {
        converge("channel: stable\n");
        Path lockFile = root.resolve("var/lib/cmdop/update/lock");
        Files.createDirectories(lockFile.getParent());
        try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock held = ch.lock()) {
            assertThat(converge("channel: stable\n", "--json").exit()).isZero();
            assertThat(held.isValid()).isTrue();
        }
    }

    @Test
    void statusShowsTheSettingsAndTheLastChange() {
        converge("channel: beta\n");
        Cli.Result r = cli.run("--root", root.toString(), "status", "--json");
        assertThat(r.exit()).isZero();
        JsonNode j = r.json();
        assertThat(j.get("settings").get("channel").asText()).isEqualTo("beta");
        assertThat(j.get("schedule").get("entry").asText()).isEqualTo("absent");
        assertThat(j.get("paths").get("config").asText()).isEqualTo(root.resolve("etc/cmdop/config.yaml").toString());
        assertThat(j.get("last_change").get("actor").asText()).isEqualTo("converge");
    }

    @Test
    void statusWritesNothingEvenOnAFreshMachine() {
        Map<String, String> before = Trees.snapshot(root);
        assertThat(cli.run("--root", root.toString(), "status").exit()).isZero();
        assertThat(Trees.snapshot(root)).isEqualTo(before);
    }

    @Test
    void aRunInSyncStillCleansUpAfterAnInterruptedRun() throws IOException {
        converge("channel: stable\n");
        Path leftover = root.resolve("usr/local/bin/.cmdop.staging-0123456789abcdef");
        Files.createDirectories(leftover.getParent());
        Files.writeString(leftover, "half a download");
        Cli.Result r = converge("channel: stable\n", "--json");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(leftover).doesNotExist();
    }

    @Test
    void aCheckNeverRecoversBecauseItChangesNothing() throws IOException {
        Path leftover = root.resolve("usr/local/bin/.cmdop.staging-0123456789abcdef");
        Files.createDirectories(leftover.getParent());
        Files.writeString(leftover, "half a download");
        assertThat(converge("channel: stable\n", "--check").exit()).isZero();
        assertThat(leftover).exists();
    }
}
