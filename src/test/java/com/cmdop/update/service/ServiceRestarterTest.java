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
}
