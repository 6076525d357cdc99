package com.cmdop.update.model;

import com.cmdop.update.state.MachinePaths;

import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Everything under {@code update:} in config.yaml, with the defaults of SPEC section 2 filled in.
 * Paths are machine paths (before re-rooting); {@link MachinePaths} resolves them.
 */
public record Settings(
        Channel channel,
        boolean auto,
        Duration interval,
        Version pin,
        String feed,
        List<String> trustedKeys,
        String installPath,
        Duration cacheTtl,
        MaintenanceWindow window,
        String dataDir,
        String logFile,
        String auditFile,
        ServiceSettings service) {

    public record ServiceSettings(List<String> restart, String heartbeatFile, Duration heartbeatTimeout) {
        public static final ServiceSettings DEFAULTS = new ServiceSettings(
                List.of("systemctl", "restart", "cmdop-agent"), "/var/lib/cmdop/heartbeat.json", Duration.ofSeconds(30));
    }

    public static final Settings DEFAULTS = new Settings(Channel.STABLE, false, Duration.ofHours(6), null, null,
            List.of(), "/usr/local/bin/cmdop", Duration.ofDays(7), null, "/var/lib/cmdop/update",
            "/var/log/cmdop/agent.log", "/var/log/cmdop/audit.jsonl", ServiceSettings.DEFAULTS);

    /** The managed settings as a map, the form the planner compares. */
    public Map<SettingKey, Object> managed() {
        Map<SettingKey, Object> m = new EnumMap<>(SettingKey.class);
        m.put(SettingKey.AUTO, auto);
        m.put(SettingKey.CHANNEL, channel);
        m.put(SettingKey.FEED, feed);
        m.put(SettingKey.INTERVAL, interval);
        m.put(SettingKey.PIN, pin);
        m.put(SettingKey.TRUSTED_KEYS, trustedKeys);
        m.put(SettingKey.WINDOW, window);
        return m;
    }

    /** A copy with one managed setting changed; used to check an edit and to preview a plan. */
    public Settings with(SettingKey key, Object value) {
        return switch (key) {
            case AUTO -> new Settings(channel, (Boolean) value, interval, pin, feed, trustedKeys, installPath, cacheTtl,
                    window, dataDir, logFile, auditFile, service);
            case CHANNEL -> new Settings((Channel) value, auto, interval, pin, feed, trustedKeys, installPath, cacheTtl,
                    window, dataDir, logFile, auditFile, service);
            case FEED -> new Settings(channel, auto, interval, pin, (String) value, trustedKeys, installPath, cacheTtl,
                    window, dataDir, logFile, auditFile, service);
            case INTERVAL -> new Settings(channel, auto, (Duration) value, pin, feed, trustedKeys, installPath, cacheTtl,
                    window, dataDir, logFile, auditFile, service);
            case PIN -> new Settings(channel, auto, interval, (Version) value, feed, trustedKeys, installPath, cacheTtl,
                    window, dataDir, logFile, auditFile, service);
            case TRUSTED_KEYS -> new Settings(channel, auto, interval, pin, feed, castList(value), installPath,
                    cacheTtl, window, dataDir, logFile, auditFile, service);
            case WINDOW -> new Settings(channel, auto, interval, pin, feed, trustedKeys, installPath, cacheTtl,
                    (MaintenanceWindow) value, dataDir, logFile, auditFile, service);
        };
    }

    @SuppressWarnings("unchecked")
    private static List<String> castList(Object value) {
        return value == null ? List.of() : List.copyOf((List<String>) value);
    }
}
