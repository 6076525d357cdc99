package com.cmdop.update.model.error;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Bad content: a desired-state file, config.yaml, a value on the command line. Exit 65.
 * {@code field} names the key or flag at fault so that scripts and people can find it.
 */
public class InvalidInputException extends UpdateException {
    private static final long serialVersionUID = 1L;

    public InvalidInputException(ErrorCode code, String message, Map<String, ?> details) {
        super(code, message, details);
    }

    public static InvalidInputException field(ErrorCode code, String source, String field, String message) {
        Map<String, Object> details = new LinkedHashMap<>();
        if (source != null) {
            details.put("source", source);
        }
        if (field != null) {
            details.put("field", field);
        }
        String prefix = (source == null ? "" : source + ": ") + (field == null ? "" : field + ": ");
        return new InvalidInputException(code, prefix + message, details);
    }
}
