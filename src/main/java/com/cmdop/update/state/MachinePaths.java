package com.cmdop.update.state;

import com.cmdop.update.model.Settings;

import java.nio.file.Path;

/**
 * Resolves the machine paths of SPEC section 2 inside {@code --root}. {@code ~/} is the home of the
 * user running the tool (from {@code HOME}), itself inside the root, so a sandbox never touches the
 * real home.
 */
public record MachinePaths(Path root, Path config, String home, Layout layout) {
    public static final String DEFAULT_CONFIG = "/etc/cmdop/config.yaml";

    public MachinePaths(Path root, Path config, String home) {
        this(root, config, home, Layout.SYSTEM);
    }

    /** A machine path (absolute or {@code ~/...}) as a real path under the root. */
    public Path resolve(String machinePath) {
        String p = machinePath;
        if (p.startsWith("~/")) {
            p = (home == null || home.isBlank() ? "/root" : home) + p.substring(1);
        }
        String relative = p.replaceFirst("^/+", "");
        return relative.isEmpty() ? root : root.resolve(relative).normalize();
    }

    /** Whether the config file was given with --config rather than being the layout's default one. */
    public boolean customConfig() {
        return !config.equals(resolve(layout.config()));
    }

    /** Where this layout's systemd units go. */
    public Path unitDir() {
        return resolve(layout.unitDir());
    }

    public Path dataDir(Settings s) {
        return resolve(s.dataDir());
    }

    public Path lockFile(Settings s) {
        return dataDir(s).resolve("lock");
    }

    public Path stateFile(Settings s) {
        return StateFile.in(dataDir(s));
    }

    public Path installPath(Settings s) {
        return resolve(s.installPath());
    }

    public Path agentLog(Settings s) {
        return resolve(s.logFile());
    }

    public Path auditLog(Settings s) {
        return resolve(s.auditFile());
    }

    /** The heartbeat file, or null when {@code service.heartbeat_file: none} turns it off. */
    public Path heartbeatFile(Settings s) {
        return s.service().heartbeatFileOff() ? null : resolve(s.service().heartbeatFile());
    }
}
