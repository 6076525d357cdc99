package com.cmdop.update.trust;

/**
 * What is wrong with a minisign text (a key or signature file), as a short reason fit for the user.
 * Checked on purpose: each parser catches it and turns it into the exception its callers expect
 * ({@code IntegrityException} for signatures, {@code InvalidInputException} for key files).
 */
final class FormatProblem extends Exception {
    private static final long serialVersionUID = 1L;

    FormatProblem(String reason) {
        super(reason, null, false, false);
    }
}
