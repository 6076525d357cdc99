package com.cmdop.update.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.cmdop.update.model.Channel;
import com.cmdop.update.support.Cli;
import com.cmdop.update.support.Sandbox;
import com.cmdop.update.support.TestFeed;
import com.cmdop.update.support.Trees;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import com.cmdop.update.service.RestartResult;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The install lifecycle through the CLI in-process, the way Main runs it: update, pin, rollback and the
 * scheduled run, against a signed directory feed (no restart configured: the heartbeat path has its own
 * tests in the install engine).
 */
class LifecycleInProcessTest {
    private static final byte[] V1 = TestFeed.agent("v1.0.0");
    private static final byte[] V2 = TestFeed.agent("v1.1.0");

    @TempDir
    Path root;

    @TempDir
    Path feedDir;

    private TestFeed feed;
    private final Cli cli = new Cli();
    private Sandbox machine;

    @BeforeEach
    void signedFeedWithTwoReleases() throws IOException {
        machine = new Sandbox(root, cli);
        feed = new TestFeed(feedDir).twoReleasesStableAtTheFirst();
        machine.writeConfig(feed.configRestartingNothing("stable"));
    }

    @Test
    void anUpdateInstallsTheChannelsVersionAndRecordsTheCheck() throws IOException {
        Cli.Result r = machine.run();

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(Files.readAllBytes(machine.agent())).isEqualTo(V1);
        JsonNode json = r.json();
        assertThat(json.path("changed").asBoolean()).isTrue();
        assertThat(json.path("agent").path("installed_version").asText()).isEqualTo("v1.0.0");
        assertThat(machine.state().path("last_check").path("result").asText()).isEqualTo("ok");
        assertThat(machine.state().path("last_check").path("time").asText()).isEqualTo("2026-11-27T10:00:00Z");
    }

    @Test
    void aPinInstallsThePinnedVersionAndRollbackGoesBackOneStep() throws IOException {
        assertThat(machine.run().exit()).isZero();

        Cli.Result pinned = machine.run("--pin", "v1.1.0");
        assertThat(pinned.exit()).as(pinned.toString()).isZero();
        assertThat(Files.readAllBytes(machine.agent())).isEqualTo(V2);
        assertThat(Files.readString(machine.config())).contains("pin: v1.1.0");
        assertThat(pinned.json().path("agent").path("previous_version").asText()).isEqualTo("v1.0.0");

        Cli.Result back = machine.run("--rollback");
        assertThat(back.exit()).as(back.toString()).isZero();
        assertThat(Files.readAllBytes(machine.agent())).isEqualTo(V1);
        assertThat(back.json().path("actions").get(0).path("id").asText()).isEqualTo("rollback");
    }

    @Test
    void aHandReplacedBinaryIsDriftThatConvergeRepairs() throws IOException {
        assertThat(machine.run().exit()).isZero();
        Files.writeString(machine.agent(), "#!/bin/sh\necho replaced by hand\n");

        Cli.Result check = machine.runWithStdin("channel: stable\n", "converge",
                "--state", "-", "--check", "--detailed-exitcode");
        assertThat(check.exit()).as(check.toString()).isEqualTo(2);
        assertThat(check.json().path("drift").toString()).contains("\"setting\":\"binary\"")
                .contains("\"before\":\"modified\"");
        assertThat(check.json().path("agent").path("binary").asText()).isEqualTo("modified");

        Cli.Result repair = machine.runWithStdin("channel: stable\n", "converge",
                "--state", "-");
        assertThat(repair.exit()).as(repair.toString()).isZero();
        assertThat(Files.readAllBytes(machine.agent())).isEqualTo(V1);
        assertThat(repair.json().path("agent").path("binary").asText()).isEqualTo("signed");
        assertThat(repair.json().path("actions").findValuesAsText("message"))
                .anyMatch(m -> m.contains("replaced outside cmdop-update"))
                .anyMatch(m -> m.contains("reinstall the signed v1.0.0"));
    }

    @Test
    void aHeldMachineKeepsItsCustomBinaryThroughConvergeAndUpdates() throws IOException {
        assertThat(machine.run().exit()).isZero();
        assertThat(machine.run("--hold").exit()).isZero();
        byte[] fork = TestFeed.agent("v1.0.0-acme.1");
        Files.write(machine.agent(), fork);
        feed.point(Channel.STABLE, "v1.1.0");

        Cli.Result converge = machine.runWithStdin("hold: true\nchannel: stable\n", "converge", "--state", "-", "--detailed-exitcode");
        assertThat(converge.exit()).as(converge.toString()).isZero();
        Cli.Result update = machine.run();
        assertThat(update.exit()).as(update.toString()).isZero();
        assertThat(update.json().path("warnings").toString()).contains("held");
        assertThat(Files.readAllBytes(machine.agent())).isEqualTo(fork);
        Cli.Result status = machine.run("status");
        assertThat(status.json().path("agent").path("held").asBoolean()).isTrue();
        assertThat(status.json().path("agent").path("binary").asText()).isEqualTo("custom");
        assertThat(machine.run("--hold", "--pin", "v1.1.0").exit()).isEqualTo(64);
    }

    /**
     * A stand-in for {@code systemctl restart}: the "agent" at install_path comes up and writes its heartbeat,
     * unless it is a release whose agent never comes up (its script says so). No process, no real sleep.
     */
    private static RestartResult restartTheAgent(Path root) {
        try {
            String agent = Files.readString(root.resolve("usr/local/bin/cmdop"));
            if (!agent.contains("never-comes-up")) {
                String version = agent.replaceAll("(?s).*echo cmdop (v[0-9.]+).*", "$1");
                Path hb = root.resolve("var/lib/cmdop/heartbeat.json");
                Files.createDirectories(hb.getParent());
                Files.writeString(hb, "{\"version\": \"" + version + "\", \"time\": \"" + Cli.NOW + "\", \"pid\": 1}");
            }
            return new RestartResult(true, 0, false, "", null);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aReleaseWhoseHeartbeatNeverComesIsRolledBackAndQuarantinedInProcess() throws IOException {
        AtomicLong nanos = new AtomicLong();
        cli.seams(s -> s.withRestartRunner((argv, env, out, timeout) -> restartTheAgent(root))
                .withSleeper(d -> nanos.addAndGet(d.toNanos()), nanos::get));
        feed.release("v1.2.0", "#!/bin/sh\necho cmdop v1.2.0 never-comes-up\n".getBytes(StandardCharsets.UTF_8));
        machine.writeConfig(feed.config("stable") + "  service:\n    restart: [systemctl, restart, cmdop-agent]\n"
                + "    heartbeat_timeout: 30s\n");
        assertThat(machine.run().exit()).isZero();

        Cli.Result bad = machine.run("--version", "v1.2.0");

        assertThat(bad.exit()).as(bad.toString()).isEqualTo(81);
        assertThat(bad.json().path("error").path("code").asText()).isEqualTo("HEALTH_CHECK_FAILED");
        assertThat(Files.readAllBytes(machine.agent())).as("v1.0.0 is back").isEqualTo(V1);
        assertThat(machine.run("--check").json().path("quarantined").findValuesAsText("version")).containsExactly("v1.2.0");
        assertThat(nanos.get()).as("the heartbeat wait ran its 30 s on the fake clock").isGreaterThanOrEqualTo(30_000_000_000L);

        Cli.Result list = machine.run("quarantine", "list");
        assertThat(list.exit()).as(list.toString()).isZero();
        assertThat(list.json().path("quarantined").get(0).path("reason").asText()).isEqualTo("failed its health check");
        Cli.Result cleared = machine.run("quarantine", "clear", "v1.2.0");
        assertThat(cleared.exit()).as(cleared.toString()).isZero();
        assertThat(cleared.json().path("changed").asBoolean()).isTrue();
        assertThat(machine.run("quarantine", "list").json().path("quarantined")).isEmpty();
        Cli.Result again = machine.run("quarantine", "clear", "v1.2.0");
        assertThat(again.json().path("changed").asBoolean()).as("clearing twice changes nothing").isFalse();
        assertThat(Files.readString(root.resolve("var/log/cmdop/audit.jsonl"))).contains("\"action\":\"quarantine\"")
                .contains("\"outcome\":\"cleared\"");
    }

    @Test
    void aSecondRollbackReturnsToTheVersionTheFirstQuarantinedAndClearsIt() {
        assertThat(machine.run().exit()).isZero();
        assertThat(machine.run("--version", "v1.1.0").exit()).isZero();

        Cli.Result first = machine.run("--rollback");
        assertThat(first.exit()).as(first.toString()).isZero();
        assertThat(machine.run("quarantine", "list").json().path("quarantined").get(0).path("reason").asText())
                .isEqualTo("rolled back to v1.0.0 with --rollback");

        Cli.Result second = machine.run("--rollback");
        assertThat(second.exit()).as(second.toString()).isZero();
        assertThat(second.json().path("agent").path("installed_version").asText()).isEqualTo("v1.1.0");
        assertThat(machine.run("quarantine", "list").json().path("quarantined").findValuesAsText("version"))
                .as("the version rolled back to is wanted again; the one left is quarantined").containsExactly("v1.0.0");
    }

    @Test
    void aScheduledRunThatIsNotDueReadsNoFeedAndWritesNothing() throws IOException {
        machine.writeConfig("update:\n  auto: true\n  feed: " + root.resolve("no-such-feed") + "\n  trusted_keys:\n    - "
                + feed.publicKey() + "\n");
        machine.writeState("{\"last_check\": {\"time\": \"2026-11-27T09:00:00Z\", \"result\": \"ok\"}}");
        Map<String, String> before = Trees.snapshot(root);

        Cli.Result r = machine.run("--scheduled");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.json().path("msg").asText()).startsWith("no check due");
        assertThat(r.json().path("schedule").path("due").asBoolean()).isFalse();
        assertThat(Trees.snapshot(root)).as("nothing written, no feed read").isEqualTo(before);
    }

    @Test
    void aDueScheduledRunUpdatesAndRecordsTheCheck() throws IOException {
        machine.writeConfig(feed.config("stable") + "  auto: true\n  service:\n    restart: []\n");

        Cli.Result r = machine.run("--scheduled");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.json().path("schedule").path("due").asBoolean()).isTrue();
        assertThat(Files.readAllBytes(machine.agent())).isEqualTo(V1);
        assertThat(machine.state().path("last_check").path("result").asText()).isEqualTo("ok");
        assertThat(Files.readString(root.resolve("var/log/cmdop/audit.jsonl"))).contains("\"actor\":\"scheduled\"");
    }

    @Test
    void aDueScheduledRunThatFailsRecordsTheFailureAndItsCode() throws IOException {
        machine.writeConfig("update:\n  auto: true\n  feed: " + root.resolve("no-such-feed") + "\n  trusted_keys:\n    - "
                + feed.publicKey() + "\n");

        Cli.Result r = machine.run("--scheduled");

        assertThat(r.exit()).as(r.toString()).isEqualTo(69);
        assertThat(machine.state().path("last_check").path("result").asText()).isEqualTo("failed");
        assertThat(machine.state().path("last_check").path("error").asText()).isEqualTo("FEED_UNAVAILABLE");
        assertThat(machine.run("status").json().path("schedule").path("last_error").asText())
                .isEqualTo("FEED_UNAVAILABLE");
    }
}
