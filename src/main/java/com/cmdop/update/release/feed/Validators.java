package com.cmdop.update.release.feed;

/**
 * HTTP cache validators of a response: its {@code ETag} and {@code Last-Modified} header values,
 * either may be null. Sent back as {@code If-None-Match} / {@code If-Modified-Since}.
 *
 * <p>Values that could not be sent back safely (non-printable characters, CR/LF, longer than
 * {@value #MAX_LENGTH} characters) are dropped: a hostile server must not be able to inject headers
 * into our next request or bloat the cache.
 */
public record Validators(String etag, String lastModified) {
    static final int MAX_LENGTH = 512;

    /** No validators: an unconditional request. */
    public static final Validators NONE = new Validators(null, null);

    public Validators {
        etag = sanitize(etag);
        lastModified = sanitize(lastModified);
    }

    public boolean isEmpty() {
        return etag == null && lastModified == null;
    }

    private static String sanitize(String value) {
        if (value == null) {
            return null;
        }
        String v = value.strip();
        if (v.isEmpty() || v.length() > MAX_LENGTH) {
            return null;
        }
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                return null;
            }
        }
        return v;
    }
}
