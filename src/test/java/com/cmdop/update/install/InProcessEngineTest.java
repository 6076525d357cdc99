package com.cmdop.update.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.cmdop.update.model.error.ErrorCode;
import com.cmdop.update.model.error.UpdateException;
import com.cmdop.update.service.RestartResult;
import com.cmdop.update.service.ServiceRestarter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The install engine through {@link EngineSeams}: install, roll back, a failed heartbeat and a crash at a
 * phase, all in this JVM: no restart process, no version probe process, no real sleep, no environment.
 */
class InProcessEngineTest {
    private static final Instant NOW = Instant.parse("2026-11-27T10:00:00Z");
    private static final Pattern HEARTBEAT = Pattern.compile("--heartbeat-version\\) echo \"([^\"]*)\"");
    private static final Pattern VERSION = Pattern.compile("cmdop (v[^ ]+) \\(fake agent");

    @TempDir
    Path root;

    @TempDir
    Path work;

    FakeMachine m;
    final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    long nanos;
    int sleeps;
    final List<String> restarts = new ArrayList<>();

    @BeforeEach
    void setUp() {
        m = new FakeMachine(root, work);
    }

    /** The service manager: "starts" the binary at install_path, which writes the heartbeat it was built to write. */
    private final ServiceRestarter.Runner service = (argv, env, out, timeout) -> {
        try {
            String agent = Files.readString(m.installPath(), StandardCharsets.UTF_8);
            Matcher hb = HEARTBEAT.matcher(agent);
            String version = hb.find() ? hb.group(1) : "";
            restarts.add(version);
            if (!version.isEmpty()) {
                Files.writeString(m.heartbeat(), "{\"version\": \"" + version + "\", \"time\": \"" + NOW.plusSeconds(1)
                        + "\", \"pid\": " + restarts.size() + "}");
            }
            return new RestartResult(true, 0, false, "", null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    };

    private EngineSeams seams(CrashPoints crash) {
        return EngineSeams.system(java.util.Map.of())
                .withSleeper(d -> {
                    nanos += d.toNanos();
                    sleeps++;
                }, () -> nanos)
                .withRestartRunner(service)
                .withVersionProbe((binary, env) -> {
                    try {
                        Matcher v = VERSION.matcher(Files.readString(binary, StandardCharsets.UTF_8));
                        return v.find() ? v.group(1) : "unknown";
                    } catch (IOException e) {
                        return "unknown";
                    }
                })
                .withCrashPoints(crash);
    }

    private InstallEnv env(CrashPoints crash) {
        return m.env(clock).withSeams(seams(crash));
    }

    private void writeHeartbeatOf(String version) throws IOException {
        Files.createDirectories(m.heartbeat().getParent());
        Files.writeString(m.heartbeat(), "{\"version\": \"" + version + "\", \"time\": \"" + NOW.minusSeconds(60)
                + "\", \"pid\": 1}");
    }

    @Test
    void anInstallRestartsThroughTheRunnerAndConfirmsTheHeartbeatWithoutSleeping() throws IOException {
        m.handInstall(FakeMachine.agent("v1.2.3"));
        writeHeartbeatOf("v1.2.3");
        FakeMachine.Artifact a = FakeMachine.artifact("v1.2.4");

        InstallResult r = new Installer(env(CrashPoints.none())).install(a.expected(), a.source());

        assertThat(r.from()).isEqualTo("v1.2.3");
        assertThat(r.to()).isEqualTo("v1.2.4");
        assertThat(restarts).containsExactly("v1.2.4");
        assertThat(sleeps).isZero();
        assertThat(m.state().get("installed_version").asText()).isEqualTo("v1.2.4");
        assertThat(m.state().get("previous").get("version").asText()).isEqualTo("v1.2.3");
    }

    @Test
    void aHeartbeatThatNeverComesIsRolledBackAfterTheTimeoutOnTheFakeClock() throws IOException {
        m.handInstall(FakeMachine.agent("v1.2.3"));
        writeHeartbeatOf("v1.2.3");
        FakeMachine.Artifact silent = FakeMachine.artifact("v1.2.4", "");

        UpdateException e = catchThrowableOfType(() -> new Installer(env(CrashPoints.none()))
                .install(silent.expected(), silent.source()), UpdateException.class);

        assertThat(e.code()).isEqualTo(ErrorCode.HEALTH_CHECK_FAILED);
        assertThat(restarts).containsExactly("", "v1.2.3");
        assertThat(sleeps).as("polled for the 1 s heartbeat_timeout of the fake clock").isEqualTo(5);
        assertThat(Files.readString(m.installPath())).contains("fake cmdop agent v1.2.3");
        assertThat(m.quarantined()).containsExactly("v1.2.4");
    }

    @Test
    void aRollbackSwapsBackToTheCachedBinaryInProcess() throws IOException {
        m.handInstall(FakeMachine.agent("v1.2.3"));
        writeHeartbeatOf("v1.2.3");
        FakeMachine.Artifact a = FakeMachine.artifact("v1.2.4");
        new Installer(env(CrashPoints.none())).install(a.expected(), a.source());

        InstallResult r = new Installer(env(CrashPoints.none())).rollback();

        assertThat(r.to()).isEqualTo("v1.2.3");
        assertThat(restarts).containsExactly("v1.2.4", "v1.2.3");
        assertThat(m.state().get("installed_version").asText()).isEqualTo("v1.2.3");
        assertThat(m.quarantined()).containsExactly("v1.2.4");
    }

    @Test
    void aCrashRightAfterTheSwapIsUndoneByTheNextRun() throws IOException {
        m.handInstall(FakeMachine.agent("v1.2.3"));
        writeHeartbeatOf("v1.2.3");
        FakeMachine.Artifact a = FakeMachine.artifact("v1.2.4");

        catchThrowableOfType(() -> new Installer(env(CrashPoints.throwingAt(CrashPoints.SWAP)))
                .install(a.expected(), a.source()), CrashPoints.Crash.class);
        assertThat(Files.readString(m.installPath())).as("crashed with the new binary in place")
                .contains("fake cmdop agent v1.2.4");
        assertThat(m.dataDir().resolve("journal.json")).exists();

        RecoveryResult rec = new Recovery(env(CrashPoints.none())).recover();

        assertThat(rec.actions()).anyMatch(s -> s.contains("undid the interrupted install of v1.2.4"));
        assertThat(Files.readString(m.installPath())).contains("fake cmdop agent v1.2.3");
        assertThat(m.state().get("installed_version").asText()).isEqualTo("v1.2.3");
        assertThat(m.dataDir().resolve("journal.json")).doesNotExist();
    }

    @Test
    void aTamperedDownloadStaysAnIntegrityFailureWhenTheLogsCannotBeWritten() throws IOException {
        m.handInstall(FakeMachine.agent("v1.2.3"));
        Files.createDirectories(m.agentLog()); // directories where the log files should be
        Files.createDirectories(m.auditLog());
        FakeMachine.Artifact a = FakeMachine.artifact("v1.2.4");
        byte[] tampered = a.bytes().clone();
        tampered[tampered.length - 1] ^= 1;

        com.cmdop.update.model.error.IntegrityException e = catchThrowableOfType(() -> new Installer(
                env(CrashPoints.none())).install(a.expected(), out -> out.write(tampered)),
                com.cmdop.update.model.error.IntegrityException.class);

        assertThat(e.exitCode()).isEqualTo(80);
        assertThat(com.cmdop.update.audit.EventLog.warningsOf(e))
                .anyMatch(w -> w.contains("CRITICAL update: tamper-detected reason=HASH_MISMATCH"));
        assertThat(Files.readString(m.installPath())).contains("fake cmdop agent v1.2.3");
        assertThat(restarts).isEmpty();
    }
}
