package com.cmdop.update.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.cmdop.update.model.error.ErrorCode;
import com.cmdop.update.model.error.IntegrityException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventLogTest {
    private static final Instant NOW = Instant.parse("2026-11-27T10:00:00.123Z");

    @TempDir
    Path dir;

    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private Path agentLog() {
        return dir.resolve("log/agent.log");
    }

    private Path auditLog() {
        return dir.resolve("log/audit.jsonl");
    }

    private EventLog events() {
        return new EventLog(agentLog(), auditLog(), Clock.fixed(NOW, ZoneOffset.UTC), "cli", "run-1",
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String stderr() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private static IntegrityException hashMismatch() {
        return new IntegrityException(ErrorCode.HASH_MISMATCH, "v1.2.4: its SHA-256 does not match the signed one",
                Map.of("key_id", "KEY1", "sha256", "abc"));
    }

    @Test
    void anEventIsOneAgentLogLineAndOneAuditLine() throws IOException {
        EventLog log = events();
        log.record(EventLog.Level.INFO, "swap: now v1.2.4", new EventLog.Event("swap", "applied", "v1.2.3", "v1.2.4",
                "stable", null, "KEY1", "abc"));
        assertThat(Files.readAllLines(agentLog())).containsExactly("2026-11-27T10:00:00Z INFO update: swap: now v1.2.4");
        JsonNode audit = new ObjectMapper().readTree(Files.readAllLines(auditLog()).get(0));
        assertThat(audit.fieldNames()).toIterable().containsExactly("event", "time", "action", "outcome", "from", "to",
                "channel", "actor", "reason", "key_id", "sha256", "run_id");
        assertThat(audit.get("event").asText()).isEqualTo("agent_update");
        assertThat(audit.get("time").asText()).isEqualTo("2026-11-27T10:00:00.123Z");
        assertThat(audit.get("actor").asText()).isEqualTo("cli");
        assertThat(audit.get("run_id").asText()).isEqualTo("run-1");
        assertThat(audit.get("reason").isNull()).isTrue();
        assertThat(log.drainWarnings()).isEmpty();
    }

    @Test
    void logFilesAreCreatedReadableByOwnerAndGroupOnly() throws IOException {
        events().record(EventLog.Level.INFO, "x", EventLog.Event.of("a", "applied", null, null, null));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(agentLog()))).isEqualTo("rw-r-----");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(auditLog()))).isEqualTo("rw-r-----");
    }

    @Test
    void aHostileMessageCannotForgeACriticalLineOrSendTerminalEscapes() throws IOException {
        events().line(EventLog.Level.INFO, "heartbeat: names v1.2.4\n2026-11-27T10:00:00Z CRITICAL update: "
                + "tamper-detected reason=FAKE \u001b[2J\u0000\u0085\u2028");
        List<String> lines = Files.readAllLines(agentLog());
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0)).startsWith("2026-11-27T10:00:00Z INFO update: heartbeat: names v1.2.4\\n")
                .contains("\\x1b[2J").contains("\\x00").contains("\\x85").contains("\\u2028");
        assertThat(lines.get(0).chars()).allMatch(c -> c >= 0x20 && c != 0x7f);
    }

    @Test
    void aSymlinkedAgentLogIsNotFollowedAndBecomesAWarning() throws IOException {
        Path secret = dir.resolve("secret");
        Files.writeString(secret, "root's file\n");
        Files.createDirectories(agentLog().getParent());
        Files.createSymbolicLink(agentLog(), secret);
        EventLog log = events();
        assertThatCode(() -> log.line(EventLog.Level.INFO, "appended?")).doesNotThrowAnyException();
        assertThat(Files.readString(secret)).isEqualTo("root's file\n");
        assertThat(Files.isSymbolicLink(agentLog())).isTrue();
        assertThat(log.drainWarnings()).singleElement().asString().contains("could not write the agent log")
                .contains("symbolic link");
    }

    @Test
    void aDanglingSymlinkIsNotUsedToCreateAFileElsewhere() throws IOException {
        Path target = dir.resolve("elsewhere/created-by-root");
        Files.createDirectories(target.getParent());
        Files.createDirectories(auditLog().getParent());
        Files.createSymbolicLink(auditLog(), target);
        EventLog log = events();
        log.audit(EventLog.Event.of("a", "applied", null, null, null));
        assertThat(target).doesNotExist();
        assertThat(log.drainWarnings()).singleElement().asString().contains("could not write the audit log");
    }

    @Test
    void aLogThatCannotBeWrittenNeverThrowsAndIsReportedOnceAsAWarning() throws IOException {
        Files.createDirectories(agentLog()); // a directory where the file should be
        Files.createDirectories(auditLog());
        EventLog log = events();
        assertThatCode(() -> {
            log.record(EventLog.Level.INFO, "one", EventLog.Event.of("a", "applied", null, null, null));
            log.record(EventLog.Level.INFO, "two", EventLog.Event.of("b", "applied", null, null, null));
        }).doesNotThrowAnyException();
        List<String> w = log.drainWarnings();
        assertThat(w).hasSize(2).anyMatch(s -> s.contains("agent log")).anyMatch(s -> s.contains("audit log"));
        assertThat(log.drainWarnings()).as("each warning is reported once").isEmpty();
        assertThat(stderr()).as("ordinary events are not printed").isEmpty();
    }

    @Test
    void aRefusalIsLoggedCriticalWithItsReasonCodeAndOutcomeRefused() throws IOException {
        IntegrityException e = events().refused(hashMismatch(), "check", "stable");
        assertThat(Files.readString(agentLog())).startsWith("2026-11-27T10:00:00Z CRITICAL update: tamper-detected "
                + "reason=HASH_MISMATCH v1.2.4: its SHA-256");
        JsonNode audit = new ObjectMapper().readTree(Files.readAllLines(auditLog()).get(0));
        assertThat(audit.get("outcome").asText()).isEqualTo("refused");
        assertThat(audit.get("reason").asText()).isEqualTo("HASH_MISMATCH");
        assertThat(audit.get("key_id").asText()).isEqualTo("KEY1");
        assertThat(EventLog.warningsOf(e)).isEmpty();
        assertThat(stderr()).isEmpty();
    }

    @Test
    void aRefusalThatCannotBeLoggedGoesToStderrAndTravelsWithTheException() throws IOException {
        Files.createDirectories(agentLog());
        EventLog log = events();
        IntegrityException e = log.refused(hashMismatch(), "check", "stable");
        assertThat(e.exitCode()).isEqualTo(80);
        assertThat(stderr()).contains("CRITICAL update: tamper-detected reason=HASH_MISMATCH v1.2.4");
        assertThat(EventLog.warningsOf(e)).anyMatch(w -> w.contains("could not write the agent log"))
                .anyMatch(w -> w.contains("CRITICAL update: tamper-detected reason=HASH_MISMATCH"));
        assertThat(log.drainWarnings()).anyMatch(w -> w.contains("tamper-detected reason=HASH_MISMATCH"));
        assertThat(Files.readString(auditLog())).as("the audit line still written").contains("\"refused\"");
    }

    @Test
    void aFifoAsTheLogIsRefusedWithoutBlocking() throws Exception {
        Files.createDirectories(agentLog().getParent());
        Process p = new ProcessBuilder("mkfifo", agentLog().toString()).start();
        assertThat(p.waitFor()).isZero();
        EventLog log = events();
        log.line(EventLog.Level.INFO, "would block on open");
        assertThat(Files.isRegularFile(agentLog(), LinkOption.NOFOLLOW_LINKS)).isFalse();
        assertThat(log.drainWarnings()).singleElement().asString().contains("not a regular file");
    }
}
