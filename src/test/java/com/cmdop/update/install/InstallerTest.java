package com.cmdop.update.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.cmdop.update.model.error.ErrorCode;
import com.cmdop.update.model.error.IntegrityException;
import com.cmdop.update.model.error.UpdateException;
import com.cmdop.update.model.Version;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The install and rollback lifecycle in-process, against fake agents and a fake service manager. */
class InstallerTest {
    @TempDir
    Path root;

    @TempDir
    Path work;

    FakeMachine m;
    final OffsetClock clock = new OffsetClock();

    @BeforeEach
    void setUp() {
        m = new FakeMachine(root, work);
    }

    private Installer installer() {
        return new Installer(m.env(clock));
    }

    private InstallResult install(FakeMachine.Artifact a) {
        return installer().install(a.expected(), a.source());
    }

    @Test
    void installVerifiesSwapsRestartsConfirmsTheHeartbeatAndKeepsTheOldBinaryForRollback() {
        byte[] old = FakeMachine.agent("v1.2.3");
        m.handInstall(old).bootAgent();
        Instant before = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);

        InstallResult r = install(FakeMachine.artifact("v1.2.4"));

        assertThat(r.changed()).isTrue();
        assertThat(r.from()).isEqualTo("v1.2.3");
        assertThat(r.to()).isEqualTo("v1.2.4");
        assertThat(r.previousVersion()).isEqualTo("v1.2.3");
        assertThat(r.previousExpires()).isBetween(before.plus(Duration.ofDays(7)), clock.instant().plus(Duration.ofDays(7)));
        assertThat(r.warnings()).isEmpty();
        m.assertConsistent("v1.2.4");
        assertThat(m.heartbeatJson().get("version").asText()).isEqualTo("v1.2.4");
        assertThat(m.state().get("installed_signed").asBoolean()).isTrue();
        JsonNode prev = m.state().get("previous");
        assertThat(prev.get("version").asText()).isEqualTo("v1.2.3");
        assertThat(prev.get("sha256").asText()).isEqualTo(com.cmdop.update.trust.Sha256.hex(old));
        assertThat(m.installPath().toFile().canExecute()).isTrue();
        assertThat(m.auditActions()).containsSubsequence("adopt:applied", "download:started", "verify:ok",
                "swap:applied", "restart:applied", "heartbeat:ok", "install:applied");
        assertThat(m.auditEvents()).allSatisfy(e -> {
            assertThat(e.get("event").asText()).isEqualTo("agent_update");
            assertThat(e.get("actor").asText()).isEqualTo("cli");
            assertThat(e.get("channel").asText()).isEqualTo("stable");
        });
        assertThat(m.agentLogLines()).allMatch(l -> l.matches("\\S+Z (INFO|WARN|ERROR|CRITICAL) update: .*"));
        assertThat(String.join("\n", m.agentLogLines())).contains("swap: ").contains("heartbeat: ");
    }

    @Test
    void aHeartbeatThatNeverComesRollsBackQuarantinesAndFailsWith81() throws IOException {
        m.handInstall(FakeMachine.agent("v1.2.3")).bootAgent();

        UpdateException e = catchThrowableOfType(UpdateException.class, () -> install(FakeMachine.artifact("v1.2.4", "")));

        assertThat(e.code()).isEqualTo(ErrorCode.HEALTH_CHECK_FAILED);
        assertThat(e.exitCode()).isEqualTo(81);
        assertThat(e.getMessage()).contains("v1.2.4 failed its health check").contains("rolled back to v1.2.3")
                .contains("confirmed its heartbeat").contains("quarantined");
        assertThat(e.details()).containsEntry("heartbeat_status", "stale").containsEntry("rolled_back_to", "v1.2.3")
                .containsEntry("previous_confirmed", true);
        m.assertConsistent("v1.2.3");
        assertThat(m.heartbeatJson().get("version").asText()).isEqualTo("v1.2.3");
        assertThat(m.quarantined()).containsExactly("v1.2.4");
        JsonNode prev = m.state().get("previous");
        assertThat(prev == null || prev.isNull()).as("nothing was replaced for good").isTrue();
        assertThat(m.auditActions()).containsSubsequence("heartbeat:failed", "rollback:applied", "heartbeat:ok",
                "quarantine:applied");
        assertThat(Quarantine.load(m.dataDir()).isQuarantined(Version.parse("v1.2.4"))).isTrue();
    }

    @Test
    void aHeartbeatNamingAnotherVersionIsAFailedHealthCheck() {
        m.handInstall(FakeMachine.agent("v1.2.3")).bootAgent();

        UpdateException e = catchThrowableOfType(UpdateException.class, () -> install(FakeMachine.artifact("v1.2.4", "v1.2.3")));

        assertThat(e.code()).isEqualTo(ErrorCode.HEALTH_CHECK_FAILED);
        assertThat(e.details()).containsEntry("heartbeat_status", "wrong_version")
                .containsEntry("heartbeat_version", "v1.2.3");
        assertThat(e.getMessage()).contains("heartbeat names v1.2.3, expected v1.2.4");
        m.assertConsistent("v1.2.3");
        assertThat(m.quarantined()).containsExactly("v1.2.4");
    }

    @Test
    void aFailingRestartCommandIsTreatedLikeAFailedHeartbeat() {
        m.handInstall(FakeMachine.agent("v1.2.3")).bootAgent();
        m.config("restart-fails.sh", "1s");

        UpdateException e = catchThrowableOfType(UpdateException.class, () -> install(FakeMachine.artifact("v1.2.4")));

        assertThat(e.code()).isEqualTo(ErrorCode.HEALTH_CHECK_FAILED);
        assertThat(e.details()).containsEntry("restart_exit", 1).containsEntry("previous_confirmed", false);
        assertThat((String) e.details().get("restart_output")).contains("control process exited with error code");
        assertThat(e.getMessage()).contains("exited 1").contains("did NOT confirm its heartbeat either");
        m.assertConsistent("v1.2.3");
        assertThat(m.quarantined()).containsExactly("v1.2.4");
    }

    @Test
    void aTamperedArtifactOfTheRightLengthChangesNothingAndLogsCritical() {
        m.handInstall(FakeMachine.agent("v1.2.3")).bootAgent();
        new Recovery(m.env(clock)).recover(); // adopt first, so "nothing changed" is measured from here
        java.util.Map<String, String> before = com.cmdop.update.support.Trees.snapshot(root);
        FakeMachine.Artifact good = FakeMachine.artifact("v1.2.4");
        byte[] evil = good.bytes().clone();
        evil[evil.length / 3] ^= 0x20;

        IntegrityException e = catchThrowableOfType(IntegrityException.class, () -> installer().install(good.expected(),
                out -> out.write(evil)));

        assertThat(e.code()).isEqualTo(ErrorCode.HASH_MISMATCH);
        assertThat(e.exitCode()).isEqualTo(80);
        assertThat(e.getMessage()).contains("does not match the signed").contains("nothing was changed");
        assertNothingChangedBut(before);
        assertThat(m.agentLogLines()).anyMatch(l -> l.contains(" CRITICAL update: tamper-detected reason=HASH_MISMATCH"));
        assertThat(m.auditActions()).contains("verify:failed");
        assertThat(m.auditEvents()).anyMatch(a -> a.get("reason").asText().equals("HASH_MISMATCH")
                && a.get("key_id").asText().equals("KEYID0123456789"));
    }

    @Test
    void aTruncatedDownloadIsAHashMismatchAndChangesNothing() {
        m.handInstall(FakeMachine.agent("v1.2.3")).bootAgent();
        new Recovery(m.env(clock)).recover();
        java.util.Map<String, String> before = com.cmdop.update.support.Trees.snapshot(root);
        FakeMachine.Artifact good = FakeMachine.artifact("v1.2.4");

        IntegrityException e = catchThrowableOfType(IntegrityException.class, () -> installer().install(good.expected(),
                out -> out.write(Arrays.copyOf(good.bytes(), good.bytes().length - 100))));

        assertThat(e.code()).isEqualTo(ErrorCode.HASH_MISMATCH);
        assertThat(e.getMessage()).contains("truncated");
        assertNothingChangedBut(before);
        assertThat(m.agentLogLines()).anyMatch(l -> l.contains("CRITICAL update: tamper-detected reason=HASH_MISMATCH"));
    }

    @Test
    void aDownloadLongerThanSignedIsStoppedAtTheCap() {
        m.handInstall(FakeMachine.agent("v1.2.3")).bootAgent();
        new Recovery(m.env(clock)).recover();
        java.util.Map<String, String> before = com.cmdop.update.support.Trees.snapshot(root);
        FakeMachine.Artifact good = FakeMachine.artifact("v1.2.4");
        long[] written = {0};

        IntegrityException e = catchThrowableOfType(IntegrityException.class, () -> installer().install(good.expected(), out -> {
            byte[] chunk = new byte[8192];
            for (int i = 0; i < 100_000; i++) { // an endless download: 800 MB unless it is cut off
                out.write(chunk);
                written[0] += chunk.length;
            }
        }));

        assertThat(e.code()).isEqualTo(ErrorCode.LENGTH_EXCEEDED);
        assertThat(written[0]).isLessThanOrEqualTo(good.bytes().length);
        assertNothingChangedBut(before);
        assertThat(m.agentLogLines()).anyMatch(l -> l.contains("tamper-detected reason=LENGTH_EXCEEDED"));
    }

    @Test
    void aFullDiskWhileStagingIsDiskFullAndLeavesNoStagingFile() {
        m.handInstall(FakeMachine.agent("v1.2.3")).bootAgent();
        new Recovery(m.env(clock)).recover();
        java.util.Map<String, String> before = com.cmdop.update.support.Trees.snapshot(root);
        FakeMachine.Artifact good = FakeMachine.artifact("v1.2.4");

        UpdateException e = catchThrowableOfType(UpdateException.class, () -> installer().install(good.expected(), out -> {
            out.write(good.bytes(), 0, 1000);
            throw new IOException("No space left on device");
        }));

        assertThat(e.code()).isEqualTo(ErrorCode.DISK_FULL);
        assertThat(e.exitCode()).isEqualTo(74);
        assertThat(e.getMessage()).contains("free some space");
        assertNothingChangedBut(before);
    }

    @Test
    void aFeedFailureDuringTheDownloadPassesThroughAndLeavesNothing() {
        m.handInstall(FakeMachine.agent("v1.2.3")).bootAgent();
        FakeMachine.Artifact good = FakeMachine.artifact("v1.2.4");

        UpdateException e = catchThrowableOfType(UpdateException.class, () -> installer().install(good.expected(), out -> {
            out.write(good.bytes(), 0, 1000);
            throw new UpdateException(ErrorCode.FEED_UNAVAILABLE, "connection reset");
        }));

        assertThat(e.code()).isEqualTo(ErrorCode.FEED_UNAVAILABLE);
        m.assertConsistent("v1.2.3");
    }

    @Test
    void withoutARestartCommandTheSwapIsCommittedWithAWarning() {
        m.handInstall(FakeMachine.agent("v1.2.3")).config(null, "1s");

        InstallResult r = install(FakeMachine.artifact("v1.2.4", ""));

        assertThat(r.to()).isEqualTo("v1.2.4");
        assertThat(r.warnings()).singleElement().asString().contains("service.restart is []")
                .contains("restart it yourself");
        m.assertConsistent("v1.2.4");
        assertThat(m.auditActions()).contains("restart:skipped");
    }

    @Test
    void theFirstInstallOnAnEmptyMachineHasNoRollbackTarget() {
        InstallResult r = install(FakeMachine.artifact("v1.2.4"));

        assertThat(r.from()).isNull();
        assertThat(r.previousVersion()).isNull();
        m.assertConsistent("v1.2.4");
    }

    @Test
    void aFailedFirstInstallKeepsTheBinaryItInstalledAndSaysSo() {
        // issue #10.4: removing it left the machine with no agent at all
        UpdateException e = catchThrowableOfType(UpdateException.class, () -> install(FakeMachine.artifact("v1.2.4", "")));

        assertThat(e.code()).isEqualTo(ErrorCode.HEALTH_CHECK_FAILED);
        assertThat(e.exitCode()).isEqualTo(81);
        assertThat(e.getMessage()).contains("v1.2.4 failed its health check")
                .contains("kept installed: there was no agent binary before it, so there is nothing to go back to");
        assertThat(e.details()).containsEntry("kept_installed", true).containsEntry("rolled_back_to", null)
                .containsEntry("quarantined", false);
        m.assertConsistent("v1.2.4");
        assertThat(m.quarantined()).as("the installed version is not quarantined").isEmpty();
    }

    @Test
    void withTheHeartbeatFileOffTheHealthCheckCommandAloneJudgesTheNewVersion() {
        // an agent that writes no heartbeat file (or a stale, lying one) is judged by its probe only
        m.handInstall(FakeMachine.agent("v1.2.3")).bootAgent();
        m.config("restart.sh", "3s", "    heartbeat_file: none\n" + m.healthCheckLine());

        InstallResult r = install(FakeMachine.artifact("v1.2.4", "v1.2.3"));

        assertThat(r.to()).isEqualTo("v1.2.4");
        assertThat(r.warnings()).isEmpty();
        m.assertConsistent("v1.2.4");
        assertThat(m.auditActions()).containsSubsequence("restart:applied", "health-check:ok", "install:applied")
                .doesNotContain("heartbeat:ok", "heartbeat:failed");
    }

    @Test
    void aHealthCheckCommandThatNeverPassesRollsBackWith81AndShowsItsOutput() {
        m.handInstall(FakeMachine.agent("v1.2.3")).bootAgent();
        m.config("restart.sh", "2s", "    heartbeat_file: none\n" + m.healthCheckLine());

        UpdateException e = catchThrowableOfType(UpdateException.class, () -> install(FakeMachine.artifact("v1.2.4", "")));

        assertThat(e.code()).isEqualTo(ErrorCode.HEALTH_CHECK_FAILED);
        assertThat(e.getMessage()).contains("v1.2.4 failed its health check: service.health_check did not pass")
                .contains("exited 3").contains("inactive").contains("rolled back to v1.2.3");
        assertThat(e.details()).containsEntry("health_check_exit", 3).containsEntry("heartbeat_file", null)
                .containsEntry("rolled_back_to", "v1.2.3").containsEntry("previous_confirmed", true);
        assertThat((String) e.details().get("health_check_output")).contains("inactive");
        m.assertConsistent("v1.2.3");
        assertThat(m.quarantined()).containsExactly("v1.2.4");
    }

    @Test
    void withBothTheHeartbeatAndTheCommandBothMustPass() {
        m.handInstall(FakeMachine.agent("v1.2.3")).bootAgent();
        m.config("restart.sh", "2s", "    health_check: [sh, -c, 'echo probe refused; exit 7']\n");

        UpdateException e = catchThrowableOfType(UpdateException.class, () -> install(FakeMachine.artifact("v1.2.4")));

        assertThat(e.code()).isEqualTo(ErrorCode.HEALTH_CHECK_FAILED);
        assertThat(e.details()).containsEntry("heartbeat_status", "ok").containsEntry("health_check_exit", 7);
        assertThat(e.getMessage()).contains("probe refused");
        m.assertConsistent("v1.2.3");
    }

    @Test
    void withNeitherCheckTheRestartsExitIsTakenAsHealthyWithAWarning() {
        m.handInstall(FakeMachine.agent("v1.2.3")).bootAgent();
        m.config("restart.sh", "1s", "    heartbeat_file: none\n");

        InstallResult r = install(FakeMachine.artifact("v1.2.4", ""));

        m.assertConsistent("v1.2.4");
        assertThat(r.warnings()).singleElement().asString().contains("no health check")
                .contains("service.heartbeat_file is none").contains("service.health_check is []");
    }

    @Test
    void installingWhatIsAlreadyThereChangesNothing() {
        FakeMachine.Artifact a = FakeMachine.artifact("v1.2.4");
        install(a);
        java.util.Map<String, String> before = com.cmdop.update.support.Trees.snapshot(root);

        InstallResult r = install(a);

        assertThat(r.changed()).isFalse();
        assertThat(r.to()).isEqualTo("v1.2.4");
        assertNothingChangedBut(before);
    }

    @Test
    void aFailureWhileCachingTheCurrentBinaryUndoesThePreparation() throws IOException {
        m.handInstall(FakeMachine.agent("v1.2.3")).bootAgent();
        new Recovery(m.env(clock)).recover();
        Files.writeString(m.dataDir().resolve("versions"), "not a directory");

        UpdateException e = catchThrowableOfType(UpdateException.class, () -> install(FakeMachine.artifact("v1.2.4")));

        assertThat(e.code()).isEqualTo(ErrorCode.IO_ERROR);
        assertThat(m.runInstalled()).startsWith("cmdop v1.2.3 ");
        assertThat(m.dataDir().resolve("journal.json")).doesNotExist();
        assertThat(m.leftovers()).isEmpty();
        Files.delete(m.dataDir().resolve("versions"));
        install(FakeMachine.artifact("v1.2.4"));
        m.assertConsistent("v1.2.4");
    }

    @Test
    void installingTheBytesAlreadyThereRecordsTheirSignedVersion() {
        FakeMachine.Artifact a = FakeMachine.artifact("v1.2.4");
        m.handInstall("#!/bin/sh\necho dev\n".getBytes()); // adopted as unknown first...
        new Recovery(m.env(clock)).recover();
        m.handInstall(a.bytes()); // ...then the signed bytes put there by hand
        new Recovery(m.env(clock)).recover();
        assertThat(m.state().get("installed_signed").asBoolean()).isFalse();

        InstallResult r = install(a);

        assertThat(r.changed()).isTrue();
        assertThat(m.state().get("installed_version").asText()).isEqualTo("v1.2.4");
        assertThat(m.state().get("installed_signed").asBoolean()).isTrue();
        assertThat(InstallStatus.read(m.installPath(), m.dataDir()).installedVerified()).isTrue();
        assertThat(install(a).changed()).isFalse();
    }

    @Test
    void statusReadsVersionsVerificationPreviousAndQuarantineWithoutWriting() {
        m.handInstall(FakeMachine.agent("v1.2.3")).bootAgent();
        install(FakeMachine.artifact("v1.2.4"));
        catchThrowableOfType(UpdateException.class, () -> install(FakeMachine.artifact("v1.2.5", "")));
        java.util.Map<String, String> before = com.cmdop.update.support.Trees.snapshot(root);

        InstallStatus s = InstallStatus.read(m.installPath(), m.dataDir());

        assertThat(s.installedVersion()).isEqualTo("v1.2.4");
        assertThat(s.installedVerified()).isTrue();
        assertThat(s.previous().version()).isEqualTo("v1.2.3");
        assertThat(s.quarantined()).extracting(q -> q.version().toString()).containsExactly("v1.2.5");
        assertThat(com.cmdop.update.support.Trees.snapshot(root)).isEqualTo(before);

        m.handInstall(FakeMachine.agent("v9.9.9"));
        assertThat(InstallStatus.read(m.installPath(), m.dataDir()).installedVerified()).isFalse();
    }

    @Test
    void aCorruptJournalIsMovedAsideAndTheBinaryJudgedAsItIs() throws IOException {
        m.handInstall(FakeMachine.agent("v1.2.3"));
        new Recovery(m.env(clock)).recover();
        Files.writeString(m.dataDir().resolve("journal.json"), "{garbage");

        RecoveryResult r = new Recovery(m.env(clock)).recover();

        assertThat(r.warnings()).singleElement().asString().contains("not a journal this tool wrote");
        m.assertConsistent("v1.2.3");
        try (java.util.stream.Stream<Path> files = Files.list(m.dataDir())) {
            assertThat(files.map(p -> p.getFileName().toString())).anyMatch(n -> n.startsWith("journal.json.corrupt-"));
        }
    }

    @Test
    void aHealthyInstallClearsTheQuarantineUpToItsVersion() {
        m.handInstall(FakeMachine.agent("v1.2.3")).bootAgent();
        catchThrowableOfType(UpdateException.class, () -> install(FakeMachine.artifact("v1.2.4", "")));
        catchThrowableOfType(UpdateException.class, () -> install(FakeMachine.artifact("v1.2.6", "")));
        assertThat(m.quarantined()).containsExactly("v1.2.4", "v1.2.6");

        install(FakeMachine.artifact("v1.2.5"));

        assertThat(m.quarantined()).containsExactly("v1.2.6");
        assertThat(m.auditActions()).contains("quarantine:cleared");
        m.assertConsistent("v1.2.5");
    }

    @Test
    void rollbackSwapsBackRestartsAndQuarantinesTheVersionItLeft() {
        m.handInstall(FakeMachine.agent("v1.2.3")).bootAgent();
        install(FakeMachine.artifact("v1.2.4"));

        InstallResult r = installer().rollback();

        assertThat(r.action()).isEqualTo("rollback");
        assertThat(r.from()).isEqualTo("v1.2.4");
        assertThat(r.to()).isEqualTo("v1.2.3");
        assertThat(r.previousVersion()).isEqualTo("v1.2.4");
        m.assertConsistent("v1.2.3");
        assertThat(m.heartbeatJson().get("version").asText()).isEqualTo("v1.2.3");
        assertThat(m.quarantined()).containsExactly("v1.2.4");
        assertThat(m.state().get("installed_signed").asBoolean()).as("the adopted binary was never signed").isFalse();
        assertThat(m.auditActions()).containsSubsequence("verify:ok", "swap:applied", "heartbeat:ok",
                "quarantine:applied", "rollback:applied");
    }

    @Test
    void rollbackWithoutACachedPreviousBinaryIs65AndChangesNothing() {
        m.handInstall(FakeMachine.agent("v1.2.3")).bootAgent();
        new Recovery(m.env(clock)).recover();
        java.util.Map<String, String> before = com.cmdop.update.support.Trees.snapshot(root);

        UpdateException e = catchThrowableOfType(UpdateException.class, () -> installer().rollback());

        assertThat(e.code()).isEqualTo(ErrorCode.ROLLBACK_UNAVAILABLE);
        assertThat(e.exitCode()).isEqualTo(65);
        assertThat(e.getMessage()).contains("no cached previous binary").contains("--version");
        assertNothingChangedBut(before);
    }

    @Test
    void rollbackToATamperedCachedBinaryIs80AndSwapsNothing() throws IOException {
        m.handInstall(FakeMachine.agent("v1.2.3")).bootAgent();
        install(FakeMachine.artifact("v1.2.4"));
        Path cached = m.dataDir().resolve("versions/v1.2.3/cmdop");
        byte[] b = Files.readAllBytes(cached);
        b[b.length - 5] ^= 1;
        Files.write(cached, b);
        java.util.Map<String, String> before = com.cmdop.update.support.Trees.snapshot(root);

        IntegrityException e = catchThrowableOfType(IntegrityException.class, () -> installer().rollback());

        assertThat(e.code()).isEqualTo(ErrorCode.HASH_MISMATCH);
        assertThat(e.exitCode()).isEqualTo(80);
        assertThat(e.getMessage()).contains("cached previous binary").contains("nothing was swapped");
        assertNothingChangedBut(before);
        assertThat(m.runInstalled()).startsWith("cmdop v1.2.4 ");
        assertThat(m.agentLogLines()).anyMatch(l -> l.contains("CRITICAL update: tamper-detected reason=HASH_MISMATCH"));
    }

    @Test
    void aRollbackTargetThatFailsItsHeartbeatIsUndoneAndTheCurrentVersionStays() {
        m.handInstall(FakeMachine.agent("v1.2.3", "")).config(null, "1s"); // the old agent never heartbeats
        new Recovery(m.env(clock)).recover();
        m.config("restart.sh", "1s");
        install(FakeMachine.artifact("v1.2.4"));

        UpdateException e = catchThrowableOfType(UpdateException.class, () -> installer().rollback());

        assertThat(e.code()).isEqualTo(ErrorCode.HEALTH_CHECK_FAILED);
        assertThat(e.getMessage()).contains("the rollback to v1.2.3 failed its health check").contains("restored v1.2.4");
        m.assertConsistent("v1.2.4");
        assertThat(m.state().get("previous").get("version").asText()).isEqualTo("v1.2.3");
        assertThat(m.heartbeatJson().get("version").asText()).isEqualTo("v1.2.4");
        assertThat(m.quarantined()).containsExactly("v1.2.3");
    }

    @Test
    void thePreviousBinaryIsKeptForCacheTtlThenPurged() {
        m.handInstall(FakeMachine.agent("v1.2.3")).bootAgent();
        install(FakeMachine.artifact("v1.2.4"));
        PreviousBinary prev = Retention.previous(m.dataDir()).orElseThrow();
        assertThat(prev.version()).isEqualTo("v1.2.3");
        assertThat(prev.expires()).isEqualTo(prev.replacedAt().plus(Duration.ofDays(7)));
        assertThat(prev.binary()).exists();

        clock.advance(Duration.ofDays(6));
        RecoveryResult sixDays = new Recovery(m.env(clock)).recover();
        assertThat(sixDays.actions()).isEmpty();
        assertThat(Retention.previous(m.dataDir())).isPresent();

        clock.advance(Duration.ofDays(1).plusSeconds(1));
        assertThat(clock.instant()).isAfterOrEqualTo(prev.expires());
        RecoveryResult eightDays = new Recovery(m.env(clock)).recover();
        assertThat(eightDays.actions()).singleElement().asString().contains("purged the cached previous binary v1.2.3");
        assertThat(Retention.previous(m.dataDir())).isEmpty();
        assertThat(m.cacheEntries()).isEmpty();
        assertThat(m.auditEvents()).anyMatch(a -> a.get("action").asText().equals("purge")
                && a.get("reason").asText().equals("expired") && a.get("from").asText().equals("v1.2.3"));
        m.assertConsistent("v1.2.4");
        UpdateException e = catchThrowableOfType(UpdateException.class, () -> installer().rollback());
        assertThat(e.code()).isEqualTo(ErrorCode.ROLLBACK_UNAVAILABLE);
    }

    @Test
    void onlyTheLatestPreviousBinaryIsKept() {
        m.handInstall(FakeMachine.agent("v1.2.3")).bootAgent();
        install(FakeMachine.artifact("v1.2.4"));
        install(FakeMachine.artifact("v1.2.5"));

        m.assertConsistent("v1.2.5");
        assertThat(m.cacheEntries()).containsExactly("v1.2.4");
        assertThat(m.auditEvents()).anyMatch(a -> a.get("action").asText().equals("purge")
                && a.get("reason").asText().equals("unused"));
    }

    @Test
    void aHandInstalledBinaryIsAdoptedAndBecomesTheRollbackTarget() {
        byte[] hand = FakeMachine.agent("v1.1.0");
        m.handInstall(hand).bootAgent();

        RecoveryResult r = new Recovery(m.env(clock)).recover();

        assertThat(r.actions()).singleElement().asString().contains("adopted").contains("v1.1.0");
        assertThat(m.state().get("installed_version").asText()).isEqualTo("v1.1.0");
        assertThat(m.state().get("installed_signed").asBoolean()).isFalse();
        assertThat(m.installPath()).hasBinaryContent(hand);
        assertThat(m.auditActions()).containsExactly("adopt:applied");

        install(FakeMachine.artifact("v1.2.4"));
        Path cached = Retention.previous(m.dataDir()).orElseThrow().binary();
        assertThat(cached).hasBinaryContent(hand);
        installer().rollback();
        assertThat(m.installPath()).hasBinaryContent(hand);
    }

    @Test
    void aBinaryWhoseVersionCannotBeLearnedIsAdoptedAsUnknown() {
        m.handInstall("#!/bin/sh\necho 'cmdop development build'\n".getBytes());

        new Recovery(m.env(clock)).recover();

        assertThat(m.state().get("installed_version").asText()).isEqualTo("unknown");
        InstallResult r = install(FakeMachine.artifact("v1.2.4"));
        assertThat(r.from()).isEqualTo("unknown");
        assertThat(m.cacheEntries()).containsExactly("unknown");
    }

    @Test
    void aBinaryReplacedByHandIsAdoptedAgainWithAWarning() {
        install(FakeMachine.artifact("v1.2.4"));
        m.handInstall(FakeMachine.agent("v1.3.0"));

        RecoveryResult r = new Recovery(m.env(clock)).recover();

        assertThat(r.actions()).singleElement().asString().contains("replaced outside cmdop-update");
        assertThat(m.state().get("installed_version").asText()).isEqualTo("v1.3.0");
        assertThat(m.agentLogLines()).anyMatch(l -> l.contains(" WARN update: install_path"));
    }

    @Test
    void aSymbolicLinkAtInstallPathIsRefusedBeforeTheDownload() throws IOException {
        Path real = root.resolve("opt/cmdop/cmdop");
        FakeMachine.write(real, FakeMachine.agent("v1.2.3"));
        real.toFile().setExecutable(true);
        Files.createDirectories(m.installPath().getParent());
        Files.createSymbolicLink(m.installPath(), real);
        boolean[] downloaded = {false};

        UpdateException e = catchThrowableOfType(UpdateException.class, () -> installer().install(FakeMachine.artifact("v1.2.4").expected(),
                out -> downloaded[0] = true));

        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CONFIG);
        assertThat(e.getMessage()).contains("symbolic link").contains("install_path");
        assertThat(downloaded[0]).isFalse();
        assertThat(Files.isSymbolicLink(m.installPath())).isTrue();
    }

    @Test
    void theProgressBarIsDrawnOnlyWhenAStreamIsGiven() {
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        InstallEnv env = m.env(clock).withProgress(new java.io.PrintStream(err, true));
        new Installer(env).install(FakeMachine.artifact("v1.2.4").expected(), FakeMachine.artifact("v1.2.4").source());
        assertThat(err.toString()).contains("cmdop v1.2.4 [").contains("100%").endsWith(System.lineSeparator());
    }

    /**
     * No file changed (same inode, size and mtime) except the logs; directories are left out because a
     * staging file created and deleted again moves the mtime of install_path's directory.
     */
    private void assertNothingChangedBut(java.util.Map<String, String> before) {
        assertThat(files(com.cmdop.update.support.Trees.snapshot(root))).isEqualTo(files(before));
        assertThat(m.leftovers()).isEmpty();
    }

    private static java.util.Map<String, String> files(java.util.Map<String, String> snapshot) {
        java.util.Map<String, String> m = new java.util.TreeMap<>(snapshot);
        m.entrySet().removeIf(e -> e.getKey().startsWith("var/log/") || e.getValue().endsWith(" dir"));
        return m;
    }
}
