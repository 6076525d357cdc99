package com.cmdop.update.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.cmdop.update.model.Channel;
import com.cmdop.update.model.Version;
import com.cmdop.update.release.manifest.ReleaseManifest;
import com.cmdop.update.support.Cli;
import com.cmdop.update.support.TestFeed;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #9.6: a signed advisory is still outside input. Shown by {@code --check} on a terminal, its control
 * characters are escaped, so it cannot clear the screen, retitle the window or fake more output lines.
 */
class HostileAdvisoryTerminalTest {
    @TempDir
    Path root;

    @TempDir
    Path feedDir;

    @Test
    void anAdvisoryWithTerminalEscapesIsShownEscaped() throws IOException {
        TestFeed feed = new TestFeed(feedDir);
        feed.release("v1.2.4", "agent 1.2.4".getBytes(StandardCharsets.UTF_8), new com.cmdop.update.model.Advisory(
                "CMDOP-2026-02", "high", "leak\u001b[2J\u001b]0;pwned\u0007\nwarning: all clear", Version.parse("v1.2.4")));
        feed.point(Channel.STABLE, "v1.2.4");
        Files.createDirectories(root.resolve("etc/cmdop"));
        Files.writeString(root.resolve("etc/cmdop/config.yaml"), feed.config("stable"));

        Cli.Result r = new Cli().run("--root", root.toString(), "--check");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out() + r.err()).doesNotContain("\u001b").doesNotContain("\u0007");
        assertThat(r.out()).contains("leak\\x1b[2J\\x1b]0;pwned\\x07\\nwarning: all clear");
        assertThat(r.out().lines()).noneMatch(l -> l.startsWith("warning: all clear"));
    }
}
