package com.cmdop.update.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.cmdop.update.support.Cli;
import com.cmdop.update.support.Trees;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The settings flags of SPEC section 3, in-process through the same factory as Main. */
class SettingsCommandsTest {
    @TempDir
    Path root;

    private final Cli cli = new Cli();

    private Path config() {
        return root.resolve("etc/cmdop/config.yaml");
    }

    @Test
    void channelIsPersistedAndReported() throws IOException {
        Cli.Result r = cli.run("--root", root.toString(), "--channel", "beta", "--json");
        assertThat(r.exit()).as(r.toString()).isZero();
        JsonNode j = r.json();
        assertThat(j.get("command").asText()).isEqualTo("channel");
        assertThat(j.get("status").asText()).isEqualTo("changed");
        assertThat(j.get("after").get("channel").asText()).isEqualTo("beta");
        assertThat(Files.readString(config())).isEqualTo("update:\n  channel: beta\n");
    }

    private static final String KEY_A = "RWQf6LRCGA9i53mlYecO4IzT51TGPpvWucNSCh1CBM0QTaLn73Y7GFO3";
    private static final String KEY_B = "RWTAPRT2Y3mFZI5d4C8t7Jz86bVb2RvpRDuVB6XS5Fk+qbAfHXJEDlp0";

    @Test
    void everyDesiredStateKeyHasAFlag() throws IOException {
        Cli.Result r = cli.run("--root", root.toString(), "--json", "--window", "Sat 01:00-05:00", "--feed",
                "https://releases.example.com/cmdop", "--trusted-key", KEY_A, "--trusted-key", KEY_B);
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.json().get("after").get("window").asText()).isEqualTo("Sat 01:00-05:00");
        assertThat(r.json().get("after").get("trusted_keys")).hasSize(2);
        assertThat(Files.readString(config())).contains("window: \"Sat 01:00-05:00\"")
                .contains("feed: https://releases.example.com/cmdop").contains("- " + KEY_A).contains("- " + KEY_B);

        Cli.Result none = cli.run("--root", root.toString(), "--json", "--window", "none", "--feed", "none",
                "--trusted-key", KEY_B);
        assertThat(none.exit()).as(none.toString()).isZero();
        assertThat(Files.readString(config())).contains("window: null").contains("feed: null")
                .doesNotContain(KEY_A).contains("- " + KEY_B);
    }

    @Test
    void aBadFlagValueNamesTheFlag() {
        Cli.Result r = cli.run("--root", root.toString(), "--json", "--window", "someday");
        assertThat(r.exit()).isEqualTo(64);
        assertThat(r.json().path("error").path("message").asText()).startsWith("command line: --window: ");
        assertThat(cli.run("--root", root.toString(), "--trusted-key", "not-a-key").exit()).isEqualTo(64);
    }

    @Test
    void autoOnWritesTheCronEntryAndAutoOffRemovesIt() throws IOException {
        assertThat(cli.run("--root", root.toString(), "--auto", "on", "--interval", "24h").exit()).isZero();
        Path cron = root.resolve("etc/cron.d/cmdop-update");
        assertThat(Files.readString(cron)).contains("*/15 * * * * root").contains("--scheduled --root " + root);
        assertThat(Files.readString(config())).contains("auto: true").contains("interval: 24h");
        assertThat(cli.run("--root", root.toString(), "--auto", "off").exit()).isZero();
        assertThat(cron).doesNotExist();
    }

    @Test
    void autoOnUsesSystemdUnitsWhenSystemdRunsTheMachine() throws IOException {
        Files.createDirectories(root.resolve("run/systemd/system"));
        assertThat(cli.run("--root", root.toString(), "--auto", "on").exit()).isZero();
        assertThat(Files.readString(root.resolve("etc/systemd/system/cmdop-update.timer")))
                .contains("OnUnitActiveSec=15min");
        assertThat(Files.readString(root.resolve("etc/systemd/system/cmdop-update.service")))
                .contains("ExecStart=").contains("--scheduled");
        assertThat(root.resolve("etc/cron.d/cmdop-update")).doesNotExist();
    }

    @Test
    void aPinWithoutAFeedFailsBeforeChangingAnything() throws IOException {
        Files.createDirectories(config().getParent());
        Files.writeString(config(), "update:\n  channel: stable\n");
        Map<String, String> before = Trees.snapshot(root);
        Cli.Result r = cli.run("--root", root.toString(), "--pin", "1.2.3", "--json");
        assertThat(r.exit()).as(r.toString()).isEqualTo(65);
        assertThat(r.json().get("error").get("message").asText()).contains("update.feed").contains("is not set");
        assertThat(Files.readString(config())).isEqualTo("update:\n  channel: stable\n");
        Map<String, String> after = Trees.snapshot(root);
        after.keySet().removeIf(k -> k.startsWith("var"));
        before.keySet().removeIf(k -> k.startsWith("var"));
        assertThat(after).isEqualTo(before);
    }

    @Test
    void unpinRemovesThePin() throws IOException {
        Files.createDirectories(config().getParent());
        Files.writeString(config(), "update:\n  pin: v1.2.3\n");
        Cli.Result r = cli.run("--root", root.toString(), "--unpin", "--json");
        assertThat(r.exit()).isZero();
        assertThat(r.json().get("drift").get(0).get("setting").asText()).isEqualTo("pin");
        assertThat(Files.readString(config())).contains("pin: null");
    }

    @Test
    void aSecondIdenticalRunChangesNothingAndWritesNothing() {
        cli.run("--root", root.toString(), "--channel", "nightly", "--auto", "on");
        Map<String, String> before = Trees.snapshot(root);
        Cli.Result r = cli.run("--root", root.toString(), "--channel", "nightly", "--auto", "on", "--json",
                "--detailed-exitcode");
        assertThat(r.exit()).isZero();
        assertThat(r.json().get("changed").asBoolean()).isFalse();
        assertThat(r.json().get("status").asText()).isEqualTo("unchanged");
        assertThat(Trees.snapshot(root)).isEqualTo(before);
    }

    @Test
    void detailedExitcodeIsTwoWhenSomethingChanged() {
        Cli.Result r = cli.run("--root", root.toString(), "--channel", "beta", "--detailed-exitcode", "--json");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.json().get("exit_code").asInt()).isEqualTo(2);
    }

    @Test
    void everySettingChangeIsLoggedAndAudited() throws IOException {
        cli.run("--root", root.toString(), "--channel", "beta");
        String log = Files.readString(root.resolve("var/log/cmdop/agent.log"));
        assertThat(log).matches("2026-11-27T10:00:00Z INFO update: channel stable -> beta\n");
        String audit = Files.readString(root.resolve("var/log/cmdop/audit.jsonl"));
        JsonNode line = new com.fasterxml.jackson.databind.ObjectMapper().readTree(audit);
        assertThat(line.get("event").asText()).isEqualTo("agent_update");
        assertThat(line.get("action").asText()).isEqualTo("set-channel");
        assertThat(line.get("from").asText()).isEqualTo("stable");
        assertThat(line.get("to").asText()).isEqualTo("beta");
        assertThat(line.get("actor").asText()).isEqualTo("cli");
        assertThat(line.get("run_id").asText()).hasSize(16);
        assertThat(line.fieldNames()).toIterable().containsExactly("event", "time", "action", "outcome", "from", "to",
                "channel", "actor", "reason", "key_id", "sha256", "run_id");
    }

    @Test
    void cmdopRootFromTheEnvironmentIsUsedWhenNoRootIsGiven() {
        Cli.Result r = new Cli().env("CMDOP_ROOT", root.toString()).run("--channel", "beta");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(config()).exists();
    }

    @Test
    void globalOptionsWorkBeforeAndAfterTheSubcommand() {
        assertThat(cli.run("--root", root.toString(), "--json", "status").json().get("command").asText())
                .isEqualTo("status");
        assertThat(cli.run("status", "--root", root.toString(), "--json").json().get("command").asText())
                .isEqualTo("status");
    }

    @Test
    void anExplicitConfigFileIsUsedAsGivenAndNotReRooted(@TempDir Path elsewhere) throws IOException {
        Path cfg = elsewhere.resolve("my.yaml");
        Files.writeString(cfg, "# mine\nupdate:\n  channel: stable\n");
        assertThat(cli.run("--root", root.toString(), "--config", cfg.toString(), "--channel", "beta").exit()).isZero();
        assertThat(Files.readString(cfg)).isEqualTo("# mine\nupdate:\n  channel: beta\n");
        assertThat(config()).doesNotExist();
    }
}
