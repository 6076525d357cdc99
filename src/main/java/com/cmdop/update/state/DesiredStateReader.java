package com.cmdop.update.state;

import com.cmdop.update.model.DesiredState;
import com.cmdop.update.model.error.ErrorCode;
import com.fasterxml.jackson.databind.JsonNode;

/** Reads a desired-state document (YAML or JSON) strictly: a mapping of known keys with valid values. */
public final class DesiredStateReader {
    private DesiredStateReader() {}

    public static DesiredState parse(String text, String source) {
        SettingsReader reader = new SettingsReader(source, ErrorCode.INVALID_INPUT);
        JsonNode root = StrictYaml.read(text, source, ErrorCode.INVALID_INPUT);
        if (root == null) {
            throw reader.fail(null, "is empty: write a mapping of the settings to manage, such as 'channel: stable' "
                    + "(keys: " + SettingsReader.managedKeys() + ")");
        }
        return reader.desired(root);
    }
}
