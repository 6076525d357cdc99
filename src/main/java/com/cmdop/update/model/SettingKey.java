package com.cmdop.update.model;

import com.cmdop.update.state.SettingValues;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;

/**
 * The settings a desired state may manage (SPEC section 5), in the order drift is reported (sorted by
 * name). Each knows how to compare and how to show its value in JSON; parsing lives in
 * {@link SettingValues} so config.yaml and desired states validate exactly alike.
 */
public enum SettingKey {
    AUTO("auto"),
    CHANNEL("channel"),
    FEED("feed"),
    INTERVAL("interval"),
    PIN("pin"),
    TRUSTED_KEYS("trusted_keys"),
    WINDOW("window");

    private final String id;

    SettingKey(String id) {
        this.id = id;
    }

    /** The name used in config.yaml, desired states and JSON output. */
    public String id() {
        return id;
    }

    /** The action id for changing this setting, e.g. {@code set-channel}. */
    public String actionId() {
        return "set-" + id.replace('_', '-');
    }

    public static SettingKey byId(String id) {
        for (SettingKey k : values()) {
            if (k.id.equals(id)) {
                return k;
            }
        }
        return null;
    }

    /** Whether two values of this setting mean the same (trusted keys are a set, not a list). */
    public boolean same(Object a, Object b) {
        if (this == TRUSTED_KEYS && a instanceof List<?> la && b instanceof List<?> lb) {
            return new HashSet<>(la).equals(new HashSet<>(lb));
        }
        return Objects.equals(a, b);
    }

    /** The value as it appears in JSON output: strings, booleans, lists of strings or null. */
    public Object toJson(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof Duration d) {
            return DurationText.format(d);
        }
        if (value instanceof Boolean || value instanceof List<?>) {
            return value instanceof List<?> l ? new ArrayList<>(l) : value;
        }
        if (value instanceof Channel || value instanceof Version || value instanceof MaintenanceWindow) {
            return value.toString();
        }
        return value.toString();
    }

    /** A short human form for messages ("none" for null). */
    public String describe(Object value) {
        Object json = toJson(value);
        if (json == null) {
            return "none";
        }
        if (json instanceof List<?> l) {
            return l.size() + (l.size() == 1 ? " key" : " keys");
        }
        return json.toString();
    }
}
