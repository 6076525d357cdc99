package com.cmdop.update.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.cmdop.update.support.Cli;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoCommandTest {
    @TempDir
    Path tmp;

    @Test
    void theDemoRunsEveryStepAsDescribedAndRemovesItsSandbox() throws IOException {
        Path tmpdir = Path.of(System.getProperty("java.io.tmpdir"));
        long before = countDemoDirs(tmpdir);
        Cli.Result r = new Cli().run("demo");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).contains("== 1. Drift check").contains("(exit 2)").contains("(exit 65)")
                .contains("config.yaml untouched by the second run: true")
                .contains("(exit 81)").contains("(exit 80)").contains("tamper-detected reason=HASH_MISMATCH")
                .contains("installed v1.1.0 (verified); previous v1.0.0")
                .contains("Demo finished: every step behaved as described.");
        assertThat(countDemoDirs(tmpdir)).isEqualTo(before);
    }

    @Test
    void aGivenDirIsKeptForInspectionAndJsonListsTheSteps() {
        Path dir = tmp.resolve("demo");
        Cli.Result r = new Cli().run("demo", "--dir", dir.toString(), "--json");
        assertThat(r.exit()).as(r.toString()).isZero();
        JsonNode j = r.json();
        assertThat(j.get("steps")).hasSizeGreaterThanOrEqualTo(24);
        j.get("steps").forEach(s -> assertThat(s.get("exit_code")).isEqualTo(s.get("expected_exit_code")));
        assertThat(dir.resolve("machine/etc/cmdop/config.yaml")).exists();
    }

    @Test
    void aNonEmptyDirIsRefused() throws IOException {
        Files.writeString(tmp.resolve("precious.txt"), "x");
        Cli.Result r = new Cli().run("demo", "--dir", tmp.toString());
        assertThat(r.exit()).isEqualTo(64);
        assertThat(tmp.resolve("precious.txt")).hasContent("x");
    }

    private static long countDemoDirs(Path tmpdir) throws IOException {
        try (Stream<Path> s = Files.list(tmpdir)) {
            return s.filter(p -> p.getFileName().toString().startsWith("cmdop-demo-")).count();
        }
    }
}
