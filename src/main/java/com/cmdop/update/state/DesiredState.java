package com.cmdop.update.state;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * What the caller wants: only the settings it names are managed (SPEC section 5: an absent key is not
 * managed). A managed key may map to {@code null}, e.g. {@code pin: null} = "ensure unpinned".
 */
public record DesiredState(Map<SettingKey, Object> values) {
    public DesiredState {
        EnumMap<SettingKey, Object> copy = new EnumMap<>(SettingKey.class);
        copy.putAll(values);
        values = Collections.unmodifiableMap(copy);
    }

    public static DesiredState of(Map<SettingKey, Object> values) {
        return new DesiredState(values);
    }

    public boolean manages(SettingKey key) {
        return values.containsKey(key);
    }

    public Object get(SettingKey key) {
        return values.get(key);
    }
}
