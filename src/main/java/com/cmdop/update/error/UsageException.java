package com.cmdop.update.error;

/** A bad command line: unknown option, missing value, conflicting flags. Exit 64. */
public class UsageException extends UpdateException {
    private static final long serialVersionUID = 1L;

    public UsageException(String message) {
        super(ErrorCode.USAGE, message);
    }
}
