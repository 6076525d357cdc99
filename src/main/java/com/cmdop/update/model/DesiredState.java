package com.cmdop.update.model;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * What the caller wants: only the settings it names are managed (SPEC section 5: an absent key is not
 * managed). A managed key may map to {@code null}, e.g. {@code pin: null} = "ensure unpinned".
 * {@code intent} says what the command asks of the installed version beyond a pin.
 */
public record DesiredState(Map<SettingKey, Object> values, VersionIntent intent) {
    public DesiredState {
        EnumMap<SettingKey, Object> copy = new EnumMap<>(SettingKey.class);
        copy.putAll(values);
        values = Collections.unmodifiableMap(copy);
    }

    public static DesiredState of(Map<SettingKey, Object> values) {
        return new DesiredState(values, VersionIntent.NONE);
    }

    public DesiredState withIntent(VersionIntent i) {
        return new DesiredState(values, i);
    }

    public boolean manages(SettingKey key) {
        return values.containsKey(key);
    }

    public Object get(SettingKey key) {
        return values.get(key);
    }
}
