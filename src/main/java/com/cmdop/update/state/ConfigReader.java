package com.cmdop.update.state;

import com.cmdop.update.model.Settings;

import com.cmdop.update.model.error.ErrorCode;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads config.yaml into {@link Settings}. A missing file or section means the defaults. Keys outside
 * {@code update:} belong to the agent and are ignored; inside it every key is checked, so a typo such
 * as {@code chanel:} is an error that names the key instead of a silently ignored setting.
 */
public final class ConfigReader {
    static final Set<String> UPDATE_KEYS = Set.of("channel", "auto", "interval", "pin", "feed", "trusted_keys",
            "install_path", "cache_ttl", "window", "data_dir", "log_file", "audit_file", "service");
    static final Set<String> SERVICE_KEYS = Set.of("restart", "heartbeat_file", "heartbeat_timeout");

    private ConfigReader() {}

    /** Parses config text; {@code source} is the file name used in messages. */
    public static Settings parse(String text, String source) {
        JsonNode root = StrictYaml.read(text, source, ErrorCode.INVALID_CONFIG);
        SettingValues v = new SettingValues(source, ErrorCode.INVALID_CONFIG);
        if (root == null) {
            return Settings.DEFAULTS;
        }
        if (!root.isObject()) {
            throw v.fail(null, "expected a mapping with an update: section, found " + SettingValues.show(root));
        }
        JsonNode update = root.get("update");
        if (update == null || update.isNull()) {
            return Settings.DEFAULTS;
        }
        if (!update.isObject()) {
            throw v.fail("update", "expected a mapping of settings, found " + SettingValues.show(update));
        }
        checkKeys(update, UPDATE_KEYS, "update", v);
        Settings d = Settings.DEFAULTS;
        JsonNode service = update.get("service");
        Settings.ServiceSettings svc = d.service();
        if (service != null && !service.isNull()) {
            if (!service.isObject()) {
                throw v.fail("update.service", "expected a mapping (restart, heartbeat_file, heartbeat_timeout), found "
                        + SettingValues.show(service));
            }
            checkKeys(service, SERVICE_KEYS, "update.service", v);
            svc = new Settings.ServiceSettings(
                    v.argv("update.service.restart", service.get("restart"), svc.restart()),
                    v.path("update.service.heartbeat_file", service.get("heartbeat_file"), svc.heartbeatFile()),
                    optionalDuration(v, "update.service.heartbeat_timeout", service.get("heartbeat_timeout"), "1s",
                            "10m", svc.heartbeatTimeout()));
        }
        return new Settings(
                has(update, "channel") ? v.channel("update.channel", update.get("channel")) : d.channel(),
                has(update, "auto") ? v.bool("update.auto", update.get("auto")) : d.auto(),
                optionalDuration(v, "update.interval", update.get("interval"), SettingValues.INTERVAL_MIN,
                        SettingValues.INTERVAL_MAX, d.interval()),
                v.pin("update.pin", update.get("pin")),
                v.feed("update.feed", update.get("feed")),
                v.trustedKeys("update.trusted_keys", update.get("trusted_keys")),
                v.path("update.install_path", update.get("install_path"), d.installPath()),
                optionalDuration(v, "update.cache_ttl", update.get("cache_ttl"), "1h", "365d", d.cacheTtl()),
                v.window("update.window", update.get("window")),
                v.path("update.data_dir", update.get("data_dir"), d.dataDir()),
                v.path("update.log_file", update.get("log_file"), d.logFile()),
                v.path("update.audit_file", update.get("audit_file"), d.auditFile()),
                svc);
    }

    private static boolean has(JsonNode map, String key) {
        JsonNode n = map.get(key);
        return n != null && !n.isNull();
    }

    private static Duration optionalDuration(SettingValues v, String field, JsonNode node, String min, String max,
            Duration fallback) {
        return node == null || node.isNull() ? fallback : v.duration(field, node, min, max);
    }

    private static void checkKeys(JsonNode map, Set<String> allowed, String section, SettingValues v) {
        for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext(); ) {
            String key = it.next().getKey();
            if (!allowed.contains(key)) {
                throw v.fail(section + "." + key, "unknown key" + KeySuggestion.hint(key, allowed)
                        + "; allowed keys: " + String.join(", ", new TreeSet<>(allowed)));
            }
        }
    }
}
