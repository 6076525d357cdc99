package com.cmdop.update.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.cmdop.update.support.Cli;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #13 point 1: non-root mode. The user layout (XDG paths) with --user, or by itself when not root
 * and no --root/--config names the machine; a systemd user timer where the user's manager runs, else a
 * marked block in the user's crontab that keeps the user's own lines.
 */
class UserModeTest {
    @TempDir
    Path root;

    private final Cli cli = new Cli().env("HOME", "/home/ann").env("USER", "ann");

    private Path crontab() {
        return root.resolve("var/spool/cron/crontabs/ann");
    }

    @Test
    void statusShowsTheUserLayoutAndItsXdgPaths() {
        Cli.Result r = cli.env("XDG_STATE_HOME", "/home/ann/state").run("--root", root.toString(), "--user",
                "status", "--json");
        assertThat(r.exit()).as(r.toString()).isZero();
        JsonNode j = r.json();
        assertThat(j.path("mode").asText()).isEqualTo("user");
        JsonNode p = j.path("paths");
        assertThat(p.path("config").asText()).isEqualTo(root + "/home/ann/.config/cmdop/config.yaml");
        assertThat(p.path("install_path").asText()).isEqualTo(root + "/home/ann/.local/bin/cmdop");
        assertThat(p.path("data_dir").asText()).isEqualTo(root + "/home/ann/state/cmdop/update");
        assertThat(p.path("log_file").asText()).isEqualTo(root + "/home/ann/state/cmdop/agent.log");
        assertThat(p.path("audit_file").asText()).isEqualTo(root + "/home/ann/state/cmdop/audit.jsonl");
        assertThat(p.path("heartbeat_file").asText()).isEqualTo(root + "/home/ann/state/cmdop/heartbeat.json");
        assertThat(j.path("schedule").path("kind").asText()).isEqualTo("crontab");
    }

    @Test
    void aSettingInConfigYamlStillWinsOverTheLayout() throws IOException {
        Path config = root.resolve("home/ann/.config/cmdop/config.yaml");
        Files.createDirectories(config.getParent());
        Files.writeString(config, "update:\n  install_path: ~/bin/cmdop\n");
        Cli.Result r = cli.run("--root", root.toString(), "--user", "status", "--json");
        assertThat(r.json().path("paths").path("install_path").asText()).isEqualTo(root + "/home/ann/bin/cmdop");
        assertThat(r.json().path("paths").path("data_dir").asText()).isEqualTo(root + "/home/ann/.local/state/cmdop/update");
    }

    @Test
    void theSystemLayoutStaysWithRootOrWithoutUser() {
        Cli.Result r = cli.run("--root", root.toString(), "status", "--json");
        assertThat(r.json().path("mode").asText()).isEqualTo("system");
        assertThat(r.json().path("paths").path("config").asText()).isEqualTo(root + "/etc/cmdop/config.yaml");
    }

    @Test
    void notRootAndNoRootOrConfigGivenIsUserModeByItself() throws IOException {
        Path home = Files.createDirectories(root.resolve("realhome"));
        Cli.Result r = new Cli().env("HOME", home.toString()).seams(s -> s.withDisk(s.disk(), 1000))
                .run("status", "--json");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.json().path("mode").asText()).isEqualTo("user");
        assertThat(r.json().path("paths").path("config").asText()).isEqualTo(home + "/.config/cmdop/config.yaml");

        Cli.Result withRoot = new Cli().env("HOME", home.toString()).seams(s -> s.withDisk(s.disk(), 1000))
                .run("--root", root.toString(), "status", "--json");
        assertThat(withRoot.json().path("mode").asText()).isEqualTo("system");
    }

    @Test
    void autoOnWritesAMarkedCrontabBlockKeepingTheUsersLinesAndAutoOffRemovesOnlyIt() throws IOException {
        Files.createDirectories(crontab().getParent());
        String mine = "# my jobs\nMAILTO=ann\n0 3 * * * /home/ann/backup.sh\n";
        Files.writeString(crontab(), mine);

        Cli.Result on = cli.run("--root", root.toString(), "--user", "--json", "--auto", "on", "--interval", "12h");
        assertThat(on.exit()).as(on.toString()).isZero();
        String tab = Files.readString(crontab());
        assertThat(tab).startsWith(mine).contains("# BEGIN cmdop-update").contains("# END cmdop-update")
                .contains("*/15 * * * * ").contains("--scheduled --root " + root).contains("--user")
                .contains(">>" + root + "/home/ann/.local/state/cmdop/agent.log 2>&1").doesNotContain("/dev/null");
        assertThat(Files.readString(root.resolve("home/ann/.config/cmdop/config.yaml"))).contains("auto: true");

        Cli.Result again = cli.run("--root", root.toString(), "--user", "--json", "--auto", "on", "--interval", "12h");
        assertThat(again.json().path("changed").asBoolean()).as(again.toString()).isFalse();
        assertThat(Files.readString(crontab())).isEqualTo(tab);

        assertThat(cli.run("--root", root.toString(), "--user", "--auto", "off").exit()).isZero();
        assertThat(Files.readString(crontab())).isEqualTo(mine);
    }

    @Test
    void aRunningUserManagerGetsAUserTimerInstead() throws IOException {
        Files.createDirectories(root.resolve("run/user/1000/systemd"));
        Files.writeString(root.resolve("run/user/1000/systemd/private"), "");
        Cli.Result on = cli.env("XDG_RUNTIME_DIR", "/run/user/1000").env("XDG_CONFIG_HOME", "/home/ann/conf")
                .run("--root", root.toString(), "--user", "--json", "--auto", "on");
        assertThat(on.exit()).as(on.toString()).isZero();
        Path units = root.resolve("home/ann/conf/systemd/user");
        assertThat(Files.readString(units.resolve("cmdop-update.service"))).contains("ExecStart=")
                .contains("--scheduled").contains("--user");
        assertThat(Files.readString(units.resolve("cmdop-update.timer"))).contains("OnUnitActiveSec=15min")
                .contains("WantedBy=timers.target");
        assertThat(crontab()).doesNotExist();
        Cli.Result st = cli.env("XDG_RUNTIME_DIR", "/run/user/1000").env("XDG_CONFIG_HOME", "/home/ann/conf")
                .run("--root", root.toString(), "--user", "status", "--json");
        assertThat(st.json().path("schedule").path("kind").asText()).isEqualTo("systemd-user");
        assertThat(st.json().path("schedule").path("entry").asText()).isEqualTo("current");
        assertThat(st.json().path("paths").path("scheduler").asText()).isEqualTo(units.toString());
    }

    @Test
    void withoutHomeUserModeSaysWhatToSet() {
        Cli.Result r = new Cli().run("--root", root.toString(), "--user", "status", "--json");
        assertThat(r.exit()).isEqualTo(64);
        assertThat(r.json().path("error").path("message").asText()).contains("HOME");
    }
}
