package com.cmdop.update.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.cmdop.update.model.Channel;
import com.cmdop.update.support.Cli;
import com.cmdop.update.support.Sandbox;
import com.cmdop.update.support.TestFeed;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #8 point 3: a failed run must never leave the machine different from what its report says.
 * Every check that can refuse a run happens before its first side effect; a log that cannot be
 * written is a warning, not a different outcome.
 */
class TruthfulFailureTest {
    private static final byte[] V1 = "#!/bin/sh\necho cmdop v1.0.0\n".getBytes(StandardCharsets.UTF_8);
    private static final byte[] V2 = "#!/bin/sh\necho cmdop v1.1.0\n".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path root;

    @TempDir
    Path feedDir;

    private TestFeed feed;
    private final Cli cli = new Cli();
    private Sandbox machine;

    @BeforeEach
    void machineRunningV1() throws IOException {
        machine = new Sandbox(root, cli);
        feed = new TestFeed(feedDir);
        feed.release("v1.0.0", V1);
        feed.release("v1.1.0", V2);
        feed.point(Channel.STABLE, "v1.0.0");
        machine.writeConfig(feed.configRestartingNothing("stable"));
        Cli.Result r = machine.run("--version", "v1.0.0");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(Files.readAllBytes(machine.agent())).isEqualTo(V1);
    }

    @Test
    void aPinRefusedBecauseConfigIsFlowStyleLeavesTheBinaryAsItWas() throws IOException {
        String flow = "update: {channel: stable, feed: \"" + feedDir + "\", trusted_keys: [\"" + feed.publicKey()
                + "\"], service: {restart: []}}\n";
        machine.writeConfig(flow);

        Cli.Result r = machine.run("--pin", "v1.1.0");

        assertThat(r.exit()).as(r.toString()).isEqualTo(65);
        JsonNode json = r.json();
        assertThat(json.path("error").path("code").asText()).isEqualTo("INVALID_CONFIG");
        assertThat(json.path("changed").asBoolean()).isFalse();
        assertThat(Files.readAllBytes(machine.agent())).as("the agent binary must not be swapped").isEqualTo(V1);
        assertThat(Files.readString(machine.config())).isEqualTo(flow);
        assertThat(json.path("agent").path("installed_version").asText()).isEqualTo("v1.0.0");
    }

    @Test
    void autoOnRefusedBecauseTheSchedulerDirectoryCannotBeWrittenLeavesConfigAsItWas() throws IOException {
        Files.createDirectories(root.resolve("etc"));
        Files.writeString(root.resolve("etc/cron.d"), "a file where the cron.d directory should be\n");
        String before = Files.readString(machine.config());

        Cli.Result r = machine.run("--auto", "on", "--interval", "12h");

        assertThat(r.exit()).as(r.toString()).isNotZero();
        JsonNode json = r.json();
        assertThat(json.path("changed").asBoolean()).isFalse();
        assertThat(Files.readString(machine.config())).as("config.yaml must be as the report says: unchanged").isEqualTo(before);
        assertThat(json.path("actions").findValuesAsText("status")).doesNotContain("applied");
    }

    @Test
    void aFullAgentLogIsAWarningAndTheReportSaysWhatChanged() throws Exception {
        Path log = root.resolve("var/log/cmdop/agent.log");
        Files.deleteIfExists(log);
        Process mknod = new ProcessBuilder("mknod", log.toString(), "c", "1", "7").inheritIO().start();
        assumeThat(mknod.waitFor()).as("mknod of a /dev/full node (needs root)").isZero();

        Cli.Result r = machine.run("--channel", "beta");

        assertThat(r.exit()).as(r.toString()).isZero();
        JsonNode json = r.json();
        assertThat(json.path("changed").asBoolean()).isTrue();
        assertThat(Files.readString(machine.config())).contains("channel: beta");
        assertThat(json.path("warnings").toString()).contains("agent log");
    }
}
