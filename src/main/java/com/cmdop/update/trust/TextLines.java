package com.cmdop.update.trust;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits the bytes of a minisign text file into lines, deliberately.
 *
 * <p>minisign writes {@code \n}. {@code \r\n} is tolerated as well (minisign itself strips both
 * characters when it reads a line, so a file that went through a Windows editor or
 * {@code git autocrlf} still verifies there); the {@code \r} is never part of a line's content.
 * A {@code \r} anywhere else and any NUL byte are refused: minisign reads lines as C strings, so
 * it would see a different (truncated) text than we do. A missing newline after the last line is
 * accepted; a final terminator does not start an empty extra line.
 */
final class TextLines {
    /** One line without its terminator; {@code terminatorLength} is 0, 1 ({@code \n}) or 2 ({@code \r\n}). */
    record Line(byte[] content, int terminatorLength) {
        int lengthWithTerminator() {
            return content.length + terminatorLength;
        }
    }

    private TextLines() {}

    static List<Line> split(byte[] data) throws FormatProblem {
        List<Line> lines = new ArrayList<>();
        int start = 0;
        int i = 0;
        while (i < data.length) {
            byte b = data[i];
            if (b == 0) {
                throw new FormatProblem("line " + (lines.size() + 1) + " contains a NUL byte");
            }
            if (b == '\r') {
                if (i + 1 < data.length && data[i + 1] == '\n') {
                    lines.add(new Line(slice(data, start, i), 2));
                    i += 2;
                    start = i;
                    continue;
                }
                throw new FormatProblem("line " + (lines.size() + 1)
                        + " contains a carriage return that does not end the line");
            }
            if (b == '\n') {
                lines.add(new Line(slice(data, start, i), 1));
                start = i + 1;
            }
            i++;
        }
        if (start < data.length) {
            lines.add(new Line(slice(data, start, data.length), 0));
        }
        return lines;
    }

    private static byte[] slice(byte[] data, int from, int to) {
        byte[] out = new byte[to - from];
        System.arraycopy(data, from, out, 0, out.length);
        return out;
    }

    /** True when {@code line} starts with the ASCII {@code prefix}. */
    static boolean startsWith(byte[] line, String prefix) {
        if (line.length < prefix.length()) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            if (line[i] != (byte) prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** The bytes of {@code line} after an ASCII prefix of {@code prefixLength} characters. */
    static byte[] after(byte[] line, int prefixLength) {
        return slice(line, prefixLength, line.length);
    }
}
