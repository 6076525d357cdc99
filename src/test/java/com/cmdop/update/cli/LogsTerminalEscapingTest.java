package com.cmdop.update.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.cmdop.update.support.Cli;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue #9.6: {@code logs} shows a hostile line of the agent log with its control characters escaped. */
class LogsTerminalEscapingTest {
    @TempDir
    Path root;

    @Test
    void terminalEscapesInALogLineAreShownNotSent() throws IOException {
        Path log = root.resolve("var/log/cmdop/agent.log");
        Files.createDirectories(log.getParent());
        Files.writeString(log, "2026-11-27T10:00:00Z INFO update: name \u001b]0;owned\u0007\u001b[2J\u009b31m C:\\x\n");

        Cli.Result r = new Cli().run("--root", root.toString(), "logs");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).doesNotContain("\u001b").doesNotContain("\u0007").doesNotContain("\u009b")
                .contains("update: name \\x1b]0;owned\\x07\\x1b[2J\\x9b31m C:\\x");
    }
}
