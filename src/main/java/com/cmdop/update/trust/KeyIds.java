package com.cmdop.update.trust;

import java.util.Locale;

/** minisign key ids: 8 bytes, displayed as {@code %016X} of the little-endian unsigned 64-bit value. */
final class KeyIds {
    static final int LENGTH = 8;

    private KeyIds() {}

    static long littleEndian(byte[] keyId) {
        long value = 0;
        for (int i = LENGTH - 1; i >= 0; i--) {
            value = (value << 8) | (keyId[i] & 0xFFL);
        }
        return value;
    }

    static String display(byte[] keyId) {
        return String.format(Locale.ROOT, "%016X", littleEndian(keyId));
    }
}
