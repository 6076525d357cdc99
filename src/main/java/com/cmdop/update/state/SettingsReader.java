package com.cmdop.update.state;

import com.cmdop.update.model.DesiredState;
import com.cmdop.update.model.InvalidValueException;
import com.cmdop.update.model.Setting;
import com.cmdop.update.model.Settings;
import com.cmdop.update.model.ValueTypes;
import com.cmdop.update.model.error.ErrorCode;
import com.cmdop.update.model.error.InvalidInputException;
import com.cmdop.update.release.feed.FeedLocation;
import com.cmdop.update.trust.MinisignPublicKey;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads settings from a parsed document, driven by {@link Setting#ALL}: config.yaml's {@code update:}
 * section and desired states are read by the same walk and the same value types, so both accept and
 * refuse exactly the same things. Every failure names the source, the key, what was found and what is
 * allowed; an unknown key (a typo such as {@code chanel:}) is an error with a "did you mean", never a
 * silently ignored setting.
 */
public final class SettingsReader {
    private final String source;
    private final ErrorCode code;

    /**
     * @param source the file name, {@code stdin}, {@code command line} or {@code query}, for messages
     * @param code   INVALID_CONFIG for config.yaml, INVALID_INPUT for desired states, USAGE for flags
     */
    public SettingsReader(String source, ErrorCode code) {
        this.source = source;
        this.code = code;
    }

    /** The keys a desired state may hold, for messages. */
    public static String managedKeys() {
        return String.join(", ", Setting.MANAGED.stream().map(Setting::id).toList());
    }

    /** config.yaml: the {@code update:} section; a missing or null key means its default. */
    public Settings config(JsonNode update) {
        return config(update, Settings.DEFAULTS);
    }

    /** The same, where a missing key means its value in {@code defaults} (the layout's paths). */
    public Settings config(JsonNode update, Settings defaults) {
        Settings s = defaults;
        if (update == null || update.isNull()) {
            return s;
        }
        Map<Setting<?>, JsonNode> found = walk(update, Setting.ALL, "update.", "update");
        for (Map.Entry<Setting<?>, JsonNode> e : found.entrySet()) {
            if (!e.getValue().isNull()) {
                s = s.withRaw(e.getKey(), read(e.getKey(), plain(e.getValue()), e.getKey().configKey()));
            }
        }
        return s;
    }

    /** A desired state: only the keys present are managed; null is "ensure none" where the setting allows it. */
    public DesiredState desired(JsonNode root) {
        Map<Setting<?>, Object> values = new LinkedHashMap<>();
        for (Map.Entry<Setting<?>, JsonNode> e : walk(root, Setting.MANAGED, "", null).entrySet()) {
            Setting<?> setting = e.getKey();
            if (e.getValue().isNull() && !setting.nullable()) {
                throw fail(setting.id(), "is null; give a value or leave the key out to not manage it");
            }
            values.put(setting, read(setting, plain(e.getValue()), setting.id()));
        }
        return DesiredState.of(values);
    }

    /**
     * One value of a setting, checked as everywhere else; {@code field} names it in messages (a key, or a
     * flag such as {@code --channel}).
     */
    public <T> T read(Setting<T> setting, Object raw, String field) {
        T value;
        try {
            value = setting.parse(raw);
        } catch (InvalidValueException e) {
            throw fail(field + e.subField(), e.getMessage());
        }
        if (setting == Setting.FEED && value != null) {
            // the parser that opens the feed, so a value accepted here is never refused later
            FeedLocation.parse((String) value, source, field, code);
        }
        if (setting == Setting.TRUSTED_KEYS && value != null) {
            // the parser that verifies signatures, so a key accepted here (and written) is never refused later
            List<?> keys = (List<?>) value;
            for (int i = 0; i < keys.size(); i++) {
                MinisignPublicKey.parse((String) keys.get(i), source, field + "[" + i + "]", code);
            }
        }
        return value;
    }

    public InvalidInputException fail(String field, String message) {
        return InvalidInputException.field(code, source, field, message);
    }

    /**
     * Finds each setting's node in a mapping by its path; a key that names no setting (at any depth) is
     * an error. {@code prefix} is put before keys in messages ({@code update.}).
     */
    private Map<Setting<?>, JsonNode> walk(JsonNode map, List<Setting<?>> settings, String prefix, String what) {
        if (!map.isObject()) {
            throw fail(what, "expected a mapping of settings (keys: " + heads(settings, List.of()) + "), found "
                    + show(map));
        }
        Map<Setting<?>, JsonNode> found = new LinkedHashMap<>();
        walk(map, settings, List.of(), prefix, found);
        return found;
    }

    private void walk(JsonNode map, List<Setting<?>> settings, List<String> at, String prefix,
            Map<Setting<?>, JsonNode> found) {
        Set<String> allowed = heads(settings, at);
        for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            List<String> path = new ArrayList<>(at);
            path.add(entry.getKey());
            String field = prefix + String.join(".", path);
            if (!allowed.contains(entry.getKey())) {
                throw fail(field, "unknown key" + KeySuggestion.hint(entry.getKey(), allowed) + "; allowed keys: "
                        + String.join(", ", new TreeSet<>(allowed)));
            }
            Setting<?> leaf = settings.stream().filter(s -> s.path().equals(path)).findFirst().orElse(null);
            if (leaf != null) {
                found.put(leaf, entry.getValue());
            } else if (entry.getValue().isObject()) {
                walk(entry.getValue(), settings, path, prefix, found);
            } else if (!entry.getValue().isNull()) {
                throw fail(field, "expected a mapping (" + String.join(", ", heads(settings, path)) + "), found "
                        + show(entry.getValue()));
            }
        }
    }

    /** The keys allowed at {@code at}: the next path element of every setting below it. */
    private static Set<String> heads(List<Setting<?>> settings, List<String> at) {
        Set<String> heads = new LinkedHashSet<>();
        for (Setting<?> s : settings) {
            if (s.path().size() > at.size() && s.path().subList(0, at.size()).equals(at)) {
                heads.add(s.path().get(at.size()));
            }
        }
        return heads;
    }

    /** A node as the plain Java value the value types read. */
    public static Object plain(JsonNode n) {
        if (n == null || n.isNull() || n.isMissingNode()) {
            return null;
        }
        if (n.isTextual()) {
            return n.textValue();
        }
        if (n.isBoolean()) {
            return n.booleanValue();
        }
        if (n.isNumber()) {
            return n.numberValue();
        }
        if (n.isArray()) {
            List<Object> list = new ArrayList<>();
            n.forEach(item -> list.add(plain(item)));
            return list;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        n.fields().forEachRemaining(e -> m.put(e.getKey(), plain(e.getValue())));
        return m;
    }

    static String show(JsonNode n) {
        return n == null || n.isMissingNode() ? "nothing" : ValueTypes.show(plain(n));
    }
}
