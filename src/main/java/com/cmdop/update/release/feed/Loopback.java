package com.cmdop.update.release.feed;

import java.util.Locale;

/**
 * Decides whether a URL host is a loopback address, from its text only.
 *
 * <p>No DNS lookup is ever made: the answer decides whether plain http is allowed and whether a proxy
 * is bypassed, so it must not depend on a resolver an attacker may influence. Accepted: the name
 * {@code localhost} (optionally with a trailing dot), IPv4 literals in 127.0.0.0/8 written as four
 * decimal octets, and the IPv6 loopback {@code ::1} in any spelling (also IPv4-mapped 127.x).
 * Short forms like {@code 127.1} are not accepted: they are not standard URL hosts.
 */
final class Loopback {
    private Loopback() {}

    static boolean isLoopbackHost(String host) {
        if (host == null || host.isEmpty()) {
            return false;
        }
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        if (h.equals("localhost") || h.equals("localhost.")) {
            return true;
        }
        int[] v4 = parseIpv4(h);
        if (v4 != null) {
            return v4[0] == 127;
        }
        byte[] v6 = parseIpv6(h);
        if (v6 != null) {
            boolean firstTenZero = true;
            for (int i = 0; i < 10; i++) {
                firstTenZero &= v6[i] == 0;
            }
            boolean loopback6 = firstTenZero && v6[10] == 0 && v6[11] == 0 && v6[12] == 0 && v6[13] == 0
                    && v6[14] == 0 && v6[15] == 1;
            boolean mapped127 = firstTenZero && v6[10] == (byte) 0xff && v6[11] == (byte) 0xff && v6[12] == 127;
            return loopback6 || mapped127;
        }
        return false;
    }

    /** Four decimal octets 0..255, no leading '+' or empty parts; null when not an IPv4 literal. */
    static int[] parseIpv4(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        int[] out = new int[4];
        for (int i = 0; i < 4; i++) {
            String p = parts[i];
            if (p.isEmpty() || p.length() > 3) {
                return null;
            }
            for (int j = 0; j < p.length(); j++) {
                if (p.charAt(j) < '0' || p.charAt(j) > '9') {
                    return null;
                }
            }
            int v = Integer.parseInt(p);
            if (v > 255) {
                return null;
            }
            out[i] = v;
        }
        return out;
    }

    /**
     * Parses an IPv6 literal (without brackets, optional trailing dotted IPv4, no zone id) into 16
     * bytes; null when it is not one. Hand-written because {@code InetAddress.getByName} would fall back
     * to a DNS lookup for anything it does not recognise as a literal.
     */
    static byte[] parseIpv6(String s) {
        if (s.indexOf(':') < 0 || s.indexOf('%') >= 0) {
            return null;
        }
        int doubleColon = s.indexOf("::");
        if (doubleColon >= 0 && s.indexOf("::", doubleColon + 1) >= 0) {
            return null;
        }
        String head = doubleColon >= 0 ? s.substring(0, doubleColon) : s;
        String tail = doubleColon >= 0 ? s.substring(doubleColon + 2) : "";
        int[] headWords = words(head);
        int[] tailWords = words(tail);
        if (headWords == null || tailWords == null) {
            return null;
        }
        int total = headWords.length + tailWords.length;
        if ((doubleColon < 0 && total != 8) || (doubleColon >= 0 && total > 7)) {
            return null;
        }
        byte[] out = new byte[16];
        for (int i = 0; i < headWords.length; i++) {
            out[2 * i] = (byte) (headWords[i] >> 8);
            out[2 * i + 1] = (byte) headWords[i];
        }
        int start = 8 - tailWords.length;
        for (int i = 0; i < tailWords.length; i++) {
            out[2 * (start + i)] = (byte) (tailWords[i] >> 8);
            out[2 * (start + i) + 1] = (byte) tailWords[i];
        }
        return out;
    }

    /** Colon-separated 16-bit hex words; the last one may be a dotted IPv4 (two words). */
    private static int[] words(String part) {
        if (part.isEmpty()) {
            return new int[0];
        }
        String[] pieces = part.split(":", -1);
        int[] out = new int[pieces.length + 1];
        int n = 0;
        for (int i = 0; i < pieces.length; i++) {
            String p = pieces[i];
            if (i == pieces.length - 1 && p.indexOf('.') >= 0) {
                int[] v4 = parseIpv4(p);
                if (v4 == null) {
                    return null;
                }
                out[n++] = (v4[0] << 8) | v4[1];
                out[n++] = (v4[2] << 8) | v4[3];
                continue;
            }
            if (p.isEmpty() || p.length() > 4) {
                return null;
            }
            int v = 0;
            for (int j = 0; j < p.length(); j++) {
                int d = Character.digit(p.charAt(j), 16);
                if (d < 0) {
                    return null;
                }
                v = (v << 4) | d;
            }
            out[n++] = v;
        }
        int[] trimmed = new int[n];
        System.arraycopy(out, 0, trimmed, 0, n);
        return trimmed;
    }
}
