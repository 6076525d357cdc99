package com.cmdop.update.trust;

import com.cmdop.update.model.error.ErrorCode;
import com.cmdop.update.model.error.IntegrityException;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * SHA-256 for artifacts and manifests: streaming with a length cap, lowercase hex as
 * {@code sha256sum} writes it, and constant-time comparison.
 */
public final class Sha256 {
    public static final int BYTES = 32;
    private static final HexFormat HEX = HexFormat.of();
    private static final int BUFFER = 64 * 1024;

    private Sha256() {}

    /** A digest and the number of bytes it covers. */
    public static final class Measurement {
        private final byte[] digest;
        private final long length;

        private Measurement(byte[] digest, long length) {
            this.digest = digest;
            this.length = length;
        }

        public byte[] digest() {
            return digest.clone();
        }

        public String hex() {
            return HEX.formatHex(digest);
        }

        public long length() {
            return length;
        }

        /** Constant-time comparison with a 64-character hex digest (either case); false if it is malformed. */
        public boolean matches(String expectedHex) {
            byte[] expected = parseHexOrNull(expectedHex);
            return expected != null && MessageDigest.isEqual(expected, digest);
        }
    }

    public static byte[] digest(byte[] data) {
        return newDigest().digest(data);
    }

    /** Lowercase hex SHA-256 of {@code data}. */
    public static String hex(byte[] data) {
        return HEX.formatHex(digest(data));
    }

    /**
     * Reads {@code in} to its end (not closed), hashing as it goes. More than {@code maxBytes} bytes is
     * refused with {@code LENGTH_EXCEEDED} as soon as the excess byte arrives.
     */
    public static Measurement measure(InputStream in, long maxBytes, String source) throws IOException {
        MessageDigest md = newDigest();
        byte[] buffer = new byte[BUFFER];
        long total = 0;
        int n;
        while ((n = in.read(buffer)) != -1) {
            total += n;
            if (total > maxBytes) {
                Map<String, Object> details = new LinkedHashMap<>();
                if (source != null) {
                    details.put("source", source);
                }
                details.put("max_bytes", maxBytes);
                throw new IntegrityException(ErrorCode.LENGTH_EXCEEDED, (source == null ? "" : source + ": ")
                        + "more than the allowed " + maxBytes + " bytes; the data is not what was signed"
                        + " (or the feed is misbehaving); nothing was changed", details);
            }
            md.update(buffer, 0, n);
        }
        return new Measurement(md.digest(), total);
    }

    /** An output stream that hashes what it passes on; {@link #measurement()} once everything was written. */
    public static final class Hashing extends java.io.FilterOutputStream {
        private final MessageDigest md = newDigest();
        private long length;

        public Hashing(java.io.OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            md.update((byte) b);
            length++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            md.update(b, off, len);
            length += len;
        }

        /** The digest and length of everything written; call once, at the end. */
        public Measurement measurement() {
            return new Measurement(md.digest(), length);
        }
    }

    /** Constant-time equality of two digests. */
    public static boolean equal(byte[] a, byte[] b) {
        return MessageDigest.isEqual(a, b);
    }

    /** Throws {@code HASH_MISMATCH} unless {@code actual} matches {@code expectedHex}. */
    public static void requireMatch(String expectedHex, Measurement actual, String source) {
        if (!actual.matches(expectedHex)) {
            Map<String, Object> details = new LinkedHashMap<>();
            if (source != null) {
                details.put("source", source);
            }
            details.put("expected_sha256", expectedHex);
            details.put("actual_sha256", actual.hex());
            throw new IntegrityException(ErrorCode.HASH_MISMATCH, (source == null ? "" : source + ": ")
                    + "SHA-256 " + actual.hex() + " does not match the signed " + expectedHex
                    + "; the file was changed or corrupted in transit; nothing was changed", details);
        }
    }

    /** Parses a 64-character hex SHA-256 (either case). */
    public static byte[] parseHex(String hex) {
        byte[] parsed = parseHexOrNull(hex);
        if (parsed == null) {
            throw new IllegalArgumentException("a SHA-256 is 64 hex characters");
        }
        return parsed;
    }

    private static byte[] parseHexOrNull(String hex) {
        if (hex == null || hex.length() != BYTES * 2) {
            return null;
        }
        try {
            return HEX.parseHex(hex);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
