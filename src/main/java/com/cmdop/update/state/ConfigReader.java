package com.cmdop.update.state;

import com.cmdop.update.model.Settings;
import com.cmdop.update.model.error.ErrorCode;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * Reads config.yaml into {@link Settings}. A missing file or section means the defaults. Keys outside
 * {@code update:} belong to the agent and are ignored; inside it every key is checked (see
 * {@link SettingsReader}).
 */
public final class ConfigReader {
    private ConfigReader() {}

    /** Parses config text; {@code source} is the file name used in messages. */
    public static Settings parse(String text, String source) {
        return parse(text, source, Settings.DEFAULTS);
    }

    /** The same, where a missing key means its value in {@code defaults}. */
    public static Settings parse(String text, String source, Settings defaults) {
        JsonNode root = StrictYaml.read(text, source, ErrorCode.INVALID_CONFIG);
        SettingsReader reader = new SettingsReader(source, ErrorCode.INVALID_CONFIG);
        if (root == null) {
            return defaults;
        }
        if (!root.isObject()) {
            throw reader.fail(null, "expected a mapping with an update: section, found " + SettingsReader.show(root));
        }
        JsonNode update = root.get("update");
        if (update != null && !update.isNull() && !update.isObject()) {
            throw reader.fail("update", "expected a mapping of settings, found " + SettingsReader.show(update));
        }
        return reader.config(update, defaults);
    }
}
