package com.cmdop.update.trust;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Standard base64 with padding, as minisign writes it (libsodium's ORIGINAL variant), decoded
 * strictly: only the canonical encoding of the expected number of bytes is accepted, so no
 * whitespace, no missing padding, no non-zero spare bits and no extra characters.
 */
final class StrictBase64 {
    private StrictBase64() {}

    /** Decodes a line that must hold exactly {@code expectedBytes} bytes; {@code what} names it in errors. */
    static byte[] decode(byte[] line, int expectedBytes, String what) throws FormatProblem {
        return decode(new String(line, StandardCharsets.ISO_8859_1), expectedBytes, what);
    }

    static byte[] decode(String text, int expectedBytes, String what) throws FormatProblem {
        byte[] decoded = decodeAny(text, what);
        if (decoded.length != expectedBytes) {
            throw new FormatProblem(what + " has " + decoded.length + " bytes, expected " + expectedBytes);
        }
        return decoded;
    }

    /** Decodes canonical base64 of any length. */
    static byte[] decodeAny(String text, String what) throws FormatProblem {
        if (text.isEmpty()) {
            throw new FormatProblem(what + " is empty");
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '+' || c == '/' || c == '=';
            if (!ok) {
                throw new FormatProblem(what + " is not base64: unexpected character at position " + (i + 1));
            }
        }
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new FormatProblem(what + " is not valid base64");
        }
        if (!Base64.getEncoder().encodeToString(decoded).equals(text)) {
            throw new FormatProblem(what + " is not canonical base64 (padding missing or extra bits set)");
        }
        return decoded;
    }

    static String encode(byte[] data) {
        return Base64.getEncoder().encodeToString(data);
    }
}
