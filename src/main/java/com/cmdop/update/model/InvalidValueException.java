package com.cmdop.update.model;

/**
 * A value that a {@link ValueType} refuses. The message says what was found and what is allowed; the
 * reader that caught it adds where (file and key, or flag) and turns it into the error of its context.
 */
public final class InvalidValueException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String subField;

    public InvalidValueException(String message) {
        this("", message);
    }

    /** @param subField the part of the value at fault, appended to the key, e.g. {@code [2]} of a list */
    public InvalidValueException(String subField, String message) {
        super(message, null, false, false);
        this.subField = subField;
    }

    /** Appended to the field name in messages: {@code trusted_keys} + {@code [2]}; empty for the whole value. */
    public String subField() {
        return subField;
    }
}
