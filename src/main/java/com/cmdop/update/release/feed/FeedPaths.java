package com.cmdop.update.release.feed;

import com.cmdop.update.model.error.ErrorCode;
import com.cmdop.update.model.error.IntegrityException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Validation of feed-relative paths such as {@code channels/stable.json} or
 * {@code releases/v1.2.3/cmdop_v1.2.3_linux_amd64}.
 *
 * <p>These paths are built from fields of signed manifests, but a signature only proves who wrote a
 * field, not that it is harmless: a publisher key that signs {@code ../../etc/passwd} must not make us
 * read or request anything outside the feed. So every segment must be a bare file name, and anything
 * else is an integrity failure ({@link ErrorCode#BAD_PATH}, exit 80), never silently "fixed".
 *
 * <p>A bare name is refused when it is empty, {@code .} or {@code ..}, longer than 255 UTF-8 bytes,
 * or contains {@code /}, {@code \}, a control character (C0, DEL, C1), {@code :} (a URL scheme, a
 * Windows drive) or {@code %}. Refusing {@code %} is defence in depth: we percent-encode segments
 * when we build URLs, so {@code %2e%2e} would be requested literally, but a proxy or object store that
 * decodes twice would see {@code ..}; no legitimate feed file name contains {@code %}.
 */
public final class FeedPaths {
    /** NAME_MAX on Linux; also keeps URLs and cache keys short. */
    static final int MAX_SEGMENT_BYTES = 255;
    /** Feed paths are at most {@code releases/<version>/<file>}; this leaves generous room. */
    static final int MAX_PATH_CHARS = 1024;

    private FeedPaths() {}

    /**
     * Splits a feed-relative path into its segments, refusing anything that is not a chain of bare
     * names.
     *
     * @throws IntegrityException with {@link ErrorCode#BAD_PATH} naming the path and the reason
     */
    public static List<String> segments(String relativePath) {
        if (relativePath == null || relativePath.isEmpty()) {
            throw badPath(relativePath, "the path is empty");
        }
        if (relativePath.length() > MAX_PATH_CHARS) {
            throw badPath(relativePath, "the path is longer than " + MAX_PATH_CHARS + " characters");
        }
        if (relativePath.startsWith("/")) {
            throw badPath(relativePath, "an absolute path is not a feed-relative path");
        }
        List<String> segments = new ArrayList<>();
        for (String segment : relativePath.split("/", -1)) {
            String reason = whyNotBareName(segment);
            if (reason != null) {
                throw badPath(relativePath, reason);
            }
            segments.add(segment);
        }
        return List.copyOf(segments);
    }

    /**
     * Checks that a single name (for example an artifact's {@code file} field) is a bare file name.
     *
     * @param field the manifest field it came from, named in the error message (may be null)
     * @throws IntegrityException with {@link ErrorCode#BAD_PATH}
     */
    public static String requireBareName(String field, String name) {
        String reason = whyNotBareName(name);
        if (reason != null) {
            String where = field == null ? "" : field + ": ";
            throw new IntegrityException(
                    ErrorCode.BAD_PATH,
                    where + "refusing file name " + quote(name) + ": " + reason
                            + "; a feed file name must be a bare name (the manifest is wrong or was tampered with)",
                    field == null ? Map.of("path", String.valueOf(name)) : Map.of("path", String.valueOf(name), "field", field));
        }
        return name;
    }

    /** Returns null when {@code segment} is a bare name, else a short reason fit for a message. */
    static String whyNotBareName(String segment) {
        if (segment == null || segment.isEmpty()) {
            return "it has an empty segment";
        }
        if (segment.equals(".") || segment.equals("..")) {
            return "it has a '" + segment + "' segment";
        }
        if (segment.getBytes(StandardCharsets.UTF_8).length > MAX_SEGMENT_BYTES) {
            return "a segment is longer than " + MAX_SEGMENT_BYTES + " bytes";
        }
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
                return "it contains a control character (U+" + String.format("%04X", (int) c) + ")";
            }
            switch (c) {
                case '/':
                    return "a segment contains '/'";
                case '\\':
                    return "it contains a backslash";
                case ':':
                    return "it contains ':' (a URL or drive prefix)";
                case '%':
                    return "it contains '%' (percent-encoding is not allowed in feed file names)";
                default:
                    break;
            }
        }
        return null;
    }

    /**
     * Percent-encodes one validated segment for use in a URL path: everything except RFC 3986
     * unreserved characters is encoded, so {@code +}, {@code ?}, {@code #} and spaces reach the server
     * as data, never as syntax (S3, for one, reads a literal {@code +} in a path as a space).
     */
    static String encodeSegment(String segment) {
        StringBuilder out = new StringBuilder(segment.length() + 8);
        for (byte b : segment.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_' || c == '~') {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }

    static IntegrityException badPath(String path, String reason) {
        return new IntegrityException(
                ErrorCode.BAD_PATH,
                "refusing feed path " + quote(path) + ": " + reason
                        + "; feed paths must be made of bare file names (a manifest is wrong or was tampered with)",
                Map.of("path", String.valueOf(path)));
    }

    /** Quotes a possibly hostile string for a message: control characters are escaped, length is bounded. */
    static String quote(String s) {
        if (s == null) {
            return "(none)";
        }
        StringBuilder out = new StringBuilder("'");
        int limit = Math.min(s.length(), 200);
        for (int i = 0; i < limit; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        if (s.length() > limit) {
            out.append("...");
        }
        return out.append('\'').toString();
    }
}
