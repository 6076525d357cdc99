package com.cmdop.update.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The heartbeat wait, with a fake clock and a sleeper that plays the agent: no real sleeping. */
class HeartbeatWatcherTest {
    private static final Instant RESTART = Instant.parse("2026-11-27T10:00:00.600Z");
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private long nanos;
    private final List<String> writesOnSleep = new ArrayList<>();
    private int sleeps;

    /** Each sleep advances the fake time by the poll interval and writes the next scripted file content. */
    private HeartbeatWatcher watcher() {
        Path file = dir.resolve("heartbeat.json");
        return new HeartbeatWatcher(file, () -> nanos, d -> {
            nanos += d.toNanos();
            if (sleeps < writesOnSleep.size()) {
                write(writesOnSleep.get(sleeps));
            }
            sleeps++;
        }, Duration.ofMillis(200));
    }

    private void write(String content) {
        try {
            Files.writeString(dir.resolve("heartbeat.json"), content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String beat(String version, String time) {
        return "{\"version\": \"" + version + "\", \"time\": \"" + time + "\", \"pid\": 4242}";
    }

    @Test
    void aFreshHeartbeatNamingTheExpectedVersionIsOk() {
        write(beat("v1.2.3", "2026-11-27T09:59:00Z"));
        HeartbeatWatcher w = watcher();
        HeartbeatWatcher.Snapshot before = w.snapshot();
        writesOnSleep.add(beat("v1.2.4", "2026-11-27T10:00:01Z"));

        HeartbeatResult r = w.await("v1.2.4", RESTART, before, TIMEOUT);

        assertThat(r.ok()).isTrue();
        assertThat(r.seenVersion()).isEqualTo("v1.2.4");
        assertThat(sleeps).isEqualTo(1);
    }

    @Test
    void partlyWrittenAndGarbageFilesAreWaitedThrough() {
        HeartbeatWatcher w = watcher();
        HeartbeatWatcher.Snapshot before = w.snapshot();
        writesOnSleep.add("{\"version\": \"v1.2");
        writesOnSleep.add("\u0000\u0001garbage");
        writesOnSleep.add("[1, 2, 3]");
        writesOnSleep.add("{\"version\": \"v1.2.4\", \"time\": \"yesterday\"}");
        writesOnSleep.add(beat("v1.2.4", "2026-11-27T10:00:02+00:00"));

        HeartbeatResult r = w.await("1.2.4", RESTART, before, TIMEOUT);

        assertThat(r.ok()).isTrue();
        assertThat(sleeps).isEqualTo(5);
    }

    @Test
    void aHeartbeatFromTheSameSecondAsTheRestartCountsButNotTheOneThatWasThereBefore() {
        String sameSecond = beat("v1.2.4", "2026-11-27T10:00:00Z");
        write(sameSecond);
        HeartbeatWatcher w = watcher();
        HeartbeatWatcher.Snapshot before = w.snapshot();

        HeartbeatResult unchanged = w.await("v1.2.4", RESTART, before, Duration.ofSeconds(1));
        assertThat(unchanged.status()).isEqualTo(HeartbeatResult.Status.STALE);

        write(beat("v1.2.4", "2026-11-27T10:00:00.900Z").replace("4242", "4243"));
        assertThat(w.await("v1.2.4", RESTART, before, Duration.ofSeconds(1)).ok()).isTrue();
    }

    @Test
    void aHeartbeatOlderThanTheRestartIsStaleUntilTheTimeout() {
        write(beat("v1.2.4", "2026-11-27T09:00:00Z"));
        HeartbeatWatcher w = watcher();

        HeartbeatResult r = w.await("v1.2.4", RESTART, new HeartbeatWatcher.Snapshot(null), TIMEOUT);

        assertThat(r.status()).isEqualTo(HeartbeatResult.Status.STALE);
        assertThat(r.describe()).contains("not renewed since the restart");
        assertThat(Duration.ofNanos(nanos)).isGreaterThanOrEqualTo(TIMEOUT);
        assertThat(sleeps).isEqualTo(150);
    }

    @Test
    void aFreshHeartbeatOfAnotherVersionIsWrongVersion() {
        HeartbeatWatcher w = watcher();
        write(beat("v1.2.3", "2026-11-27T10:00:05Z"));

        HeartbeatResult r = w.await("v1.2.4", RESTART, new HeartbeatWatcher.Snapshot(null), Duration.ofSeconds(2));

        assertThat(r.status()).isEqualTo(HeartbeatResult.Status.WRONG_VERSION);
        assertThat(r.describe()).isEqualTo("heartbeat names v1.2.3, expected v1.2.4");
    }

    @Test
    void noFileAtAllIsMissing() {
        HeartbeatResult r = watcher().await("v1.2.4", RESTART, new HeartbeatWatcher.Snapshot(null), Duration.ofSeconds(1));

        assertThat(r.status()).isEqualTo(HeartbeatResult.Status.MISSING);
        assertThat(r.describe()).isEqualTo("no heartbeat file was written");
    }

    @Test
    void anOversizedFileIsUnreadable() {
        write("{\"version\": \"" + "x".repeat(70_000) + "\"}");

        HeartbeatResult r = watcher().await("v1.2.4", RESTART, new HeartbeatWatcher.Snapshot(null), Duration.ofSeconds(1));

        assertThat(r.status()).isEqualTo(HeartbeatResult.Status.UNREADABLE);
        assertThat(r.detail()).contains("larger than");
    }

    @Test
    void anUnknownExpectedVersionAcceptsAnyFreshHeartbeat() {
        write(beat("v0.9.0", "2026-11-27T10:00:05Z"));

        assertThat(watcher().await("unknown", RESTART, new HeartbeatWatcher.Snapshot(null), TIMEOUT).ok()).isTrue();
    }

    @Test
    void aFifoAsTheHeartbeatFileIsUnreadableAndTheWaitEndsAtTheTimeout() throws Exception {
        Process p = new ProcessBuilder("mkfifo", dir.resolve("heartbeat.json").toString()).start();
        assertThat(p.waitFor()).isZero();
        HeartbeatWatcher w = watcher();

        // a guard against a hang only (a blocking open of the FIFO never returns), not a timing requirement
        HeartbeatResult r = assertTimeoutPreemptively(Duration.ofMinutes(2),
                () -> w.await("v1.2.4", RESTART, w.snapshot(), TIMEOUT));

        assertThat(r.status()).isEqualTo(HeartbeatResult.Status.UNREADABLE);
        assertThat(r.describe()).contains("not a regular file");
        assertThat(sleeps).as("polled until the deadline").isEqualTo(150);
    }

    @Test
    void aSymbolicLinkAsTheHeartbeatFileIsNotFollowed() throws IOException {
        Path elsewhere = dir.resolve("elsewhere.json");
        Files.writeString(elsewhere, beat("v1.2.4", "2026-11-27T10:00:05Z"));
        Files.createSymbolicLink(dir.resolve("heartbeat.json"), elsewhere);

        HeartbeatResult r = watcher().await("v1.2.4", RESTART, new HeartbeatWatcher.Snapshot(null), Duration.ofSeconds(1));

        assertThat(r.status()).isEqualTo(HeartbeatResult.Status.UNREADABLE);
    }

    @Test
    void aHostileVersionInTheHeartbeatIsEscapedWhenDescribed() {
        write("{\"version\": \"v6.6.6\\n2026-11-27T10:00:00Z CRITICAL update: forged\\u001b[2J\", "
                + "\"time\": \"2026-11-27T10:00:05Z\"}");

        HeartbeatResult r = watcher().await("v1.2.4", RESTART, new HeartbeatWatcher.Snapshot(null), Duration.ofSeconds(1));

        assertThat(r.status()).isEqualTo(HeartbeatResult.Status.WRONG_VERSION);
        assertThat(r.describe()).doesNotContain("\n").doesNotContain("\u001b")
                .contains("v6.6.6\\n2026-11-27T10:00:00Z CRITICAL update: forged\\x1b[2J");
    }
}
