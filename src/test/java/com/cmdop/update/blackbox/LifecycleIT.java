package com.cmdop.update.blackbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.cmdop.update.release.feed.FaultyFeedServer;
import com.cmdop.update.model.Platform;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #4 end to end through the shipped jar, against a feed made by {@code release publish}, with a
 * fake agent whose restart writes the heartbeat: update, pin, converge, rollback, a release whose
 * heartbeat never comes, a tampered artifact, concurrent runs, and a feed served over loopback HTTP.
 */
class LifecycleIT {
    @TempDir
    Path work;

    private Path root;
    private Path feed;
    private Path key;
    private String platform;

    @BeforeEach
    void publishedFeedAndMachine() throws Exception {
        platform = Platform.current().toString();
        root = Files.createDirectories(work.resolve("machine"));
        feed = work.resolve("feed");
        ok(run("release", "keygen", "--out", work.resolve("keys").toString(), "--unencrypted"));
        key = work.resolve("keys/cmdop.key");
        publish("v1.2.3", true, "stable");
        publish("v1.2.4", true, null);
        Path restart = copyResource("/install/restart.sh", work.resolve("restart.sh"));
        configure(feed.toString(), restart, "5s");
    }

    private void configure(String feedLocation, Path restart, String heartbeatTimeout) throws IOException {
        String pub = Files.readAllLines(work.resolve("keys/cmdop.pub")).get(1);
        Files.createDirectories(root.resolve("etc/cmdop"));
        Files.writeString(root.resolve("etc/cmdop/config.yaml"), "update:\n  channel: stable\n  feed: " + feedLocation
                + "\n  trusted_keys:\n    - " + pub + "\n  service:\n    restart: [" + restart + "]\n"
                + "    heartbeat_timeout: " + heartbeatTimeout + "\n");
    }

    private void publish(String version, boolean healthy, String channel, String... extra) throws Exception {
        Path agent = work.resolve("agent-" + version);
        String script = resource("/install/fake-agent.sh").replace("@VERSION@", version)
                .replace("@HEARTBEAT@", healthy ? version : "");
        Files.writeString(agent, script);
        Files.setPosixFilePermissions(agent, PosixFilePermissions.fromString("rwxr-xr-x"));
        List<String> args = new java.util.ArrayList<>(List.of("release", "publish", "--feed", feed.toString(), "--key",
                key.toString(), "--version", version, "--artifact", platform + "=" + agent));
        if (channel != null) {
            args.add("--channel");
            args.add(channel);
        }
        args.addAll(List.of(extra));
        ok(run(args.toArray(String[]::new)));
    }

    private JarProcess.Result run(String... args) throws Exception {
        return JarProcess.run("", Map.of(), args);
    }

    private JarProcess.Result onMachine(String... args) throws Exception {
        String[] all = new String[args.length + 3];
        all[0] = "--root";
        all[1] = root.toString();
        all[2] = "--json";
        System.arraycopy(args, 0, all, 3, args.length);
        return run(all);
    }

    private JarProcess.Result converge(String state, String... extra) throws Exception {
        String[] all = new String[6 + extra.length];
        System.arraycopy(new String[] {"--root", root.toString(), "--json", "converge", "--state", "-"}, 0, all, 0, 6);
        System.arraycopy(extra, 0, all, 6, extra.length);
        return JarProcess.run(state, Map.of(), all);
    }

    private static JarProcess.Result ok(JarProcess.Result r) {
        assertThat(r.exit()).as(r.toString()).isZero();
        return r;
    }

    private String agentVersion() throws Exception {
        Process p = new ProcessBuilder(root.resolve("usr/local/bin/cmdop").toString(), "--version").start();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    }

    @Test
    void updateInstallsTheChannelsVersionAndStatusShowsItVerified() throws Exception {
        JsonNode r = ok(onMachine()).json();
        assertThat(r.get("command").asText()).isEqualTo("update");
        assertThat(r.get("changed").asBoolean()).isTrue();
        assertThat(agentVersion()).startsWith("cmdop v1.2.3");
        JsonNode status = ok(onMachine("status")).json();
        assertThat(status.get("agent").get("installed_version").asText()).isEqualTo("v1.2.3");
        assertThat(status.get("agent").get("installed_verified").asBoolean()).isTrue();
        assertThat(Files.readString(root.resolve("var/log/cmdop/audit.jsonl"))).contains("\"action\":\"swap\"");
    }

    @Test
    void convergeWithAPinInstallsItAndASecondRunChangesNothing() throws Exception {
        JsonNode first = ok(converge("pin: v1.2.4\n")).json();
        assertThat(first.get("drift").toString()).contains("\"setting\":\"version\"");
        assertThat(agentVersion()).startsWith("cmdop v1.2.4");
        JsonNode second = ok(converge("pin: v1.2.4\n", "--detailed-exitcode")).json();
        assertThat(second.get("changed").asBoolean()).isFalse();
        assertThat(second.get("drift")).isEmpty();
    }

    @Test
    void rollbackReturnsToThePreviousBinaryAndQuarantinesTheOneItLeft() throws Exception {
        ok(onMachine());
        ok(onMachine("--version", "v1.2.4"));
        JsonNode r = ok(onMachine("--rollback")).json();
        assertThat(r.get("agent").get("installed_version").asText()).isEqualTo("v1.2.3");
        assertThat(agentVersion()).startsWith("cmdop v1.2.3");
        JsonNode status = ok(onMachine("status")).json();
        assertThat(status.get("quarantined").findValuesAsText("version")).contains("v1.2.4");
    }

    @Test
    void rollbackWithNothingCachedIsExit65AndChangesNothing() throws Exception {
        JarProcess.Result r = onMachine("--rollback");
        assertThat(r.exit()).isEqualTo(65);
        assertThat(r.json().get("error").get("code").asText()).isEqualTo("ROLLBACK_UNAVAILABLE");
    }

    @Test
    void aReleaseWhoseHeartbeatNeverComesIsRolledBackWithExit81() throws Exception {
        ok(onMachine());
        publish("v1.3.0", false, "stable");
        JarProcess.Result r = onMachine();
        assertThat(r.exit()).as(r.toString()).isEqualTo(81);
        assertThat(r.json().get("error").get("code").asText()).isEqualTo("HEALTH_CHECK_FAILED");
        assertThat(agentVersion()).startsWith("cmdop v1.2.3");
        // the next update does not put the bad version straight back
        JsonNode again = ok(onMachine()).json();
        assertThat(again.get("changed").asBoolean()).isFalse();
        assertThat(again.get("warnings").toString()).contains("quarantined");
    }

    @Test
    void aFirstInstallThatFailsItsHealthCheckKeepsTheBinaryExits81AndSaysSo() throws Exception {
        // issue #10.4: an agent that writes no heartbeat file; the first install used to remove the binary again
        publish("v1.3.0", false, "stable");
        JarProcess.Result r = onMachine();
        assertThat(r.exit()).as(r.toString()).isEqualTo(81);
        JsonNode error = r.json().get("error");
        assertThat(error.get("code").asText()).isEqualTo("HEALTH_CHECK_FAILED");
        assertThat(error.get("message").asText()).contains("kept installed").contains("nothing to go back to");
        assertThat(error.get("details").get("kept_installed").asBoolean()).isTrue();
        assertThat(agentVersion()).startsWith("cmdop v1.3.0");
        assertThat(ok(onMachine("status")).json().get("agent").get("installed_version").asText()).isEqualTo("v1.3.0");
    }

    @Test
    void aHealthCheckCommandFromADesiredStateJudgesAnAgentThatWritesNoHeartbeat() throws Exception {
        // the agent never writes the heartbeat file; a probe that fits it (here: "is the binary runnable") does
        publish("v1.3.0", false, "stable");
        String state = "service:\n  health_check: [sh, -c, '\"$CMDOP_ROOT/usr/local/bin/cmdop\" --version']\n";
        Files.writeString(root.resolve("etc/cmdop/config.yaml"), Files.readString(root.resolve("etc/cmdop/config.yaml"))
                + "    heartbeat_file: none\n");
        JsonNode r = ok(converge(state)).json();
        assertThat(r.get("drift").toString()).contains("\"setting\":\"service.health_check\"");
        assertThat(Files.readString(root.resolve("etc/cmdop/config.yaml"))).contains("health_check:");
        JsonNode update = ok(onMachine()).json();
        assertThat(update.get("changed").asBoolean()).isTrue();
        assertThat(agentVersion()).startsWith("cmdop v1.3.0");
        assertThat(Files.readString(root.resolve("var/log/cmdop/audit.jsonl"))).contains("\"action\":\"health-check\"");
        assertThat(ok(converge(state, "--detailed-exitcode")).json().get("drift")).isEmpty();
    }

    @Test
    void aPinnedMachineHearsAnAdvisoryFixedInAReleaseTheChannelMovedPast() throws Exception {
        // issue #10.3, as reported: pinned at v1.2.4; v1.2.5 fixes a critical advisory; stable moves on to v1.3.0
        ok(converge("pin: v1.2.4\n"));
        publish("v1.2.5", true, "stable", "--advisory", "CMDOP-2026-1:critical:token leak in the relay");
        publish("v1.3.0", true, "stable");

        JarProcess.Result check = onMachine("--check", "--detailed-exitcode");
        assertThat(check.exit()).as(check.toString()).isEqualTo(2);
        JsonNode a = check.json().get("advisories").get(0);
        assertThat(a.get("id").asText()).isEqualTo("CMDOP-2026-1");
        assertThat(a.get("fixed_in").asText()).isEqualTo("v1.2.5");
        assertThat(a.get("affects_installed").asBoolean()).isTrue();
        JsonNode converged = ok(converge("pin: v1.2.4\n")).json();
        assertThat(converged.get("advisories").toString()).contains("CMDOP-2026-1");
    }

    @Test
    void verifyFindsAGenuineOlderReleaseSavedAsCmdopOnAWorkstationWithNoConfig() throws Exception {
        // issue #10.1, as reported: a genuine signed binary that is no channel's head, saved as ./cmdop
        publish("v1.3.0", true, "stable");
        Path saved = Files.copy(feed.resolve("releases/v1.2.4/" + Platform.current().artifactFileName("v1.2.4")),
                work.resolve("cmdop"));
        Path workstation = Files.createDirectories(work.resolve("workstation"));
        String pub = Files.readAllLines(work.resolve("keys/cmdop.pub")).get(1);

        JarProcess.Result r = run("--root", workstation.toString(), "--json", "--verify", saved.toString(), "--feed",
                feed.toString(), "--trusted-key", pub);

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.json().get("verified").get("version").asText()).isEqualTo("v1.2.4");
        assertThat(r.json().get("verified").get("platform").asText()).isEqualTo(platform);
        try (var files = Files.walk(workstation)) {
            assertThat(files.count()).as("nothing written on the workstation").isEqualTo(1);
        }
    }

    @Test
    void aTamperedArtifactOfTheRightLengthIsRefusedWithExit80() throws Exception {
        ok(onMachine());
        Path artifact = feed.resolve("releases/v1.2.4/" + Platform.current().artifactFileName("v1.2.4"));
        byte[] b = Files.readAllBytes(artifact);
        b[b.length / 2] ^= 0x01;
        Files.write(artifact, b);
        JarProcess.Result r = onMachine("--version", "v1.2.4");
        assertThat(r.exit()).isEqualTo(80);
        assertThat(r.json().get("error").get("code").asText()).isEqualTo("HASH_MISMATCH");
        assertThat(agentVersion()).startsWith("cmdop v1.2.3");
        assertThat(Files.readString(root.resolve("var/log/cmdop/agent.log")))
                .contains("CRITICAL update: tamper-detected reason=HASH_MISMATCH");
    }

    @Test
    void ofTwoConcurrentUpdatesOneProceedsAndTheOtherExits75() throws Exception {
        // a restart that takes 14 s keeps the first run inside the lock longer than the second will wait
        Path slow = work.resolve("slow-restart.sh");
        Files.writeString(slow, "#!/bin/sh\nsleep 14\nexec " + work.resolve("restart.sh") + "\n");
        Files.setPosixFilePermissions(slow, PosixFilePermissions.fromString("rwxr-xr-x"));
        configure(feed.toString(), slow, "30s");
        CompletableFuture<JarProcess.Result> first = CompletableFuture.supplyAsync(() -> {
            try {
                return onMachine();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Path lockHolderStarted = root.resolve("var/lib/cmdop/update/journal.json");
        for (int i = 0; i < 200 && !Files.exists(lockHolderStarted); i++) {
            Thread.sleep(50); // wait for the first run to be inside its swap (poll, not a timing assertion)
        }
        JarProcess.Result second = onMachine("--version", "v1.2.4");
        assertThat(second.exit()).as(second.toString()).isEqualTo(75);
        assertThat(second.json().get("error").get("code").asText()).isEqualTo("LOCKED");
        assertThat(first.get(60, TimeUnit.SECONDS).exit()).isZero();
        assertThat(agentVersion()).startsWith("cmdop v1.2.3");
    }

    @Test
    void theFeedWorksOverLoopbackHttp() throws Exception {
        try (FaultyFeedServer server = FaultyFeedServer.serving(feed)) {
            configure(server.baseUri().toString(), work.resolve("restart.sh"), "5s");
            JsonNode check = ok(onMachine("--check")).json();
            assertThat(check.get("agent").get("available_version").asText()).isEqualTo("v1.2.3");
            ok(onMachine());
            assertThat(agentVersion()).startsWith("cmdop v1.2.3");
            JsonNode verified = ok(onMachine("--verify", root.resolve("usr/local/bin/cmdop").toString())).json();
            assertThat(verified.get("verified").get("version").asText()).isEqualTo("v1.2.3");
        }
    }

    @Test
    void aVersionThatIsNotInADirectoryFeedIsVersionNotFound() throws Exception {
        JarProcess.Result r = onMachine("--pin", "v9.9.9");
        assertThat(r.exit()).as(r.toString()).isEqualTo(65);
        assertThat(r.json().get("error").get("code").asText()).isEqualTo("VERSION_NOT_FOUND");
        assertThat(Files.readString(root.resolve("etc/cmdop/config.yaml"))).doesNotContain("pin:");
    }

    @Test
    void feedAndKeysGivenInTheSameDesiredStateAreUsedForTheInstall() throws Exception {
        String pub = Files.readAllLines(work.resolve("keys/cmdop.pub")).get(1);
        Files.writeString(root.resolve("etc/cmdop/config.yaml"), "update:\n  service:\n    restart: ["
                + work.resolve("restart.sh") + "]\n");
        JsonNode r = ok(converge("{\"pin\": \"v1.2.4\", \"feed\": \"" + feed + "\", \"trusted_keys\": [\"" + pub
                + "\"]}")).json();
        assertThat(r.get("changed").asBoolean()).isTrue();
        assertThat(agentVersion()).startsWith("cmdop v1.2.4");
    }

    @Test
    void reportsOfInstallsCarryTheWholeAgentBlockAndCheckModeShowsTheTargetVersion() throws Exception {
        ok(onMachine());
        JsonNode check = ok(converge("pin: v1.2.4\n", "--check")).json();
        assertThat(check.get("after").get("version").asText()).isEqualTo("v1.2.4");
        assertThat(check.get("before").get("version").asText()).isEqualTo("v1.2.3");
        JsonNode r = ok(onMachine("--pin", "v1.2.4")).json();
        JsonNode agent = r.get("agent");
        assertThat(agent.get("installed_version").asText()).isEqualTo("v1.2.4");
        assertThat(agent.get("installed_verified").asBoolean()).isTrue();
        assertThat(agent.get("previous_version").asText()).isEqualTo("v1.2.3");
        assertThat(agent.get("previous_expires").isNull()).isFalse();
    }

    @Test
    void aFailedPinInstallRecordsNoPinAndItsReportKeepsItsContext() throws Exception {
        ok(onMachine());
        publish("v1.3.0", false, null);
        JarProcess.Result r = onMachine("--pin", "v1.3.0");
        assertThat(r.exit()).isEqualTo(81);
        JsonNode j = r.json();
        assertThat(j.get("changed").asBoolean()).isFalse();
        assertThat(j.get("command").asText()).isEqualTo("pin");
        assertThat(j.get("desired").get("pin").asText()).isEqualTo("v1.3.0");
        assertThat(j.get("duration_ms").asLong()).isGreaterThan(1000);
        assertThat(Files.readString(root.resolve("etc/cmdop/config.yaml"))).doesNotContain("pin:");
    }

    @Test
    void theTerraformDataSourceReportsThePreviousVersion() throws Exception {
        ok(onMachine());
        ok(onMachine("--version", "v1.2.4"));
        JarProcess.Result r = JarProcess.run("{\"root\": \"" + root + "\"}", Map.of(), "status", "--terraform");
        assertThat(r.json().get("installed_version").asText()).isEqualTo("v1.2.4");
        assertThat(r.json().get("previous_version").asText()).isEqualTo("v1.2.3");
    }

    private static String resource(String name) throws IOException {
        try (var in = LifecycleIT.class.getResourceAsStream(name)) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static Path copyResource(String name, Path to) throws IOException {
        Files.writeString(to, resource(name));
        Files.setPosixFilePermissions(to, PosixFilePermissions.fromString("rwxr-xr-x"));
        return to;
    }
}
