package com.cmdop.update.model;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * One setting under {@code update:} in config.yaml (SPEC section 2): its name, where it sits, its type,
 * its default, and whether a desired state may manage it (SPEC section 5). Everything that reads, edits,
 * compares or shows settings is driven by this list, so adding a setting is one declaration here, a row
 * in the planner's table test, and its renderer where it needs one.
 *
 * @param <T> the typed value
 */
public final class Setting<T> {
    public static final Setting<Channel> CHANNEL = managed("channel", ValueTypes.CHANNEL, Channel.STABLE, false);
    public static final Setting<Boolean> AUTO = managed("auto", ValueTypes.ON_OFF, false, false);
    public static final Setting<Duration> INTERVAL = managed("interval", ValueTypes.duration("15m", "30d"),
            Duration.ofHours(6), false);
    public static final Setting<Version> PIN = managed("pin", ValueTypes.VERSION_OR_NONE, null, true);
    public static final Setting<MaintenanceWindow> WINDOW = managed("window", ValueTypes.WINDOW_OR_NONE, null, true);
    public static final Setting<String> FEED = managed("feed", ValueTypes.FEED_OR_NONE, null, true);
    public static final Setting<List<String>> TRUSTED_KEYS = managed("trusted_keys", ValueTypes.PUBLIC_KEYS, List.of(),
            false);
    /** Keep whatever agent binary is installed (a fork, a custom build): never replace it automatically. */
    public static final Setting<Boolean> HOLD = managed("hold", ValueTypes.ON_OFF, false, false);
    /** Managed: a changed path installs the agent there; the binary at the old path is left alone. */
    public static final Setting<String> INSTALL_PATH = managed("install_path", ValueTypes.path("/usr/local/bin/cmdop"),
            "/usr/local/bin/cmdop", false);
    public static final Setting<Duration> CACHE_TTL = local("cache_ttl", ValueTypes.duration("1h", "365d"),
            Duration.ofDays(7));
    public static final Setting<String> DATA_DIR = local("data_dir", ValueTypes.path("/var/lib/cmdop/update"),
            "/var/lib/cmdop/update");
    public static final Setting<String> LOG_FILE = local("log_file", ValueTypes.path("/var/log/cmdop/agent.log"),
            "/var/log/cmdop/agent.log");
    public static final Setting<String> AUDIT_FILE = local("audit_file", ValueTypes.path("/var/log/cmdop/audit.jsonl"),
            "/var/log/cmdop/audit.jsonl");
    public static final Setting<List<String>> RESTART = managed("service.restart", ValueTypes.COMMAND,
            List.of("systemctl", "restart", "cmdop-agent"), false);
    /** The heartbeat file the agent writes, or {@code none}: then only {@link #HEALTH_CHECK} (if any) judges health. */
    public static final Setting<String> HEARTBEAT_FILE = managed("service.heartbeat_file",
            ValueTypes.pathOrNone("/var/lib/cmdop/heartbeat.json"), "/var/lib/cmdop/heartbeat.json", false);
    /**
     * A command run after a restart (no shell): healthy when it exits 0, polled until heartbeat_timeout; [] for
     * none. Managed, so a fleet tool can set the probe that fits its agents.
     */
    public static final Setting<List<String>> HEALTH_CHECK = managed("service.health_check",
            ValueTypes.command("[] for none", "[systemctl, is-active, --quiet, cmdop-agent]"), List.of(), false);
    public static final Setting<Duration> HEARTBEAT_TIMEOUT = managed("service.heartbeat_timeout",
            ValueTypes.duration("1s", "10m"), Duration.ofSeconds(30), false);
    /** How long {@code service.restart} may run, for the new version and again for the old one on a revert. */
    public static final Setting<Duration> RESTART_TIMEOUT = managed("service.restart_timeout",
            ValueTypes.duration("1s", "10m"), Duration.ofSeconds(60), false);

    /** The http proxy for the feed; null: the environment's HTTPS_PROXY/NO_PROXY apply. */
    public static final Setting<String> PROXY = local("proxy", ValueTypes.PROXY_OR_NONE, null);

    /** Where the scheduled run keeps node_exporter textfile metrics up to date (null: it does not). */
    public static final Setting<String> PROMETHEUS_FILE = local("prometheus_file",
            ValueTypes.pathOrNull("/var/lib/prometheus/node-exporter/cmdop_update.prom"), null);

    /** Every setting, in the order they are shown. */
    public static final List<Setting<?>> ALL = List.of(CHANNEL, AUTO, INTERVAL, PIN, HOLD, WINDOW, FEED, TRUSTED_KEYS,
            INSTALL_PATH, CACHE_TTL, DATA_DIR, LOG_FILE, AUDIT_FILE, RESTART, HEARTBEAT_FILE, HEALTH_CHECK,
            HEARTBEAT_TIMEOUT, RESTART_TIMEOUT, PROXY, PROMETHEUS_FILE);

    /** The settings a desired state may manage, in the order they are shown. */
    public static final List<Setting<?>> MANAGED = ALL.stream().filter(Setting::managed).toList();

    private final String id;
    private final List<String> path;
    private final ValueType<T> type;
    private final T defaultValue;
    private final boolean managed;
    private final boolean nullable;

    private Setting(String id, ValueType<T> type, T defaultValue, boolean managed, boolean nullable) {
        this.id = id;
        this.path = List.of(id.split("\\."));
        this.type = type;
        this.defaultValue = defaultValue;
        this.managed = managed;
        this.nullable = nullable;
    }

    private static <T> Setting<T> managed(String id, ValueType<T> type, T defaultValue, boolean nullable) {
        return new Setting<>(id, type, defaultValue, true, nullable);
    }

    private static <T> Setting<T> local(String id, ValueType<T> type, T defaultValue) {
        return new Setting<>(id, type, defaultValue, false, false);
    }

    /** The setting with this id ({@code channel}, {@code service.restart}), or null. */
    public static Setting<?> byId(String id) {
        return ALL.stream().filter(s -> s.id.equals(id)).findFirst().orElse(null);
    }

    /** The name in desired states and JSON output; nested settings are dotted: {@code service.restart}. */
    public String id() {
        return id;
    }

    /** The keys under {@code update:} in config.yaml: {@code [service, restart]}. */
    public List<String> path() {
        return path;
    }

    /** {@code update.} + the dotted id: how config.yaml errors name the key. */
    public String configKey() {
        return "update." + id;
    }

    public ValueType<T> type() {
        return type;
    }

    public T defaultValue() {
        return defaultValue;
    }

    /** Whether a desired state (and so the planner) may manage it. */
    public boolean managed() {
        return managed;
    }

    /** Whether a desired state may set it to null, meaning "ensure none" ({@code pin: null}). */
    public boolean nullable() {
        return nullable;
    }

    /** The action id for changing this setting, e.g. {@code set-channel}. */
    public String actionId() {
        return "set-" + id.replace('_', '-').replace('.', '-');
    }

    /** Reads a raw value (see {@link ValueType#parse}). */
    public T parse(Object raw) {
        return type.parse(raw);
    }

    /** Casts a value known to belong to this setting (from a map keyed by settings). */
    @SuppressWarnings("unchecked")
    public T cast(Object value) {
        return (T) value;
    }

    public boolean same(Object a, Object b) {
        return type.same(cast(a), cast(b));
    }

    public Object toJson(Object value) {
        return type.toJson(cast(value));
    }

    public String describe(Object value) {
        return type.describe(cast(value));
    }

    @Override
    public String toString() {
        return id;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Setting<?> s && s.id.equals(id);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id);
    }
}
