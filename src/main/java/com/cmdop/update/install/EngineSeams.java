package com.cmdop.update.install;

import com.cmdop.update.model.Platform;
import com.cmdop.update.service.HeartbeatWatcher;
import com.cmdop.update.service.ServiceRestarter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Every dependency of the install engine on the world outside its files, in one place, so that a test can
 * install, roll back, fail a heartbeat and crash at a phase in-process, without real sleeps, processes or
 * environment variables. Production uses {@link #system(Map)}; it travels in {@link InstallEnv#seams()}.
 *
 * @param sleeper       sleeps between heartbeat polls
 * @param nanoTime      the monotonic clock of the heartbeat deadline
 * @param heartbeatPoll how often the heartbeat file is read
 * @param disk          free space and filesystem identity, for {@link Preflight}
 * @param uid           this process's user id (0 = root), for the directory-safety checks
 * @param restartRunner runs {@code service.restart}
 * @param healthCheckRunner runs {@code service.health_check} once
 * @param versionProbe  learns the version of a binary found at install_path ({@code <binary> --version})
 * @param platform      the platform whose artifact is installed
 * @param crashPoints   test-only crash injection; {@link CrashPoints#none()} in production
 */
public record EngineSeams(
        HeartbeatWatcher.Sleeper sleeper,
        LongSupplier nanoTime,
        Duration heartbeatPoll,
        Preflight.Disk disk,
        long uid,
        ServiceRestarter.Runner restartRunner,
        ServiceRestarter.Runner healthCheckRunner,
        VersionProbe versionProbe,
        Platform platform,
        CrashPoints crashPoints) {

    /** Learns a binary's version; returns {@code unknown} when it cannot. */
    @FunctionalInterface
    public interface VersionProbe {
        String versionOf(Path binary, Map<String, String> env);
    }

    /** The real machine; crash points from {@code CMDOP_TEST_CRASH_AT} in {@code env} (test runs only). */
    public static EngineSeams system(Map<String, String> env) {
        return new EngineSeams(d -> Thread.sleep(d.toMillis()), System::nanoTime, HeartbeatWatcher.DEFAULT_POLL,
                Preflight.systemDisk(), Preflight.currentUid(), ServiceRestarter.PROCESS,
                ServiceRestarter.process("service.health_check"), Adoption::probeVersion,
                Platform.current(), CrashPoints.fromEnv(env));
    }

    /** The watcher of the heartbeat file; null when the file is off ({@code service.heartbeat_file: none}). */
    HeartbeatWatcher watcher(Path heartbeatFile) {
        return heartbeatFile == null ? null : new HeartbeatWatcher(heartbeatFile, nanoTime, sleeper, heartbeatPoll);
    }

    public Preflight preflight() {
        return new Preflight(disk, uid);
    }

    public EngineSeams withSleeper(HeartbeatWatcher.Sleeper s, LongSupplier nanos) {
        return new EngineSeams(s, nanos, heartbeatPoll, disk, uid,
                restartRunner, healthCheckRunner, versionProbe, platform, crashPoints);
    }

    public EngineSeams withDisk(Preflight.Disk d, long u) {
        return new EngineSeams(sleeper, nanoTime, heartbeatPoll, d, u,
                restartRunner, healthCheckRunner, versionProbe, platform, crashPoints);
    }

    public EngineSeams withRestartRunner(ServiceRestarter.Runner r) {
        return new EngineSeams(sleeper, nanoTime, heartbeatPoll, disk, uid,
                r, healthCheckRunner, versionProbe, platform, crashPoints);
    }

    public EngineSeams withHealthCheckRunner(ServiceRestarter.Runner r) {
        return new EngineSeams(sleeper, nanoTime, heartbeatPoll, disk, uid, restartRunner, r, versionProbe, platform,
                crashPoints);
    }

    public EngineSeams withVersionProbe(VersionProbe p) {
        return new EngineSeams(sleeper, nanoTime, heartbeatPoll, disk, uid,
                restartRunner, healthCheckRunner, p, platform, crashPoints);
    }

    public EngineSeams withCrashPoints(CrashPoints c) {
        return new EngineSeams(sleeper, nanoTime, heartbeatPoll, disk, uid,
                restartRunner, healthCheckRunner, versionProbe, platform, c);
    }
}
