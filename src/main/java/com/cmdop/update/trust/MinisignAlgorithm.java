package com.cmdop.update.trust;

import java.nio.charset.StandardCharsets;

/** The two signature algorithms of the minisign format, named by the first two bytes of the signature. */
public enum MinisignAlgorithm {
    /** {@code Ed}: Ed25519 over the whole file. Needs the whole file in memory to verify. */
    LEGACY("Ed"),
    /** {@code ED}: Ed25519 over BLAKE2b-512 of the file. minisign's default since 0.8; streams. */
    PREHASHED("ED");

    private final String code;

    MinisignAlgorithm(String code) {
        this.code = code;
    }

    /** The two ASCII bytes written in the signature ({@code Ed} or {@code ED}). */
    public String code() {
        return code;
    }

    byte[] codeBytes() {
        return code.getBytes(StandardCharsets.US_ASCII);
    }

    /** The algorithm for two signature bytes, or null when they name none. */
    static MinisignAlgorithm fromBytes(byte first, byte second) {
        for (MinisignAlgorithm a : values()) {
            if (a.code.charAt(0) == first && a.code.charAt(1) == second) {
                return a;
            }
        }
        return null;
    }
}
