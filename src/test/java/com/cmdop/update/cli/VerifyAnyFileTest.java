package com.cmdop.update.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.cmdop.update.model.Channel;
import com.cmdop.update.support.Cli;
import com.cmdop.update.support.Sandbox;
import com.cmdop.update.support.TestFeed;
import com.cmdop.update.support.Trees;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #10 point 1: {@code --verify} on a workstation, with the feed and key on the command line, and no
 * false tamper alarm in the agent's log for a file someone checks by hand.
 */
class VerifyAnyFileTest {
    private static final byte[] V11 = "#!/bin/sh\necho cmdop v1.1.0\n".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path root;

    @TempDir
    Path feedDir;

    @TempDir
    Path downloads;

    private TestFeed feed;
    private Sandbox machine;

    @BeforeEach
    void feedWhoseStableChannelIsV11() {
        feed = new TestFeed(feedDir);
        feed.release("v1.0.0", "#!/bin/sh\necho cmdop v1.0.0\n".getBytes(StandardCharsets.UTF_8));
        feed.release("v1.1.0", V11);
        feed.point(Channel.STABLE, "v1.1.0");
        machine = new Sandbox(root, new Cli());
    }

    @Test
    void aWorkstationWithNoConfigVerifiesWithTheFeedAndKeyGivenAndWritesNothing() throws IOException {
        Path file = Files.write(downloads.resolve("cmdop"), V11);
        Map<String, String> before = Trees.snapshot(root);

        Cli.Result r = machine.run("--verify", file.toString(), "--feed", feedDir.toString(), "--trusted-key",
                feed.publicKey());

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.json().path("verified").path("version").asText()).isEqualTo("v1.1.0");
        assertThat(r.json().path("verified").path("key_id").asText()).isNotEmpty();
        assertThat(Trees.snapshot(root)).as("a check with flags writes nothing on the machine").isEqualTo(before);
    }

    @Test
    void aFileNoSignedReleaseListsIs80WithoutACriticalLineInTheAgentsLog() throws IOException {
        Path file = Files.write(downloads.resolve("cmdop"), "something else".getBytes(StandardCharsets.UTF_8));

        Cli.Result r = machine.run("--verify", file.toString(), "--feed", feedDir.toString(), "--trusted-key",
                feed.publicKey());

        assertThat(r.exit()).as(r.toString()).isEqualTo(80);
        assertThat(root.resolve("var/log/cmdop/agent.log")).as("a hand-run check of some file is not the agent "
                + "being tampered with").doesNotExist();
    }

    @Test
    void theInstalledAgentThatMatchesNothingIsStillATamperFinding() throws IOException {
        machine.writeConfig(feed.configRestartingNothing("stable"));
        assertThat(machine.run().exit()).isZero();
        Files.writeString(machine.agent(), "#!/bin/sh\necho patched\n");

        Cli.Result r = machine.run("--verify", machine.agent().toString());

        assertThat(r.exit()).as(r.toString()).isEqualTo(80);
        assertThat(Files.readString(root.resolve("var/log/cmdop/agent.log"))).contains("CRITICAL update: tamper-detected");
    }
}
