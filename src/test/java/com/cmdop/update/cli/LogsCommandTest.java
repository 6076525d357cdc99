package com.cmdop.update.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.cmdop.update.support.Cli;
import com.cmdop.update.support.Trees;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** logs: the update lines of the agent log or the audit log, last N, --json, and following. */
class LogsCommandTest {
    @TempDir
    Path root;

    private final Cli cli = new Cli();

    private Path agentLog() {
        return root.resolve("var/log/cmdop/agent.log");
    }

    private static void append(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void theLastNUpdateLinesOfTheAgentLogAreShownAndNothingIsWritten() {
        StringBuilder log = new StringBuilder();
        for (int i = 0; i < 30; i++) {
            log.append("2026-11-27T10:00:").append(String.format("%02d", i)).append("Z INFO agent: tick ").append(i).append('\n');
            log.append("2026-11-27T10:00:").append(String.format("%02d", i)).append("Z INFO update: step ").append(i).append('\n');
        }
        log.append("2026-11-27T10:01:00Z INFO update: half-writ"); // being written: not a line yet
        append(agentLog(), log.toString());
        Map<String, String> before = Trees.snapshot(root);

        Cli.Result r = cli.run("--root", root.toString(), "logs", "-n", "3");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out().lines()).containsExactly("2026-11-27T10:00:27Z INFO update: step 27",
                "2026-11-27T10:00:28Z INFO update: step 28", "2026-11-27T10:00:29Z INFO update: step 29");
        assertThat(Trees.snapshot(root)).isEqualTo(before);
        assertThat(cli.run("--root", root.toString(), "logs").out().lines()).hasSize(20);
    }

    @Test
    void longLogsAreReadFromTheEndAcrossChunks() {
        StringBuilder log = new StringBuilder();
        for (int i = 0; i < 5000; i++) {
            log.append("2026-11-27T10:00:00Z INFO update: line ").append(i).append(" ").append("x".repeat(100)).append('\n');
        }
        append(agentLog(), log.toString());

        List<String> lines = cli.run("--root", root.toString(), "logs", "-n", "1500").out().lines().toList();

        assertThat(lines).hasSize(1500);
        assertThat(lines.get(0)).contains("line 3500 ");
        assertThat(lines.get(1499)).contains("line 4999 ");
        assertThat(cli.run("--root", root.toString(), "logs", "-n", "6000").out().lines()).hasSize(5000);
    }

    @Test
    void theAuditLogInTheJsonEnvelope() {
        Path audit = root.resolve("var/log/cmdop/audit.jsonl");
        append(audit, "{\"event\":\"agent_update\",\"action\":\"swap\"}\n{\"event\":\"agent_update\",\"action\":\"restart\"}\n");

        Cli.Result r = cli.run("--root", root.toString(), "logs", "--audit", "--json", "-n", "1");

        assertThat(r.exit()).as(r.toString()).isZero();
        JsonNode j = r.json();
        assertThat(j.get("command").asText()).isEqualTo("logs");
        assertThat(j.get("changed").asBoolean()).isFalse();
        assertThat(j.get("file").asText()).isEqualTo(audit.toString());
        assertThat(j.get("lines")).hasSize(1);
        assertThat(j.get("lines").get(0).asText()).isEqualTo("{\"event\":\"agent_update\",\"action\":\"restart\"}");
    }

    @Test
    void aMissingLogIsNotAnError() {
        Cli.Result r = cli.run("--root", root.toString(), "logs", "--json");

        assertThat(r.exit()).isZero();
        assertThat(r.json().get("lines")).isEmpty();
        assertThat(r.json().get("msg").asText()).contains("does not exist");
    }

    @Test
    void followWithJsonOrABadCountIsAUsageError() {
        Cli.Result r = cli.run("--root", root.toString(), "logs", "-f", "--json");
        assertThat(r.exit()).isEqualTo(64);
        assertThat(r.json().get("error").get("message").asText()).contains("-f and --json conflict");
        assertThat(cli.run("--root", root.toString(), "logs", "-n", "-1").exit()).isEqualTo(64);
    }

    @Test
    void theFollowerPrintsNewMatchingLinesAndSurvivesRotation() {
        append(agentLog(), "2026-11-27T10:00:00Z INFO update: old\n");
        LogsCommand.Tail tail = LogsCommand.Tail.read(agentLog(), 5, l -> l.contains(" update: "));
        assertThat(tail.lines()).containsExactly("2026-11-27T10:00:00Z INFO update: old");
        List<String> printed = new ArrayList<>();
        List<Runnable> agentWrites = List.of(
                () -> append(agentLog(), "2026-11-27T10:00:01Z INFO agent: ignored\n2026-11-27T10:00:01Z INFO update: new 1\n"),
                () -> append(agentLog(), "2026-11-27T10:00:02Z WARN update: spl"),
                () -> append(agentLog(), "it line\n"),
                () -> { // logrotate: a new file in its place
                    try {
                        Files.move(agentLog(), agentLog().resolveSibling("agent.log.1"));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    append(agentLog(), "2026-11-27T10:00:03Z INFO update: after rotation\n");
                });
        int[] polls = {0};
        // each "sleep" between polls is one write by the agent; one more poll after the last write, then stop
        new LogsCommand.Follower(agentLog(), tail.end(), l -> l.contains(" update: "), printed::add, d -> {
            if (polls[0] < agentWrites.size()) {
                agentWrites.get(polls[0]).run();
            }
            polls[0]++;
        }, () -> polls[0] > agentWrites.size()).run();

        assertThat(printed).containsExactly("2026-11-27T10:00:01Z INFO update: new 1",
                "2026-11-27T10:00:02Z WARN update: split line", "2026-11-27T10:00:03Z INFO update: after rotation");
    }

    @Test
    void anEmptyLogShowsNoLinesAndIsNotAnError() {
        append(agentLog(), "");

        Cli.Result r = cli.run("--root", root.toString(), "logs", "--json");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.json().get("lines")).isEmpty();
    }

    @Test
    void theTailEndsAfterTheLastCompleteLineAndDecodesUtf8() throws IOException {
        append(agentLog(), "2026-11-27T10:00:00Z INFO update: caf\u00e9 \u2713\n2026-11-27T10:00:01Z INFO update: half");

        LogsCommand.Tail tail = LogsCommand.Tail.read(agentLog(), 5, l -> l.contains(" update: "));

        assertThat(tail.lines()).containsExactly("2026-11-27T10:00:00Z INFO update: caf\u00e9 \u2713");
        long firstLineBytes = "2026-11-27T10:00:00Z INFO update: caf\u00e9 \u2713\n".getBytes(StandardCharsets.UTF_8).length;
        assertThat(tail.end()).isEqualTo(firstLineBytes);
        assertThat(Files.size(agentLog())).isGreaterThan(firstLineBytes);
    }

    @Test
    void aLogWithoutAnyCompleteLineHasNoTailAndFollowingStartsAtZero() {
        append(agentLog(), "2026-11-27T10:00:00Z INFO update: half");

        LogsCommand.Tail tail = LogsCommand.Tail.read(agentLog(), 5, l -> true);

        assertThat(tail.lines()).isEmpty();
        assertThat(tail.end()).isZero();
    }

    @Test
    void theFollowerWaitsWhileTheFileIsMissingAndNoticesARotationToALongerFile() {
        append(agentLog(), "2026-11-27T10:00:00Z INFO update: old\n");
        long end = LogsCommand.Tail.read(agentLog(), 5, l -> true).end();
        List<String> printed = new ArrayList<>();
        List<Runnable> agentWrites = List.of(
                () -> move(agentLog(), agentLog().resolveSibling("agent.log.1")), // rotated, not yet recreated
                () -> { }, // still missing at this poll
                () -> append(agentLog(), "2026-11-27T10:00:01Z INFO update: a new file, longer than the old one was\n"),
                () -> { // rotated again, and the new file is longer than the offset read so far
                    move(agentLog(), agentLog().resolveSibling("agent.log.2"));
                    append(agentLog(), "2026-11-27T10:00:02Z INFO update: third file " + "x".repeat(200) + "\n");
                });
        int[] polls = {0};
        new LogsCommand.Follower(agentLog(), end, l -> l.contains(" update: "), printed::add, d -> {
            if (polls[0] < agentWrites.size()) {
                agentWrites.get(polls[0]).run();
            }
            polls[0]++;
        }, () -> polls[0] > agentWrites.size()).run();

        assertThat(printed).containsExactly(
                "2026-11-27T10:00:01Z INFO update: a new file, longer than the old one was",
                "2026-11-27T10:00:02Z INFO update: third file " + "x".repeat(200));
    }

    private static void move(Path from, Path to) {
        try {
            Files.move(from, to);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
