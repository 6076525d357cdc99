package com.cmdop.update.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.cmdop.update.model.Advisory;
import com.cmdop.update.model.Channel;
import com.cmdop.update.model.Version;
import com.cmdop.update.support.Cli;
import com.cmdop.update.support.Sandbox;
import com.cmdop.update.support.TestFeed;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #10 points 1, 3 and 6 on the client: the signed releases/index.json finds any published binary and
 * every advisory that affects the installed version, however far the channel moved; it is read with the
 * channels' anti-rollback and expiry rules; a feed without it keeps working.
 */
class ReleaseIndexClientTest {
    private static final byte[] V142 = "#!/bin/sh\necho cmdop v1.4.2\n".getBytes(StandardCharsets.UTF_8);
    private static final byte[] V143 = "#!/bin/sh\necho cmdop v1.4.3\n".getBytes(StandardCharsets.UTF_8);
    private static final byte[] V150 = "#!/bin/sh\necho cmdop v1.5.0\n".getBytes(StandardCharsets.UTF_8);
    private static final Advisory CRITICAL = new Advisory("CMDOP-2026-1", "critical", "token leak in the relay",
            Version.parse("v1.4.3"));

    @TempDir
    Path root;

    @TempDir
    Path feedDir;

    @TempDir
    Path downloads;

    private TestFeed feed;
    private Sandbox machine;

    /** v1.4.2 installed and pinned; v1.4.3 fixed a critical advisory; the channel has moved on to v1.5.0. */
    @BeforeEach
    void pinnedMachineAndAChannelThatMovedPastTheFix() {
        feed = new TestFeed(feedDir);
        feed.release("v1.4.2", V142);
        feed.release("v1.4.3", V143, CRITICAL);
        feed.release("v1.5.0", V150);
        feed.point(Channel.STABLE, "v1.4.2");
        machine = new Sandbox(root, new Cli());
        machine.writeConfig(feed.configRestartingNothing("stable"));
        assertThat(machine.run("--pin", "v1.4.2").exit()).isZero();
        feed.point(Channel.STABLE, "v1.4.3");
        feed.point(Channel.STABLE, "v1.5.0");
    }

    private static List<String> ids(JsonNode advisories) {
        List<String> out = new ArrayList<>();
        advisories.forEach(a -> out.add(a.get("id").asText() + " affects_installed=" + a.get("affects_installed")));
        return out;
    }

    @Test
    void aPinnedMachineHearsTheAdvisoryAfterTheChannelMovedPastTheFix() {
        feed.index(1);

        Cli.Result check = machine.run("--check", "--detailed-exitcode");
        assertThat(check.exit()).as(check.toString()).isEqualTo(2);
        JsonNode a = check.json().get("advisories");
        assertThat(ids(a)).containsExactly("CMDOP-2026-1 affects_installed=true");
        assertThat(a.get(0).get("severity").asText()).isEqualTo("critical");
        assertThat(a.get(0).get("fixed_in").asText()).isEqualTo("v1.4.3");
        assertThat(a.get(0).get("summary").asText()).isEqualTo("token leak in the relay");

        Cli.Result converge = machine.runWithStdin("pin: v1.4.2\n", "converge", "--state", "-");
        assertThat(converge.exit()).as(converge.toString()).isZero();
        assertThat(ids(converge.json().get("advisories"))).containsExactly("CMDOP-2026-1 affects_installed=true");
    }

    @Test
    void aConvergeInSyncThatReadsTheAdvisoriesStillWritesNothingTheSecondTime() {
        feed.index(1);
        assertThat(machine.runWithStdin("pin: v1.4.2\n", "converge", "--state", "-").exit()).isZero();
        java.util.Map<String, String> before = com.cmdop.update.support.Trees.snapshot(root);

        Cli.Result again = machine.runWithStdin("pin: v1.4.2\n", "converge", "--state", "-");

        assertThat(again.exit()).as(again.toString()).isZero();
        assertThat(again.json().get("advisories")).hasSize(1);
        assertThat(com.cmdop.update.support.Trees.snapshot(root)).isEqualTo(before);
    }

    @Test
    void anUpdateThatInstallsTheFixReportsTheAdvisoryAsNoLongerAffectingIt() {
        feed.index(1);
        assertThat(machine.run("--unpin").exit()).isZero();

        Cli.Result update = machine.run();

        assertThat(update.exit()).as(update.toString()).isZero();
        assertThat(ids(update.json().get("advisories"))).containsExactly("CMDOP-2026-1 affects_installed=false");
    }

    @Test
    void aFeedWithoutIndexStillWorksWithTheChannelReleasesAdvisoriesOnly() {
        Cli.Result check = machine.run("--check", "--detailed-exitcode");

        assertThat(check.exit()).as("v1.5.0 fixes nothing, and nothing else is known without the index")
                .isZero();
        assertThat(check.json().get("advisories")).isEmpty();
    }

    @Test
    void aReplayedOlderIndexIsRefusedLikeAReplayedChannel() throws IOException {
        feed.index(5);
        assertThat(machine.run("--check").exit()).isZero();
        feed.index(4);

        Cli.Result r = machine.run("--check");

        assertThat(r.exit()).as(r.toString()).isEqualTo(80);
        assertThat(r.json().get("error").get("code").asText()).isEqualTo("ROLLBACK_ATTACK");
        assertThat(Files.readString(root.resolve("var/log/cmdop/agent.log")))
                .contains("CRITICAL update: tamper-detected reason=ROLLBACK_ATTACK");
    }

    @Test
    void anExpiredIndexIsAPossibleFreezeAttack() {
        feed.index(1, Cli.NOW.minusSeconds(1));

        Cli.Result r = machine.run("--check");

        assertThat(r.exit()).as(r.toString()).isEqualTo(69);
        assertThat(r.json().get("error").get("code").asText()).isEqualTo("MANIFEST_EXPIRED");
    }

    @Test
    void anIndexLargerThanItsCapIsRefusedBeforeItIsParsed() {
        feed.writeSigned("releases/index.json", new byte[2 * 1024 * 1024]);

        Cli.Result r = machine.run("--check");

        assertThat(r.exit()).as(r.toString()).isEqualTo(80);
        assertThat(r.json().get("error").get("code").asText()).isEqualTo("LENGTH_EXCEEDED");
    }

    @Test
    void verifyFindsAGenuineBinaryOfAnOlderReleaseSavedUnderAnyName() throws IOException {
        // issue #10.1: a genuine v1.4.3 saved as ./cmdop was called tampered (not in the channel's or installed SUMS)
        feed.index(1);
        Path file = Files.write(downloads.resolve("cmdop"), V143);

        Path workstation = Files.createDirectories(downloads.resolve("workstation"));
        Cli.Result r = new Sandbox(workstation, new Cli()).run("--verify", file.toString(),
                "--feed", feedDir.toString(), "--trusted-key", feed.publicKey());

        assertThat(r.exit()).as(r.toString()).isZero();
        JsonNode v = r.json().get("verified");
        assertThat(v.get("version").asText()).isEqualTo("v1.4.3");
        assertThat(v.get("platform").asText()).isEqualTo(com.cmdop.update.model.Platform.current().toString());
        assertThat(v.get("key_id").asText()).isNotEmpty();
    }

    @Test
    void verifyOfBytesNoReleaseListsIs80() throws IOException {
        feed.index(1);
        Path file = Files.write(downloads.resolve("cmdop"), "patched".getBytes(StandardCharsets.UTF_8));

        Cli.Result r = machine.run("--verify", file.toString());

        assertThat(r.exit()).as(r.toString()).isEqualTo(80);
        assertThat(r.json().get("error").get("message").asText()).contains("releases/index.json")
                .contains("3 releases searched");
    }
}
