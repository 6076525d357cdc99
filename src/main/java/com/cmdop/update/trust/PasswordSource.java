package com.cmdop.update.trust;

import com.cmdop.update.model.error.ErrorCode;
import com.cmdop.update.model.error.InvalidInputException;

/**
 * Where the password of an encrypted secret key comes from (the CLI: {@code CMDOP_KEY_PASSWORD} or a
 * terminal prompt). It is asked only when the key is encrypted. The returned array belongs to the
 * caller of {@link #password}, which wipes it after use.
 */
@FunctionalInterface
public interface PasswordSource {
    /** The password for the key read from {@code keySource} (a path, for prompts and messages). */
    char[] password(String keySource);

    /** A fixed password; hands out a copy each time, so the caller's array is left intact. */
    static PasswordSource of(char[] password) {
        char[] copy = password.clone();
        return keySource -> copy.clone();
    }

    /** For callers that have no password: an encrypted key is refused with a message saying what to do. */
    static PasswordSource none() {
        return keySource -> {
            throw InvalidInputException.field(ErrorCode.INVALID_INPUT, keySource, null,
                    "the secret key is encrypted and no password was given; set CMDOP_KEY_PASSWORD or run on"
                            + " a terminal to be asked for it");
        };
    }
}
