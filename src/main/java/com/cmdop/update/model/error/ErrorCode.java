package com.cmdop.update.model.error;

/**
 * The public error codes of SPEC section 4, each with the exit status it maps to.
 *
 * <p>This enum is the single place where an error becomes an exit code: the CLI's exception
 * mapper asks the exception for its code and the code for its exit status.
 */
public enum ErrorCode {
    USAGE(ExitCodes.USAGE, false),
    INVALID_INPUT(ExitCodes.DATA_ERROR, false),
    INVALID_CONFIG(ExitCodes.DATA_ERROR, false),
    VERSION_NOT_FOUND(ExitCodes.DATA_ERROR, false),
    NO_ARTIFACT_FOR_PLATFORM(ExitCodes.DATA_ERROR, false),
    ROLLBACK_UNAVAILABLE(ExitCodes.DATA_ERROR, false),
    FEED_UNAVAILABLE(ExitCodes.UNAVAILABLE, true),
    MANIFEST_EXPIRED(ExitCodes.UNAVAILABLE, true),
    INTERNAL(ExitCodes.SOFTWARE, false),
    DISK_FULL(ExitCodes.IO_ERROR, true),
    IO_ERROR(ExitCodes.IO_ERROR, true),
    LOCKED(ExitCodes.LOCKED, true),
    PERMISSION_DENIED(ExitCodes.PERMISSION, false),
    UNSAFE_DIRECTORY(ExitCodes.PERMISSION, false),
    SIGNATURE_INVALID(ExitCodes.INTEGRITY, false),
    UNKNOWN_KEY(ExitCodes.INTEGRITY, false),
    HASH_MISMATCH(ExitCodes.INTEGRITY, false),
    LENGTH_EXCEEDED(ExitCodes.INTEGRITY, false),
    ROLLBACK_ATTACK(ExitCodes.INTEGRITY, false),
    EQUIVOCATION(ExitCodes.INTEGRITY, false),
    WRONG_TARGET(ExitCodes.INTEGRITY, false),
    BAD_PATH(ExitCodes.INTEGRITY, false),
    HEALTH_CHECK_FAILED(ExitCodes.HEALTH, false);

    private final int exitCode;
    private final boolean retryable;

    ErrorCode(int exitCode, boolean retryable) {
        this.exitCode = exitCode;
        this.retryable = retryable;
    }

    public int exitCode() {
        return exitCode;
    }

    /** Whether running the same command again later may succeed without anyone changing anything. */
    public boolean retryable() {
        return retryable;
    }
}
