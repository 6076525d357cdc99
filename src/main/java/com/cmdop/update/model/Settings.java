package com.cmdop.update.model;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything under {@code update:} in config.yaml, with the defaults of SPEC section 2 filled in: one
 * value for each {@link Setting}. Immutable; {@link #with} makes a changed copy. Paths are machine paths
 * (before re-rooting). The named accessors are shorthands for {@link #get}.
 */
public final class Settings {
    public static final Settings DEFAULTS = defaults();

    private final Map<Setting<?>, Object> values;

    private Settings(Map<Setting<?>, Object> values) {
        this.values = Collections.unmodifiableMap(values);
    }

    private static Settings defaults() {
        Map<Setting<?>, Object> m = new LinkedHashMap<>();
        Setting.ALL.forEach(s -> m.put(s, s.defaultValue()));
        return new Settings(m);
    }

    public <T> T get(Setting<T> setting) {
        return setting.cast(values.get(setting));
    }

    /** A copy with one setting changed. */
    public <T> Settings with(Setting<T> setting, T value) {
        return withRaw(setting, value);
    }

    /** A copy with a setting changed to a value already checked to be of its type (from a map of settings). */
    public Settings withRaw(Setting<?> setting, Object value) {
        Map<Setting<?>, Object> m = new LinkedHashMap<>(values);
        m.put(setting, value);
        return new Settings(m);
    }

    /** A copy with every setting the desired state manages set to its desired value. */
    public Settings with(DesiredState desired) {
        Settings s = this;
        for (Map.Entry<Setting<?>, Object> e : desired.values().entrySet()) {
            s = s.withRaw(e.getKey(), e.getValue());
        }
        return s;
    }

    public Channel channel() {
        return get(Setting.CHANNEL);
    }

    public boolean auto() {
        return get(Setting.AUTO);
    }

    public Duration interval() {
        return get(Setting.INTERVAL);
    }

    public Version pin() {
        return get(Setting.PIN);
    }

    public boolean hold() {
        return get(Setting.HOLD);
    }

    public MaintenanceWindow window() {
        return get(Setting.WINDOW);
    }

    public String feed() {
        return get(Setting.FEED);
    }

    public List<String> trustedKeys() {
        return get(Setting.TRUSTED_KEYS);
    }

    public String installPath() {
        return get(Setting.INSTALL_PATH);
    }

    public Duration cacheTtl() {
        return get(Setting.CACHE_TTL);
    }

    public String dataDir() {
        return get(Setting.DATA_DIR);
    }

    public String logFile() {
        return get(Setting.LOG_FILE);
    }

    public String auditFile() {
        return get(Setting.AUDIT_FILE);
    }

    public ServiceSettings service() {
        return new ServiceSettings(get(Setting.RESTART), get(Setting.HEARTBEAT_FILE), get(Setting.HEALTH_CHECK),
                get(Setting.HEARTBEAT_TIMEOUT));
    }

    /**
     * The {@code update.service} settings, as the install engine takes them.
     *
     * @param heartbeatFile the machine path, or {@code none} (no heartbeat file is read)
     * @param healthCheck   the health-check argv; empty for none
     */
    public record ServiceSettings(List<String> restart, String heartbeatFile, List<String> healthCheck,
            Duration heartbeatTimeout) {
        public boolean heartbeatFileOff() {
            return ValueTypes.NONE.equals(heartbeatFile);
        }

        /** What decides that a restarted agent is healthy, in words for status and messages. */
        public String healthJudgedBy() {
            if (restart.isEmpty()) {
                return "nothing: service.restart is [], so the agent is not restarted or checked";
            }
            boolean file = !heartbeatFileOff();
            boolean command = !healthCheck.isEmpty();
            if (file && command) {
                return "the heartbeat file and service.health_check";
            }
            if (file || command) {
                return file ? "the heartbeat file" : "service.health_check";
            }
            return "the restart command's exit status only (service.heartbeat_file is none, service.health_check is [])";
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Settings s && s.values.equals(values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    @Override
    public String toString() {
        return values.toString();
    }
}
