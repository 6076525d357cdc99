package com.cmdop.update.install;

import com.cmdop.update.audit.AgentLog;
import com.cmdop.update.audit.AuditLog;
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
 * clock and the two logs. The actor and run id travel in the {@link AuditLog}.
 *
 * @param root           the machine root ({@code CMDOP_ROOT} for the restart command)
 * @param env            the environment the restart command and {@code <binary> --version} get (plus CMDOP_ROOT)
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
        Duration heartbeatTimeout,
        Duration restartTimeout,
        Duration cacheTtl,
        String channel,
        Map<String, String> env,
        Clock clock,
        AgentLog agentLog,
        AuditLog auditLog,
        PrintStream progress) {

    public InstallEnv {
        restartCommand = List.copyOf(restartCommand);
        env = Map.copyOf(env);
    }

    /** The usual construction from a machine's settings. */
    public static InstallEnv of(Machine machine, Map<String, String> env, Clock clock, AgentLog agentLog,
            AuditLog auditLog, PrintStream progress) {
        Settings s = machine.settings();
        MachinePaths p = machine.paths();
        return new InstallEnv(p.root(), p.installPath(s), p.dataDir(s), p.heartbeatFile(s), s.service().restart(),
                s.service().heartbeatTimeout(), s.get(Setting.RESTART_TIMEOUT), s.cacheTtl(), s.channel().id(), env,
                clock, agentLog, auditLog, progress);
    }

    public Path installDir() {
        return installPath.toAbsolutePath().getParent();
    }

    public Path stateFile() {
        return dataDir.resolve("state.json");
    }

    public Path journalFile() {
        return dataDir.resolve(Journal.FILE_NAME);
    }

    public Path versionsDir() {
        return dataDir.resolve("versions");
    }

    public Path quarantineFile() {
        return dataDir.resolve("quarantine.json");
    }

    /** The last restart command's output, kept for diagnosis. */
    public Path restartOutput() {
        return dataDir.resolve("restart.out");
    }

    public InstallEnv withProgress(PrintStream p) {
        return new InstallEnv(root, installPath, dataDir, heartbeatFile, restartCommand, heartbeatTimeout,
                restartTimeout, cacheTtl, channel, env, clock, agentLog, auditLog, p);
    }
}
