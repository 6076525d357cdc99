package com.cmdop.update.model;

import java.util.Objects;

/**
 * How one kind of setting value is read, compared and shown. Values are read from plain Java values,
 * the form YAML, JSON and command-line text all come in: {@code String}, {@code Boolean}, {@code Number},
 * {@code List}, {@code Map} or {@code null}. So config.yaml, a desired state, a flag and a Terraform query
 * accept and refuse exactly the same things.
 *
 * @param <T> the typed value; {@code null} means "none" where a type allows it
 */
public interface ValueType<T> {
    /**
     * Reads a raw value.
     *
     * @throws InvalidValueException saying what was found and what is allowed
     */
    T parse(Object raw);

    /** The value in JSON output and in YAML: a String, Boolean or List of Strings, or null. */
    Object toJson(T value);

    /** Whether two values mean the same (a list of keys is a set). */
    default boolean same(T a, T b) {
        return Objects.equals(a, b);
    }

    /** A short form for messages: "none" for null. */
    default String describe(T value) {
        Object json = toJson(value);
        return json == null ? "none" : json.toString();
    }

    /** What a valid value looks like, for messages ("a duration such as 6h (15m .. 30d)"). */
    String expected();
}
