package com.cmdop.update.state;

import com.cmdop.update.model.DesiredState;
import com.cmdop.update.model.SettingKey;

import com.cmdop.update.model.error.ErrorCode;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Reads a desired-state document (YAML or JSON) strictly: a mapping of known keys with valid values. */
public final class DesiredStateReader {
    private DesiredStateReader() {}

    public static final String KEYS = Stream.of(SettingKey.values()).map(SettingKey::id)
            .collect(Collectors.joining(", "));

    public static DesiredState parse(String text, String source) {
        SettingValues v = new SettingValues(source, ErrorCode.INVALID_INPUT);
        JsonNode root = StrictYaml.read(text, source, ErrorCode.INVALID_INPUT);
        if (root == null) {
            throw v.fail(null, "is empty: write a mapping of the settings to manage, such as 'channel: stable' "
                    + "(keys: " + KEYS + ")");
        }
        if (!root.isObject()) {
            throw v.fail(null, "expected a mapping of settings (keys: " + KEYS + "), found "
                    + SettingValues.show(root));
        }
        Map<SettingKey, Object> values = new EnumMap<>(SettingKey.class);
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            SettingKey key = SettingKey.byId(e.getKey());
            if (key == null) {
                throw v.fail(e.getKey(), "unknown key"
                        + KeySuggestion.hint(e.getKey(), new TreeSet<>(Stream.of(SettingKey.values()).map(SettingKey::id).toList()))
                        + "; allowed keys: " + KEYS);
            }
            values.put(key, readValue(v, key, e.getValue()));
        }
        return DesiredState.of(values);
    }

    private static Object readValue(SettingValues v, SettingKey key, JsonNode node) {
        // pin and window accept null ("ensure none"); other keys must have a value when given
        boolean nullable = key == SettingKey.PIN || key == SettingKey.WINDOW;
        if (node.isNull() && !nullable) {
            throw v.fail(key.id(), "is null; give a value or leave the key out to not manage it");
        }
        return v.read(key, node);
    }
}
