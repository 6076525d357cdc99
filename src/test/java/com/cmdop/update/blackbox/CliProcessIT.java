package com.cmdop.update.blackbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shipped jar as a process: exit codes, stdout JSON, stderr. */
class CliProcessIT {
    @TempDir
    Path root;

    @Test
    void toolVersionAndHelpWork() throws Exception {
        JarProcess.Result v = JarProcess.run("", Map.of(), "-V");
        assertThat(v.exit()).isZero();
        assertThat(v.out()).matches("cmdop-update \\d+\\.\\d+\\.\\d+.*\\n");
        JarProcess.Result help = JarProcess.run("", Map.of(), "--help");
        assertThat(help.exit()).isZero();
        assertThat(help.out()).contains("Examples:").contains("cmdop-update --pin v1.2.3").contains("converge")
                .contains("Exit status:");
        JarProcess.Result convergeHelp = JarProcess.run("", Map.of(), "converge", "--help");
        assertThat(convergeHelp.out()).contains("--state").contains("drift check");
    }

    @Test
    void convergeThenCheckThroughStdinAsAnsibleDoes() throws Exception {
        String state = "{\"channel\": \"beta\", \"auto\": true, \"interval\": \"12h\"}";
        JarProcess.Result first = JarProcess.run(state, Map.of(), "converge", "--state", "-", "--json", "--root",
                root.toString());
        assertThat(first.exit()).as(first.toString()).isZero();
        assertThat(first.json().get("changed").asBoolean()).isTrue();
        assertThat(first.err()).isEmpty();

        JarProcess.Result check = JarProcess.run(state, Map.of(), "converge", "--state", "-", "--json", "--check",
                "--detailed-exitcode", "--root", root.toString());
        assertThat(check.exit()).as(check.toString()).isZero();
        assertThat(check.json().get("in_sync").asBoolean()).isTrue();
        assertThat(check.json().get("exit_code").asInt()).isZero();
    }

    @Test
    void badInputExits65WithOneJsonDocumentAndAStderrLine() throws Exception {
        JarProcess.Result r = JarProcess.run("interval: 5\n", Map.of(), "--root", root.toString(), "converge",
                "--state", "-", "--json");
        assertThat(r.exit()).isEqualTo(65);
        assertThat(r.json().get("error").get("code").asText()).isEqualTo("INVALID_INPUT");
        assertThat(r.json().get("exit_code").asInt()).isEqualTo(65);
        assertThat(r.err().strip().lines()).hasSize(1);
        assertThat(r.err()).contains("interval");
    }

    @Test
    void usageErrorsExit64EvenInJsonMode() throws Exception {
        JarProcess.Result r = JarProcess.run("", Map.of(), "--json", "--frobnicate");
        assertThat(r.exit()).isEqualTo(64);
        assertThat(r.json().get("error").get("code").asText()).isEqualTo("USAGE");
    }

    @Test
    void aSecondProcessWaitsForTheLockAndExits75() throws Exception {
        Path lockFile = root.resolve("var/lib/cmdop/update/lock");
        Files.createDirectories(lockFile.getParent());
        try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock held = ch.lock()) {
            long start = System.nanoTime();
            JarProcess.Result r = JarProcess.run("", Map.of(), "--root", root.toString(), "--channel", "beta", "--json");
            long waitedMs = (System.nanoTime() - start) / 1_000_000;
            assertThat(r.exit()).as(r.toString()).isEqualTo(75);
            assertThat(r.json().get("error").get("code").asText()).isEqualTo("LOCKED");
            // SPEC: others wait up to 10 s, then exit 75 (a functional bound, not a performance threshold)
            assertThat(waitedMs).isGreaterThanOrEqualTo(10_000);
            assertThat(held.isValid()).isTrue();
        }
        assertThat(root.resolve("etc/cmdop/config.yaml")).doesNotExist();
    }

    @Test
    void aRootThatIsNotWritableExits77AndChangesNothing() throws Exception {
        Files.createDirectories(root.resolve("etc/cmdop"));
        Files.writeString(root.resolve("etc/cmdop/config.yaml"), "update:\n  channel: stable\n");
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(root.resolve("etc/cmdop"), PosixFilePermissions.fromString("r-xr-xr-x"));
        Files.setPosixFilePermissions(root.resolve("etc"), PosixFilePermissions.fromString("r-xr-xr-x"));
        List<String> asUnprivileged = Unprivileged.prefix(root);
        JarProcess.Result r = JarProcess.run(asUnprivileged, "", Map.of(), "--root", root.toString(), "--channel",
                "beta", "--json");
        assertThat(r.exit()).as(r.toString()).isEqualTo(77);
        assertThat(r.json().get("error").get("code").asText()).isEqualTo("PERMISSION_DENIED");
        assertThat(r.json().get("error").get("message").asText()).contains("run as a user who may write there");
        assertThat(Files.readString(root.resolve("etc/cmdop/config.yaml"))).isEqualTo("update:\n  channel: stable\n");
        Files.setPosixFilePermissions(root.resolve("etc/cmdop"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(root.resolve("etc"), PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @Test
    void statusTerraformSpeaksTheExternalProtocol() throws Exception {
        JarProcess.Result r = JarProcess.run("{\"channel\":\"stable\",\"root\":\"" + root + "\"}", Map.of(), "status",
                "--terraform");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.json().get("in_sync").asText()).isEqualTo("true");
        JarProcess.Result bad = JarProcess.run("{\"channel\":\"edge\"}", Map.of(), "status", "--terraform");
        assertThat(bad.exit()).isNotZero();
        assertThat(bad.out()).isEmpty();
        assertThat(bad.err().strip().lines()).hasSize(1);
    }

    /** Root may write anywhere, so permission tests drop to an unprivileged user when run as root. */
    static final class Unprivileged {
        private Unprivileged() {}

        static List<String> prefix(Path root) throws IOException, InterruptedException {
            if (!"root".equals(System.getProperty("user.name"))) {
                return List.of();
            }
            // the test's temp dirs and the jar must be readable by that user
            for (Path p = root; p != null; p = p.getParent()) {
                if (Files.isDirectory(p) && p.getParent() != null) {
                    Process chmod = new ProcessBuilder("chmod", "o+rx", p.toString()).start();
                    chmod.waitFor();
                }
            }
            return List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--");
        }
    }
}
