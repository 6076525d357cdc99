package com.cmdop.update.blackbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.cmdop.update.model.Platform;
import com.cmdop.update.support.ReadableCopy;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #13 point 1 through the jar, as a real unprivileged user (uid 65534 when the tests run as root):
 * with no --root, no --config and no path overrides, the user schedules auto-update (a block in their
 * crontab: there is no systemd user manager here), the crontab's own line installs the agent into
 * ~/.local/bin, and a manual run updates it. {@code crontab} is a stand-in on PATH that keeps the crontab in
 * a file, as cron's own command would.
 */
class UserModeIT {
    private static final boolean ROOT = "root".equals(System.getProperty("user.name"));

    @TempDir
    Path work;

    private Path shared;
    private Path home;
    private Path feed;
    private Path key;
    private Map<String, String> env;

    @BeforeEach
    void aUserWithAHomeAndAFeed() throws Exception {
        shared = Files.createTempDirectory("cmdop-user-it-");
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxr-xr-x"));
        home = Files.createDirectories(shared.resolve("home"));
        feed = shared.resolve("feed");
        ok(JarProcess.run("", Map.of(), "release", "keygen", "--out", work.resolve("keys").toString(), "--unencrypted"));
        key = work.resolve("keys/cmdop.key");
        publish("v1.2.3");

        Path bin = Files.createDirectories(home.resolve("bin"));
        script(bin.resolve("crontab"), """
                #!/bin/sh
                # stand-in for cron's crontab: -l prints it, - replaces it from stdin
                tab="$HOME/crontab.txt"
                case "$1" in
                  -l) [ -f "$tab" ] || { echo "no crontab for $USER" >&2; exit 1; }; cat "$tab" ;;
                  -) cat > "$tab" ;;
                  *) exit 2 ;;
                esac
                """);
        Path jar = ReadableCopy.of(JarProcess.jar());
        script(bin.resolve("cmdop-update"), "#!/bin/sh\nexec " + Path.of(System.getProperty("java.home"), "bin", "java")
                + " -XX:TieredStopAtLevel=1 -jar " + jar.toAbsolutePath() + " \"$@\"\n");
        script(home.resolve("restart.sh"), """
                #!/bin/sh
                # the user's agent "restarts" and writes its heartbeat where the user layout expects it
                v=$("$HOME/.local/bin/cmdop" --heartbeat-version) || exit 1
                mkdir -p "$HOME/.local/state/cmdop"
                printf '{"version": "%s", "time": "%s", "pid": %s}\\n' "$v" "$(date -u +%Y-%m-%dT%H:%M:%S.%NZ)" "$$" \\
                  > "$HOME/.local/state/cmdop/heartbeat.tmp"
                mv "$HOME/.local/state/cmdop/heartbeat.tmp" "$HOME/.local/state/cmdop/heartbeat.json"
                """);
        String pub = Files.readAllLines(work.resolve("keys/cmdop.pub")).get(1);
        Path config = home.resolve(".config/cmdop/config.yaml");
        Files.createDirectories(config.getParent());
        Files.writeString(config, "update:\n  feed: " + feed + "\n  trusted_keys:\n    - " + pub
                + "\n  service:\n    restart: [" + home.resolve("restart.sh") + "]\n    heartbeat_timeout: 10s\n");
        if (ROOT) {
            exec("chown", "-R", "65534:65534", home.toString());
        }
        env = Map.of("HOME", home.toString(), "USER", "nobody", "LOGNAME", "nobody",
                "PATH", bin + ":/usr/bin:/bin", "CMDOP_UPDATE_LAUNCHER", bin.resolve("cmdop-update").toString());
    }

    @AfterEach
    void cleanUp() throws Exception {
        exec("rm", "-rf", shared.toString());
    }

    @Test
    void aUserSchedulesInstallsAndUpdatesIntoTheirHomeWithNoOverrides() throws Exception {
        JarProcess.Result on = asUser("--json", "--auto", "on");
        assertThat(on.exit()).as(on.toString()).isZero();
        String tab = Files.readString(home.resolve("crontab.txt"));
        assertThat(tab).contains("# BEGIN cmdop-update").contains("--scheduled --user --quiet")
                .contains(">>" + home + "/.local/state/cmdop/agent.log 2>&1");

        // what cron runs: the crontab's own line, through sh, as the user
        String line = tab.lines().filter(l -> l.startsWith("*/15 ")).findFirst().orElseThrow();
        ProcessBuilder pb = new ProcessBuilder(withPrefix("sh", "-c", line.substring("*/15 * * * * ".length())))
                .redirectErrorStream(true).redirectOutput(work.resolve("cron.out").toFile());
        pb.environment().clear();
        Process cron = pb.start();
        assertThat(cron.waitFor(90, TimeUnit.SECONDS)).isTrue();
        assertThat(cron.exitValue()).as(Files.readString(work.resolve("cron.out"))).isZero();
        assertThat(agentVersion()).startsWith("cmdop v1.2.3");

        publish("v1.2.4");
        JarProcess.Result update = asUser("--json");
        assertThat(update.exit()).as(update.toString()).isZero();
        assertThat(agentVersion()).startsWith("cmdop v1.2.4");

        JsonNode status = asUser("status", "--json").json();
        assertThat(status.path("mode").asText()).isEqualTo("user");
        assertThat(status.path("paths").path("install_path").asText()).isEqualTo(home + "/.local/bin/cmdop");
        assertThat(status.path("schedule").path("kind").asText()).isEqualTo("crontab");
        assertThat(status.path("schedule").path("entry").asText()).isEqualTo("current");
        assertThat(status.path("agent").path("installed_version").asText()).isEqualTo("v1.2.4");
        assertThat(home.resolve(".local/state/cmdop/update/state.json")).exists();
        assertThat(Files.readString(home.resolve(".local/state/cmdop/audit.jsonl"))).contains("\"action\":\"swap\"");
    }

    private JarProcess.Result asUser(String... args) throws Exception {
        return JarProcess.run(prefix(), "", env, args);
    }

    private List<String> prefix() {
        return ROOT ? List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--") : List.of();
    }

    private List<String> withPrefix(String... cmd) {
        List<String> all = new ArrayList<>(prefix());
        all.add("env");
        env.forEach((k, v) -> all.add(k + "=" + v));
        all.addAll(List.of(cmd));
        return all;
    }

    private void publish(String version) throws Exception {
        Path agent = work.resolve("agent-" + version);
        script(agent, resource("/install/fake-agent.sh").replace("@VERSION@", version).replace("@HEARTBEAT@", version));
        ok(JarProcess.run("", Map.of(), "release", "publish", "--feed", feed.toString(), "--key", key.toString(),
                "--version", version, "--artifact", Platform.current() + "=" + agent, "--channel", "stable"));
        exec("chmod", "-R", "a+rX", feed.toString());
    }

    private String agentVersion() throws Exception {
        Process p = new ProcessBuilder(home.resolve(".local/bin/cmdop").toString(), "--version").start();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    }

    private static void script(Path file, String text) throws IOException {
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private static String resource(String name) throws IOException {
        try (var in = UserModeIT.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static JarProcess.Result ok(JarProcess.Result r) {
        assertThat(r.exit()).as(r.toString()).isZero();
        return r;
    }

    private static void exec(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).inheritIO().start();
        assertThat(p.waitFor()).as(String.join(" ", cmd)).isZero();
    }
}
