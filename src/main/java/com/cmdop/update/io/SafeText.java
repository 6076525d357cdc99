package com.cmdop.update.io;

/**
 * Makes text from outside (a manifest field, an advisory, a heartbeat's {@code version}, a restart
 * command's output, a file name) safe to put in a one-line log record or on a terminal: every control
 * character is replaced by a visible escape, so it can neither start a new (forged) log line nor send an
 * escape sequence to a terminal.
 *
 * <p>Escaped: C0 controls (NUL, BEL, BS, TAB, LF, CR, ESC, ...), DEL and the C1 controls (U+0080..U+009F,
 * among them the 8-bit CSI U+009B), the Unicode line and paragraph separators (U+2028, U+2029), the
 * bidirectional formatting characters (U+061C, U+200E, U+200F, U+202A..U+202E, U+2066..U+2069, which can
 * make a line display as something else), unpaired surrogates, and the backslash itself, so an escape
 * in the output is never ambiguous. {@code \n}, {@code \r}, {@code \t} and {@code \\} are written as such;
 * everything else as {@code \xNN} (up to U+00FF) or {@code \\uNNNN}.
 */
public final class SafeText {
    private SafeText() {}

    /** {@code text} with every control character (and the backslash) escaped; null stays null. */
    public static String escape(CharSequence text) {
        return escape(text, true);
    }

    /**
     * For showing text that may already hold escapes (a line of the agent log) on a terminal: every
     * control character escaped as by {@link #escape}, backslashes left as they are. Null stays null.
     */
    public static String forTerminal(CharSequence text) {
        return escape(text, false);
    }

    private static String escape(CharSequence text, boolean backslash) {
        if (text == null) {
            return null;
        }
        int n = text.length();
        int i = 0;
        while (i < n && !needsEscape(text, i, backslash)) {
            i++;
        }
        if (i == n) {
            return text.toString();
        }
        StringBuilder b = new StringBuilder(n + 16).append(text, 0, i);
        for (; i < n; i++) {
            char c = text.charAt(i);
            if (!needsEscape(text, i, backslash)) {
                b.append(c);
                if (Character.isHighSurrogate(c)) {
                    b.append(text.charAt(++i)); // a valid pair: needsEscape checked the low half
                }
                continue;
            }
            switch (c) {
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case '\\' -> b.append("\\\\");
                default -> b.append(c <= 0xFF ? String.format("\\x%02x", (int) c) : String.format("\\u%04x", (int) c));
            }
        }
        return b.toString();
    }

    /** Whether {@code text} holds anything {@link #escape} would change. */
    public static boolean isSafe(CharSequence text) {
        for (int i = 0; i < text.length(); i++) {
            if (needsEscape(text, i, true)) {
                return false;
            }
        }
        return true;
    }

    private static boolean needsEscape(CharSequence text, int i, boolean backslash) {
        char c = text.charAt(i);
        if (c < 0x20 || (c >= 0x7F && c <= 0x9F) || (backslash && c == '\\')) {
            return true;
        }
        if (c == 0x2028 || c == 0x2029 || c == 0x061C || c == 0x200E || c == 0x200F || (c >= 0x202A && c <= 0x202E)
                || (c >= 0x2066 && c <= 0x2069)) {
            return true;
        }
        if (Character.isHighSurrogate(c)) {
            return i + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(i + 1));
        }
        if (Character.isLowSurrogate(c)) {
            return i == 0 || !Character.isHighSurrogate(text.charAt(i - 1));
        }
        return false;
    }
}
