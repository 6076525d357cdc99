package com.cmdop.update.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.cmdop.update.support.Cli;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** service.health_check and service.heartbeat_file: none as settings: read, shown by status, managed by converge. */
class HealthCheckSettingsTest {
    @TempDir
    Path root;

    private final Cli cli = new Cli();

    private void config(String service) throws IOException {
        Files.createDirectories(root.resolve("etc/cmdop"));
        Files.writeString(root.resolve("etc/cmdop/config.yaml"), "update:\n  channel: stable\n  service:\n" + service);
    }

    @Test
    void statusSaysWhatJudgesARestartedAgent() throws IOException {
        config("    heartbeat_file: none\n");
        JsonNode j = cli.run("--root", root.toString(), "--json", "status").json();
        assertThat(j.get("exit_code").asInt()).as(j.toString()).isZero();
        assertThat(j.get("paths").get("heartbeat_file").isNull()).isTrue();
        assertThat(j.get("health").get("judged_by").asText()).contains("exit status only");

        config("    heartbeat_file: none\n    health_check: [systemctl, is-active, --quiet, cmdop-agent]\n");
        JsonNode h = cli.run("--root", root.toString(), "--json", "status").json().get("health");
        assertThat(h.get("judged_by").asText()).isEqualTo("service.health_check");
        assertThat(h.get("health_check").asText()).isEqualTo("systemctl is-active --quiet cmdop-agent");
    }

    @Test
    void statusTextKeepsItsValuesInOneColumnWithTheLongHealthCheckKey() throws IOException {
        config("    health_check: [systemctl, is-active, cmdop-agent]\n");
        String text = cli.run("--root", root.toString(), "status").out();
        String channel = text.lines().filter(l -> l.startsWith("  channel:")).findFirst().orElseThrow();
        String check = text.lines().filter(l -> l.startsWith("  service.health_check:")).findFirst().orElseThrow();
        assertThat(check.indexOf("[systemctl")).as(text).isEqualTo(channel.indexOf("stable"));
    }

    @Test
    void aBadHealthCheckNamesTheKeyAndTheFixAndChangesNothing() throws IOException {
        config("    health_check: systemctl is-active cmdop\n");
        byte[] before = Files.readAllBytes(root.resolve("etc/cmdop/config.yaml"));
        Cli.Result r = cli.run("--root", root.toString(), "--json", "status");
        assertThat(r.exit()).isEqualTo(65);
        assertThat(r.json().get("error").get("message").asText()).contains("update.service.health_check")
                .contains("a list of words");
        Cli.Result c = cli.runWithStdin("service:\n  health_check: [1, 2]\n", "--root", root.toString(), "--json",
                "converge", "--state", "-");
        assertThat(c.exit()).isEqualTo(65);
        assertThat(c.json().get("error").get("message").asText()).contains("service.health_check[0]");
        assertThat(Files.readAllBytes(root.resolve("etc/cmdop/config.yaml"))).isEqualTo(before);
    }

    @Test
    void convergeManagesTheHealthCheckAndASecondRunIsInSync() throws IOException {
        config("    restart: []\n");
        String state = "service:\n  health_check: [curl, -fsS, 'http://127.0.0.1:9100/healthz']\n";
        JsonNode first = cli.runWithStdin(state, "--root", root.toString(), "--json", "converge", "--state", "-").json();
        assertThat(first.get("exit_code").asInt()).as(first.toString()).isZero();
        assertThat(first.get("drift").toString()).contains("service.health_check");
        assertThat(first.get("after").get("service.health_check").toString()).contains("healthz");
        assertThat(Files.readString(root.resolve("etc/cmdop/config.yaml"))).contains("health_check:")
                .contains("restart: []");
        JsonNode second = cli.runWithStdin(state, "--root", root.toString(), "--json", "converge", "--state", "-").json();
        assertThat(second.get("changed").asBoolean()).isFalse();
        assertThat(second.get("drift")).isEmpty();
    }
}
