package com.cmdop.update.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.cmdop.update.support.Cli;
import com.cmdop.update.support.Sandbox;
import com.cmdop.update.support.TestFeed;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #13.3: {@code install_path} and every {@code service} key in a desired state, with config.yaml's
 * validation; a changed install_path puts the agent at the new path and leaves the old binary alone.
 */
class DesiredServiceKeysTest {
    private static final byte[] V1 = TestFeed.agent("v1.0.0");
    private static final byte[] V2 = TestFeed.agent("v1.1.0");

    @TempDir
    Path root;

    @TempDir
    Path feedDir;

    private final Cli cli = new Cli();
    private Sandbox machine;

    @BeforeEach
    void signedFeed() throws IOException {
        machine = new Sandbox(root, cli);
        TestFeed feed = new TestFeed(feedDir).twoReleasesStableAtTheFirst();
        machine.writeConfig(feed.configRestartingNothing("stable"));
    }

    @Test
    void everyServiceKeyConvergesAndASecondRunIsInSync() throws IOException {
        String state = "service:\n  restart: [/bin/true]\n  heartbeat_file: none\n  heartbeat_timeout: 7s\n"
                + "  restart_timeout: 20s\n";
        Cli.Result check = machine.runWithStdin(state, "converge", "--state", "-", "--check");
        assertThat(check.exit()).as(check.toString()).isZero();
        assertThat(check.json().path("drift").findValuesAsText("setting")).containsExactly("service.heartbeat_file",
                "service.heartbeat_timeout", "service.restart", "service.restart_timeout");

        Cli.Result first = machine.runWithStdin(state, "converge", "--state", "-");
        assertThat(first.exit()).as(first.toString()).isZero();
        assertThat(first.json().path("changed").asBoolean()).isTrue();
        assertThat(first.json().path("after").path("service.heartbeat_timeout").asText()).isEqualTo("7s");
        assertThat(Files.readString(machine.config())).contains("heartbeat_timeout: 7s").contains("restart_timeout: 20s")
                .contains("heartbeat_file: none");

        Cli.Result second = machine.runWithStdin(state, "converge", "--state", "-");
        assertThat(second.json().path("changed").asBoolean()).as(second.toString()).isFalse();
        assertThat(second.json().path("drift")).isEmpty();
    }

    @Test
    void aBadServiceValueFailsWithTheConfigsRuleAndChangesNothing() throws IOException {
        byte[] before = Files.readAllBytes(machine.config());
        Cli.Result r = machine.runWithStdin("service:\n  heartbeat_timeout: 2h\n", "converge", "--state", "-");
        assertThat(r.exit()).as(r.toString()).isEqualTo(65);
        assertThat(r.json().path("error").path("message").asText()).contains("service.heartbeat_timeout");
        Cli.Result p = machine.runWithStdin("install_path: relative/cmdop\n", "converge", "--state", "-");
        assertThat(p.exit()).as(p.toString()).isEqualTo(65);
        assertThat(p.json().path("error").path("message").asText()).contains("install_path");
        assertThat(Files.readAllBytes(machine.config())).isEqualTo(before);
    }

    @Test
    void aChangedInstallPathInstallsTheVersionThereAndLeavesTheOldBinary() throws IOException {
        assertThat(machine.run().exit()).isZero();
        Path old = machine.agent();
        Path moved = root.resolve("opt/cmdop/bin/cmdop");

        Cli.Result check = machine.runWithStdin("install_path: /opt/cmdop/bin/cmdop\n", "converge", "--state", "-",
                "--check");
        assertThat(check.exit()).as(check.toString()).isZero();
        assertThat(check.json().path("drift").findValuesAsText("setting")).contains("install_path");
        assertThat(moved).doesNotExist();

        Cli.Result r = machine.runWithStdin("install_path: /opt/cmdop/bin/cmdop\n", "converge", "--state", "-");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(Files.readAllBytes(moved)).isEqualTo(V1);
        assertThat(Files.readAllBytes(old)).isEqualTo(V1);
        assertThat(r.json().path("warnings").toString()).contains("left").contains(old.toString().substring(
                root.toString().length()));
        assertThat(r.json().path("agent").path("installed_version").asText()).isEqualTo("v1.0.0");

        Cli.Result again = machine.runWithStdin("install_path: /opt/cmdop/bin/cmdop\n", "converge", "--state", "-");
        assertThat(again.json().path("changed").asBoolean()).as(again.toString()).isFalse();
    }

    @Test
    void aChangedInstallPathWithAPinInstallsThePinThere() throws IOException {
        assertThat(machine.run().exit()).isZero();
        Cli.Result r = machine.runWithStdin("install_path: /opt/cmdop/bin/cmdop\npin: v1.1.0\n", "converge",
                "--state", "-");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(Files.readAllBytes(root.resolve("opt/cmdop/bin/cmdop"))).isEqualTo(V2);
        assertThat(Files.readAllBytes(machine.agent())).isEqualTo(V1);
        assertThat(r.json().path("agent").path("installed_version").asText()).isEqualTo("v1.1.0");
    }
}
