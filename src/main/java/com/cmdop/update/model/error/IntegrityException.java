package com.cmdop.update.model.error;

import java.util.Map;

/**
 * Something failed a signature, hash, length, sequence or target check. Exit 80. Whoever catches
 * it at the top writes the CRITICAL {@code tamper-detected} line; nothing may have been changed.
 */
public class IntegrityException extends UpdateException {
    private static final long serialVersionUID = 1L;

    public IntegrityException(ErrorCode code, String message) {
        super(code, message);
    }

    public IntegrityException(ErrorCode code, String message, Map<String, ?> details) {
        super(code, message, details);
    }
}
