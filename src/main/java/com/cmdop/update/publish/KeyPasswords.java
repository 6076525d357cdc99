package com.cmdop.update.publish;

import com.cmdop.update.model.error.ErrorCode;
import com.cmdop.update.model.error.InvalidInputException;
import com.cmdop.update.model.error.UpdateException;
import com.cmdop.update.trust.PasswordSource;
import java.util.Arrays;
import java.util.Map;

/**
 * Where the publisher's key password comes from: the environment variable {@value #ENV}, else a prompt
 * on the terminal, else nowhere.
 *
 * <ul>
 *   <li>Reading a key ({@link #forExistingKey()}): asked only when the key is encrypted; with neither the
 *       variable nor a terminal, an encrypted key is refused with a message that says how to give it.
 *   <li>A new key ({@link #forNewKey(boolean)}): encrypted with the variable's value, or with a password
 *       typed twice at the terminal. With neither, no key is written unless {@code --unencrypted} says
 *       so explicitly: a secret key is never left unprotected by accident (say, by a CI job that forgot to
 *       set the variable).
 * </ul>
 *
 * An empty value counts as no value: an empty password protects nothing.
 */
public final class KeyPasswords {
    public static final String ENV = "CMDOP_KEY_PASSWORD";

    /** Asks the person at the terminal; the returned array belongs to the caller, which wipes it. */
    @FunctionalInterface
    public interface Prompt {
        /** The typed line without echo, or null at end of input. */
        char[] readPassword(String prompt);
    }

    private final Map<String, String> env;
    private final Prompt prompt;

    /** {@code prompt} is null when there is no terminal to ask on. */
    public KeyPasswords(Map<String, String> env, Prompt prompt) {
        this.env = Map.copyOf(env);
        this.prompt = prompt;
    }

    /** Whether {@value #ENV} holds a password. */
    public boolean fromEnvironment() {
        String v = env.get(ENV);
        return v != null && !v.isEmpty();
    }

    /** The passwords of an existing (possibly encrypted) key. */
    public PasswordSource forExistingKey() {
        return keySource -> {
            if (fromEnvironment()) {
                return env.get(ENV).toCharArray();
            }
            if (prompt != null) {
                char[] typed = prompt.readPassword("Password for " + keySource + ": ");
                if (typed != null && typed.length > 0) {
                    return typed;
                }
            }
            throw InvalidInputException.field(ErrorCode.INVALID_INPUT, keySource, null,
                    "the secret key is encrypted and no password was given; set " + ENV + " or run on a"
                            + " terminal to be asked for it");
        };
    }

    /**
     * The password to encrypt a new key with, or null for an unencrypted key, which is only ever the
     * answer when {@code unencrypted} is true.
     */
    public char[] forNewKey(boolean unencrypted) {
        if (unencrypted) {
            return null;
        }
        if (fromEnvironment()) {
            return env.get(ENV).toCharArray();
        }
        if (prompt == null) {
            throw new UpdateException(ErrorCode.USAGE, "no password for the new secret key: set " + ENV
                    + ", run on a terminal to be asked for one, or pass --unencrypted to write the key without"
                    + " a password (then keep it where only the publisher can read it)", Map.of("field", ENV));
        }
        char[] first = prompt.readPassword("Password for the new secret key: ");
        if (first == null || first.length == 0) {
            throw new UpdateException(ErrorCode.USAGE, "an empty password protects nothing: type a password,"
                    + " or pass --unencrypted to write the key without one", Map.of("field", "password"));
        }
        char[] second = prompt.readPassword("The same password again: ");
        try {
            if (!Arrays.equals(first, second)) {
                Arrays.fill(first, '\0');
                throw new UpdateException(ErrorCode.USAGE, "the two passwords differ; run the command again",
                        Map.of("field", "password"));
            }
            return first;
        } finally {
            if (second != null) {
                Arrays.fill(second, '\0');
            }
        }
    }
}
