package com.cmdop.update.model.error;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one exception type every expected failure is expressed as. It carries a stable public
 * {@link ErrorCode} (which decides the exit status) and details for the JSON {@code error.details}.
 *
 * <p>Subclasses exist only where a caller handles a failure differently (an integrity failure is
 * logged as CRITICAL, a lock failure is retried, ...). Messages say what was wrong and what to do.
 */
public class UpdateException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;
    private final Map<String, Object> details;

    public UpdateException(ErrorCode code, String message) {
        this(code, message, Map.of(), null);
    }

    public UpdateException(ErrorCode code, String message, Map<String, ?> details) {
        this(code, message, details, null);
    }

    public UpdateException(ErrorCode code, String message, Map<String, ?> details, Throwable cause) {
        super(message, cause);
        this.code = code;
        this.details = Collections.unmodifiableMap(new LinkedHashMap<>(details));
    }

    public ErrorCode code() {
        return code;
    }

    public int exitCode() {
        return code.exitCode();
    }

    public boolean retryable() {
        return code.retryable();
    }

    public Map<String, Object> details() {
        return details;
    }
}
