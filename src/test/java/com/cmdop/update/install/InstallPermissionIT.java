package com.cmdop.update.install;

import static org.assertj.core.api.Assertions.assertThat;

import com.cmdop.update.support.ReadableCopy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An install into a directory this user may not write fails with 77 before anything is downloaded or
 * changed, and says how to fix it. Root writes anywhere, so when the tests run as root the install runs
 * as uid 65534 (setpriv), on the shaded jar plus the test classes (the user's Maven repository is not
 * readable by that user).
 */
class InstallPermissionIT {
    @TempDir
    Path root;

    @TempDir
    Path work;

    @Test
    void anInstallDirectoryThisUserMayNotWriteIs77AndNothingIsChanged() throws Exception {
        FakeMachine m = new FakeMachine(root, work);
        byte[] old = FakeMachine.agent("v1.2.3");
        m.handInstall(old);
        FakeMachine.Artifact a = FakeMachine.artifact("v1.2.4");
        Path artifact = work.resolve("artifact");
        Files.write(artifact, a.bytes());
        List<String> prefix = new ArrayList<>();
        if ("root".equals(System.getProperty("user.name"))) {
            // the data and log directories are the unprivileged user's; install_path's directory stays root's 0755
            for (Path d : List.of(m.dataDir(), m.agentLog().getParent())) {
                Files.createDirectories(d);
                exec("chown", "-R", "65534:65534", d.toString());
            }
            readableByOthers(root);
            readableByOthers(work);
            prefix.addAll(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"));
        } else {
            m.installPath().getParent().toFile().setWritable(false);
        }
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:TieredStopAtLevel=1",
                "-cp", ReadableCopy.of(jar()) + ":" + ReadableCopy.of(testClasses()), CrashChild.class.getName(), "install", root.toString(),
                artifact.toString(), "v1.2.4", a.expected().sha256()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().remove("CMDOP_ROOT");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();

        assertThat(p.exitValue()).as(out).isEqualTo(77);
        assertThat(out).contains("PERMISSION_DENIED").contains("cannot write to install_path's directory")
                .contains("run as a user who may write there").contains("install_path: ~/.local/bin/cmdop");
        assertThat(m.installPath()).hasBinaryContent(old);
        assertThat(m.leftovers()).isEmpty();
        assertThat(m.dataDir().resolve("journal.json")).doesNotExist();
        assertThat(m.cacheEntries()).isEmpty();
        assertThat(m.agentLogLines()).noneMatch(l -> l.contains("download:"));
    }

    private static Path jar() {
        Path jar = Path.of(System.getProperty("cmdop.jar", "target/cmdop-update.jar")).toAbsolutePath();
        assertThat(jar).as("the shaded jar (built by mvn package before the *IT tests)").exists();
        return jar;
    }

    private static Path testClasses() throws Exception {
        return Path.of(CrashChild.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    /** The temp directories are 0700; the unprivileged user must reach and read them. */
    private static void readableByOthers(Path dir) throws IOException, InterruptedException {
        for (Path p = dir; p != null && p.getParent() != null; p = p.getParent()) {
            exec("chmod", "o+rx", p.toString());
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.toList()) {
                exec("chmod", "o+r" + (Files.isDirectory(p) || Files.isExecutable(p) ? "x" : ""), p.toString());
            }
        }
    }

    private static void exec(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).inheritIO().start();
        assertThat(p.waitFor()).as(String.join(" ", cmd)).isZero();
    }
}
