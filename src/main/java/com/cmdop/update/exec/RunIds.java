package com.cmdop.update.exec;

import java.security.SecureRandom;
import java.util.HexFormat;

/** The id shared by every audit line of one run, so a SIEM can group them. */
public final class RunIds {
    private static final SecureRandom RANDOM = new SecureRandom();

    private RunIds() {}

    public static String next() {
        byte[] b = new byte[8];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
