package com.cmdop.update.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.cmdop.update.model.Channel;
import com.cmdop.update.release.manifest.FeedLayout;
import com.cmdop.update.support.Cli;
import com.cmdop.update.support.TestFeed;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #9.5: a tamper refusal stays exit 80, with the CRITICAL line on stderr and in the JSON envelope,
 * when the agent log or the audit log cannot be written (full, read-only, or not a file at all).
 */
class RefusalWithUnwritableLogTest {
    @TempDir
    Path root;

    @TempDir
    Path feedDir;

    private final Cli cli = new Cli();

    @BeforeEach
    void aFeedWithATamperedChannelManifest() throws IOException {
        TestFeed feed = new TestFeed(feedDir);
        feed.release("v1.2.4", "agent 1.2.4".getBytes(StandardCharsets.UTF_8));
        feed.point(Channel.STABLE, "v1.2.4");
        feed.flipByte(FeedLayout.channel(Channel.STABLE), 20);
        Files.createDirectories(root.resolve("etc/cmdop"));
        Files.writeString(root.resolve("etc/cmdop/config.yaml"), feed.config("stable"));
    }

    private Path logDir() {
        return root.resolve("var/log/cmdop");
    }

    private static List<String> warnings(JsonNode j) {
        List<String> w = new ArrayList<>();
        j.get("warnings").forEach(n -> w.add(n.asText()));
        return w;
    }

    @Test
    void aRefusalWithTheAgentLogUnwritableStaysExit80WithTheCriticalLineOnStderrAndInTheEnvelope() throws IOException {
        Files.createDirectories(logDir().resolve("agent.log")); // a directory: no line can be appended
        Cli.Result r = cli.run("--root", root.toString(), "--check", "--json");
        assertThat(r.exit()).as(r.toString()).isEqualTo(80);
        JsonNode j = r.json();
        assertThat(j.get("exit_code").asInt()).isEqualTo(80);
        assertThat(j.get("error").get("code").asText()).isEqualTo("SIGNATURE_INVALID");
        assertThat(r.err()).contains(" CRITICAL update: tamper-detected reason=SIGNATURE_INVALID ");
        assertThat(warnings(j)).anyMatch(w -> w.contains("could not write the agent log"))
                .anyMatch(w -> w.contains("CRITICAL update: tamper-detected reason=SIGNATURE_INVALID"));
    }

    @Test
    void aRefusalWithBothLogsUnwritableStaysExit80InTextModeToo() throws IOException {
        Files.createDirectories(logDir().resolve("agent.log"));
        Files.createDirectories(logDir().resolve("audit.jsonl"));
        Cli.Result r = cli.run("--root", root.toString(), "--check");
        assertThat(r.exit()).as(r.toString()).isEqualTo(80);
        assertThat(r.err()).contains("CRITICAL update: tamper-detected reason=SIGNATURE_INVALID")
                .contains("[SIGNATURE_INVALID]");
    }

    @Test
    void aRefusalWithOnlyTheAuditLogUnwritableIsStillLoggedAndShown() throws IOException {
        Files.createDirectories(logDir().resolve("audit.jsonl"));
        Cli.Result r = cli.run("--root", root.toString(), "--check", "--json");
        assertThat(r.exit()).as(r.toString()).isEqualTo(80);
        assertThat(Files.readString(logDir().resolve("agent.log")))
                .contains("CRITICAL update: tamper-detected reason=SIGNATURE_INVALID");
        assertThat(r.err()).contains("CRITICAL update: tamper-detected reason=SIGNATURE_INVALID");
        assertThat(warnings(r.json())).anyMatch(w -> w.contains("could not write the audit log"));
    }

    @Test
    void aRefusalWithWritableLogsHasNoWarnings() throws IOException {
        Cli.Result r = cli.run("--root", root.toString(), "--check", "--json");
        assertThat(r.exit()).as(r.toString()).isEqualTo(80);
        assertThat(warnings(r.json())).isEmpty();
        assertThat(Files.readString(logDir().resolve("agent.log")))
                .contains("CRITICAL update: tamper-detected reason=SIGNATURE_INVALID");
    }
}
