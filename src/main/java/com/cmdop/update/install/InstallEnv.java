package com.cmdop.update.install;

import com.cmdop.update.audit.EventLog;
import com.cmdop.update.state.StateFile;
import com.cmdop.update.state.Machine;
import com.cmdop.update.state.MachinePaths;
import com.cmdop.update.model.Setting;
import com.cmdop.update.model.Settings;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Everything the install engine needs, resolved inside {@code --root}: paths, the service settings, the
 * clock and the run's {@link EventLog} (which carries the actor and run id).
 *
 * @param root           the machine root ({@code CMDOP_ROOT} for the restart command)
 * @param env            the environment the restart command and {@code <binary> --version} get (plus CMDOP_ROOT)
 * @param heartbeatFile  the heartbeat file, or null when {@code service.heartbeat_file: none}
 * @param healthCheck    the {@code service.health_check} argv; empty for none
 * @param restartTimeout how long {@code service.restart} may run
 * @param channel        for the audit lines; may be null
 * @param progress       where to draw a download progress bar, or null for none (not a terminal, --json)
 */
public record InstallEnv(
        Path root,
        Path installPath,
        Path dataDir,
        Path heartbeatFile,
        List<String> restartCommand,
        List<String> healthCheck,
        Duration heartbeatTimeout,
        Duration restartTimeout,
        Duration cacheTtl,
        String channel,
        Map<String, String> env,
        Clock clock,
        EventLog events,
        PrintStream progress,
        EngineSeams seams) {

    public InstallEnv {
        restartCommand = List.copyOf(restartCommand);
        healthCheck = List.copyOf(healthCheck);
        env = Map.copyOf(env);
    }

    /** The usual construction from a machine's settings, on the real machine ({@link EngineSeams#system}). */
    public static InstallEnv of(Machine machine, Map<String, String> env, Clock clock, EventLog events,
            PrintStream progress) {
        return of(machine.paths(), machine.settings(), env, clock, events, progress);
    }

    /** The same from settings that are not (yet) the machine's: a run installs with the settings it converges to. */
    public static InstallEnv of(MachinePaths p, Settings s, Map<String, String> env, Clock clock, EventLog events,
            PrintStream progress) {
        return new InstallEnv(p.root(), p.installPath(s), p.dataDir(s), p.heartbeatFile(s), s.service().restart(),
                s.service().healthCheck(), s.service().heartbeatTimeout(), s.get(Setting.RESTART_TIMEOUT), s.cacheTtl(),
                s.channel().id(), env, clock, events, progress, EngineSeams.system(env));
    }

    public Path installDir() {
        return installPath.toAbsolutePath().getParent();
    }

    public Path stateFile() {
        return StateFile.in(dataDir);
    }

    public Path journalFile() {
        return dataDir.resolve(Journal.FILE_NAME);
    }

    public Path versionsDir() {
        return dataDir.resolve(BinaryCache.DIR);
    }

    public Path quarantineFile() {
        return dataDir.resolve("quarantine.json");
    }

    /** The last restart command's output, kept for diagnosis. */
    public Path restartOutput() {
        return dataDir.resolve("restart.out");
    }

    /** The last health-check command's output, kept for diagnosis. */
    public Path healthCheckOutput() {
        return dataDir.resolve("health_check.out");
    }

    /** The same environment with other seams (tests: no sleeps, fake restarts, crash points). */
    public InstallEnv withSeams(EngineSeams s) {
        return new InstallEnv(root, installPath, dataDir, heartbeatFile, restartCommand, healthCheck, heartbeatTimeout,
                restartTimeout, cacheTtl, channel, env, clock, events, progress, s);
    }

    /** The crash points of this run (test-only; none in production). */
    CrashPoints crashPoints() {
        return seams.crashPoints();
    }

    /** One install step: an agent-log line and its audit event, with this run's channel. */
    void step(EventLog.Level level, String action, String outcome, Object from, Object to, String reason,
            String sha256, String keyId, String message) {
        events.record(level, message, new EventLog.Event(action, outcome, from, to, channel, reason, keyId, sha256));
    }

    /** An INFO step. */
    void info(String action, String outcome, Object from, Object to, String sha256, String keyId, String message) {
        step(EventLog.Level.INFO, action, outcome, from, to, null, sha256, keyId, message);
    }

    /** The CRITICAL tamper line of a refused binary and its audit event ({@code failed}); never throws. */
    void tamper(String action, String reasonCode, Object from, Object to, String sha256, String keyId, String message) {
        events.tamper(message, new EventLog.Event(action, "failed", from, to, channel, reasonCode, keyId, sha256));
    }

    /** As {@link #tamper}, for a refusal that fails the run: the warnings of failed writes travel with {@code e}. */
    <E extends com.cmdop.update.model.error.UpdateException> E refused(E e, String action, Object from, Object to,
            String sha256, String keyId) {
        return events.refused(e, new EventLog.Event(action, "failed", from, to, channel, e.code().name(), keyId, sha256));
    }

    public InstallEnv withProgress(PrintStream p) {
        return new InstallEnv(root, installPath, dataDir, heartbeatFile, restartCommand, healthCheck, heartbeatTimeout,
                restartTimeout, cacheTtl, channel, env, clock, events, p, seams);
    }
}
