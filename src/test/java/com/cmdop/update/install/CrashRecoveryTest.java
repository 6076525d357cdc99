package com.cmdop.update.install;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SPEC section 9: a kill -9 at any step leaves install_path a complete binary, old or new, and the next
 * run makes everything consistent. Each test stops a real install (a child JVM) at a named phase with the
 * test-only {@link CrashPoints} hook, or with a real kill -9, checks the invariant at once, runs recovery,
 * and checks the machine: install_path runs and is the expected version, state.json agrees, no journal, no
 * staging file, no stray cache entry.
 */
class CrashRecoveryTest {
    private static final String OLD = "v1.2.3";
    private static final String NEW = "v1.2.4";

    @TempDir
    Path root;

    @TempDir
    Path work;

    FakeMachine m;
    final OffsetClock clock = new OffsetClock();
    byte[] oldBinary;

    @BeforeEach
    void setUp() {
        m = new FakeMachine(root, work);
        oldBinary = FakeMachine.agent(OLD);
        m.handInstall(oldBinary).bootAgent();
    }

    private ChildProcess.Result crashInstall(String phase, FakeMachine.Artifact a) throws Exception {
        Path file = work.resolve("artifact-" + a.expected().version());
        Files.write(file, a.bytes());
        ChildProcess.Result r = ChildProcess.run(work, Map.of(CrashPoints.ENV, phase), "install", root.toString(),
                file.toString(), a.expected().version().toString(), a.expected().sha256());
        assertThat(r.exit()).as(r.toString()).isEqualTo(137);
        assertThat(r.err()).contains("test crash point '" + phase + "' reached");
        return r;
    }

    /** The invariant at the instant of the crash: install_path is a complete binary, the old or the new one. */
    private void assertOldOrNewAtInstallPath() {
        assertThat(m.runInstalled()).matches("cmdop (v1\\.2\\.3|v1\\.2\\.4) \\(fake agent for tests\\)");
    }

    @ParameterizedTest(name = "crash at {0}")
    @ValueSource(strings = {CrashPoints.DOWNLOAD, CrashPoints.VERIFY, CrashPoints.STAGE, CrashPoints.CACHE})
    void aCrashBeforeTheSwapLeavesTheOldBinaryUntouched(String phase) throws Exception {
        crashInstall(phase, FakeMachine.artifact(NEW));

        assertThat(m.installPath()).hasBinaryContent(oldBinary);
        RecoveryResult r = new Recovery(m.env(clock)).recover();

        m.assertConsistent(OLD);
        assertThat(r.actions()).isNotEmpty(); // a staging file, a journal or a partial cache entry was cleaned
        assertThat(m.quarantined()).isEmpty();
        retrySucceeds();
    }

    @ParameterizedTest(name = "crash at {0}")
    @ValueSource(strings = {CrashPoints.SWAP, CrashPoints.RESTART, CrashPoints.HEARTBEAT})
    void aCrashAfterTheSwapBeforeTheHeartbeatIsConfirmedIsUndoneAndTheOldVersionRestarted(String phase)
            throws Exception {
        crashInstall(phase, FakeMachine.artifact(NEW));

        assertOldOrNewAtInstallPath();
        assertThat(m.runInstalled()).startsWith("cmdop " + NEW);
        if (phase.equals(CrashPoints.HEARTBEAT)) {
            assertThat(m.heartbeatJson().get("version").asText()).isEqualTo(NEW); // the new agent did run
        }
        RecoveryResult r = new Recovery(m.env(clock)).recover();

        m.assertConsistent(OLD);
        assertThat(r.actions()).anyMatch(a -> a.startsWith("undid the interrupted install of v1.2.4"));
        assertThat(m.heartbeatJson().get("version").asText()).as("the old agent was restarted").isEqualTo(OLD);
        assertThat(m.quarantined()).as("an interrupted run proves nothing against the version").isEmpty();
        assertThat(m.auditActions()).containsSubsequence("rollback:applied", "restart:applied", "heartbeat:ok",
                "recover:applied");
        retrySucceeds();
    }

    @Test
    void aCrashAfterTheHeartbeatWasConfirmedIsFinishedByRecovery() throws Exception {
        crashInstall(CrashPoints.COMMIT, FakeMachine.artifact(NEW));

        assertThat(m.runInstalled()).startsWith("cmdop " + NEW);
        RecoveryResult r = new Recovery(m.env(clock)).recover();

        m.assertConsistent(NEW);
        assertThat(r.actions()).anyMatch(a -> a.startsWith("finished the interrupted install of v1.2.4"));
        assertThat(m.state().get("previous").get("version").asText()).isEqualTo(OLD);
        assertThat(m.dataDir().resolve("versions/v1.2.3/cmdop")).hasBinaryContent(oldBinary);
    }

    @Test
    void aCrashDuringTheAutomaticRollbackIsCompletedByRecovery() throws Exception {
        crashInstall(CrashPoints.ROLLBACK, FakeMachine.artifact(NEW, ""));

        assertThat(m.installPath()).as("the old binary was already back").hasBinaryContent(oldBinary);
        assertThat(journal().get("phase").asText()).isEqualTo("reverting");
        RecoveryResult r = new Recovery(m.env(clock)).recover();

        m.assertConsistent(OLD);
        assertThat(r.actions()).anyMatch(a -> a.contains("interrupted in phase reverting"));
        assertThat(m.heartbeatJson().get("version").asText()).isEqualTo(OLD);
        assertThat(m.quarantined()).as("its heartbeat had failed before the crash").containsExactly(NEW);
    }

    @ParameterizedTest(name = "crash at {0}")
    @ValueSource(strings = {CrashPoints.STAGE, CrashPoints.SWAP, CrashPoints.HEARTBEAT})
    void aCrashedManualRollbackIsUndone(String phase) throws Exception {
        new Installer(m.env(clock)).install(FakeMachine.artifact(NEW).expected(), FakeMachine.artifact(NEW).source());

        ChildProcess.Result c = ChildProcess.run(work, Map.of(CrashPoints.ENV, phase), "rollback", root.toString());
        assertThat(c.exit()).as(c.toString()).isEqualTo(137);
        assertOldOrNewAtInstallPath();
        new Recovery(m.env(clock)).recover();

        m.assertConsistent(NEW);
        assertThat(m.state().get("previous").get("version").asText()).isEqualTo(OLD);
        assertThat(m.heartbeatJson().get("version").asText()).isEqualTo(NEW);
        assertThat(m.quarantined()).isEmpty();
    }

    @Test
    void aManualRollbackCrashedAfterItsHeartbeatIsFinished() throws Exception {
        new Installer(m.env(clock)).install(FakeMachine.artifact(NEW).expected(), FakeMachine.artifact(NEW).source());

        ChildProcess.Result c = ChildProcess.run(work, Map.of(CrashPoints.ENV, CrashPoints.COMMIT), "rollback",
                root.toString());
        assertThat(c.exit()).as(c.toString()).isEqualTo(137);
        new Recovery(m.env(clock)).recover();

        m.assertConsistent(OLD);
        assertThat(m.state().get("previous").get("version").asText()).isEqualTo(NEW);
        assertThat(m.quarantined()).containsExactly(NEW);
    }

    @Test
    void aRealKill9WhileWaitingForTheHeartbeatIsUndoneByTheNextRun() throws Exception {
        m.config("restart.sh", "60s");
        FakeMachine.Artifact bad = FakeMachine.artifact(NEW, ""); // never heartbeats: the run waits 60 s
        Path file = work.resolve("artifact");
        Files.write(file, bad.bytes());
        ChildProcess child = ChildProcess.start(work, Map.of(), "install", root.toString(), file.toString(), NEW,
                bad.expected().sha256());
        Path restartOut = m.dataDir().resolve("restart.out");
        ChildProcess.awaitCondition(() -> Files.exists(restartOut) && phaseIs("swapped")
                && readQuietly(restartOut).contains("agent started: cmdop " + NEW), Duration.ofSeconds(60),
                "the child to restart the new agent and wait for its heartbeat");
        assertThat(child.process().isAlive()).isTrue();

        child.process().destroyForcibly(); // SIGKILL
        ChildProcess.Result killed = child.await();
        assertThat(killed.exit()).isEqualTo(137);
        assertThat(m.runInstalled()).startsWith("cmdop " + NEW);

        m.config("restart.sh", "1s");
        ChildProcess.Result next = ChildProcess.run(work, Map.of(), "recover", root.toString());
        assertThat(next.exit()).as(next.toString()).isZero();
        m.assertConsistent(OLD);
        assertThat(m.heartbeatJson().get("version").asText()).isEqualTo(OLD);
        assertThat(next.out()).contains("undid the interrupted install of v1.2.4");
    }

    /** After any recovery the machine can be updated normally. */
    private void retrySucceeds() {
        FakeMachine.Artifact a = FakeMachine.artifact(NEW);
        new Installer(m.env(clock)).install(a.expected(), a.source());
        m.assertConsistent(NEW);
        assertThat(m.state().get("previous").get("version").asText()).isEqualTo(OLD);
    }

    private JsonNode journal() throws IOException {
        return FakeMachine.JSON.readTree(m.dataDir().resolve("journal.json").toFile());
    }

    private boolean phaseIs(String phase) {
        try {
            return Files.exists(m.dataDir().resolve("journal.json")) && journal().get("phase").asText().equals(phase);
        } catch (IOException e) {
            return false;
        }
    }

    private static String readQuietly(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return "";
        }
    }

}
