package com.cmdop.update.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** service.restart: argv without a shell, CMDOP_ROOT, bounded output, exit status and timeout. */
class ServiceRestarterTest {
    @TempDir
    Path dir;

    private Path script(String body) throws IOException {
        Path p = dir.resolve("restart-" + body.hashCode() + ".sh");
        Files.writeString(p, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
        return p;
    }

    private ServiceRestarter restarter(List<String> argv, Duration timeout) {
        return new ServiceRestarter(argv, Map.of("EXTRA", "from-env"), dir.resolve("root"), dir.resolve("out/restart.out"),
                timeout);
    }

    @Test
    void theCommandRunsWithoutAShellWithCmdopRootAndItsOutputCaptured() throws IOException {
        Path s = script("echo \"root=$CMDOP_ROOT extra=$EXTRA args=$*\"; echo oops >&2");

        RestartResult r = restarter(List.of(s.toString(), "a b", "$HOME"), Duration.ofSeconds(20)).restart();

        assertThat(r.ok()).isTrue();
        assertThat(r.exitCode()).isZero();
        assertThat(r.output()).contains("root=" + dir.resolve("root")).contains("extra=from-env")
                .contains("args=a b $HOME").contains("oops");
        assertThat(Files.getPosixFilePermissions(dir.resolve("out/restart.out")))
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    }

    @Test
    void aNonZeroExitIsAFailedRestartWithTheOutputTail() throws IOException {
        Path s = script("i=0; while [ $i -lt 2000 ]; do echo \"line $i of a long failure\"; i=$((i+1)); done; exit 3");

        RestartResult r = restarter(List.of(s.toString()), Duration.ofSeconds(20)).restart();

        assertThat(r.ok()).isFalse();
        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.output().length()).isLessThanOrEqualTo(ServiceRestarter.TAIL_BYTES);
        assertThat(r.output()).contains("line 1999 of a long failure");
        assertThat(r.describe()).contains("exited 3").contains("line 1999");
    }

    @Test
    void aCommandThatHangsIsKilledAtTheTimeout() throws IOException {
        Path s = script("echo starting; exec sleep 600");

        RestartResult r = restarter(List.of(s.toString()), Duration.ofMillis(500)).restart();

        assertThat(r.ok()).isFalse();
        assertThat(r.timedOut()).isTrue();
        assertThat(r.describe()).contains("did not finish").contains("starting");
    }

    @Test
    void aCommandThatDoesNotExistIsAFailedRestartThatNamesTheSetting() {
        RestartResult r = restarter(List.of(dir.resolve("no-such-command").toString()), Duration.ofSeconds(5)).restart();

        assertThat(r.ok()).isFalse();
        assertThat(r.describe()).contains("update.service.restart");
    }

    @Test
    void anEmptyArgvMeansNoRestart() {
        assertThat(restarter(List.of(), Duration.ofSeconds(1)).enabled()).isFalse();
    }

    @Test
    void aSymlinkPlantedAsTheOutputFileIsReplacedAndItsTargetLeftIntact() throws IOException {
        Path precious = dir.resolve("precious");
        Files.writeString(precious, "root's data\n");
        Files.createDirectories(dir.resolve("out"));
        Files.createSymbolicLink(dir.resolve("out/restart.out"), precious);
        Path s = script("echo restarted");

        RestartResult r = restarter(List.of(s.toString()), Duration.ofSeconds(20)).restart();

        assertThat(r.ok()).isTrue();
        assertThat(Files.readString(precious)).isEqualTo("root's data\n");
        assertThat(Files.isSymbolicLink(dir.resolve("out/restart.out"))).isFalse();
        assertThat(r.output()).contains("restarted");
    }

    @Test
    void aRunnerReplacesTheProcessAndGetsCmdopRoot() {
        Map<String, String> seen = new java.util.HashMap<>();
        ServiceRestarter r = new ServiceRestarter(List.of("restart-it"), Map.of("EXTRA", "x"), dir.resolve("root"),
                dir.resolve("out/restart.out"), Duration.ofSeconds(1), (argv, env, out, timeout) -> {
                    seen.putAll(env);
                    return new RestartResult(true, 0, false, "", null);
                });

        assertThat(r.restart().ok()).isTrue();
        assertThat(seen).containsEntry("CMDOP_ROOT", dir.resolve("root").toString()).containsEntry("EXTRA", "x");
    }
}
