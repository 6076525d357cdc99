package com.cmdop.update.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.cmdop.update.support.Cli;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoCommandTest {
    @TempDir
    Path tmp;

    @Test
    void theDemoRunsEveryStepAsDescribedAndRemovesItsSandbox() throws IOException {
        Cli.Result r = new Cli().run("demo");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).contains("== 1. Drift check").contains("(exit 2)").contains("(exit 65)")
                .contains("config.yaml untouched by the second run: true")
                .contains("(exit 81)").contains("(exit 80)").contains("tamper-detected reason=HASH_MISMATCH")
                .contains("installed v1.1.0 (verified); previous ")
                .contains("Demo finished: every step behaved as described.");
        // the sandbox it names is gone (not a count of temp dirs: other processes may run demos too)
        Matcher m = Pattern.compile("throwaway machine root at (\\S+)/machine").matcher(r.out());
        assertThat(m.find()).as(r.out()).isTrue();
        assertThat(Path.of(m.group(1))).doesNotExist();
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
}
