package com.cmdop.update.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the caller wants: only the settings it names are managed (SPEC section 5: an absent key is not
 * managed). A managed setting may map to {@code null} where the setting allows it ({@code pin: null} =
 * "ensure unpinned"). {@code intent} says what the command asks of the installed version beyond a pin.
 * Settings are kept in the order of their names, the order in which drift and actions are reported.
 */
public record DesiredState(Map<Setting<?>, Object> values, VersionIntent intent) {
    public static final DesiredState NOTHING = new DesiredState(Map.of(), VersionIntent.NONE);

    public DesiredState {
        Map<Setting<?>, Object> ordered = new LinkedHashMap<>();
        for (Setting<?> s : Setting.ALL.stream().sorted(java.util.Comparator.comparing(Setting::id)).toList()) {
            if (values.containsKey(s)) {
                if (!s.managed()) {
                    throw new IllegalArgumentException(s.id() + " cannot be managed by a desired state");
                }
                ordered.put(s, values.get(s));
            }
        }
        values = Collections.unmodifiableMap(ordered);
    }

    public static DesiredState of(Map<Setting<?>, Object> values) {
        return new DesiredState(values, VersionIntent.NONE);
    }

    /** Only an intent about the version (update, --version, --rollback), no setting managed. */
    public static DesiredState only(VersionIntent intent) {
        return new DesiredState(Map.of(), intent);
    }

    public DesiredState withIntent(VersionIntent i) {
        return new DesiredState(values, i);
    }

    /** A copy that also manages {@code setting} with {@code value}. */
    public <T> DesiredState with(Setting<T> setting, T value) {
        Map<Setting<?>, Object> m = new LinkedHashMap<>(values);
        m.put(setting, value);
        return new DesiredState(m, intent);
    }

    public boolean manages(Setting<?> setting) {
        return values.containsKey(setting);
    }

    public <T> T get(Setting<T> setting) {
        return setting.cast(values.get(setting));
    }
}
