package com.cmdop.update.release.feed;

import java.util.Objects;

/**
 * The outcome of {@link FeedClient#fetch}: either the bytes of the file, or "not modified" (HTTP 304
 * to a conditional request; the caller then uses the bytes it cached with {@link ValidatorCache}).
 * Either way it carries the validators to send next time.
 */
public final class FetchResult {
    private final byte[] bytes; // null when not modified
    private final Validators validators;
    private final String source;

    private FetchResult(byte[] bytes, Validators validators, String source) {
        this.bytes = bytes;
        this.validators = Objects.requireNonNull(validators, "validators");
        this.source = Objects.requireNonNull(source, "source");
    }

    public static FetchResult ofBytes(byte[] bytes, Validators validators, String source) {
        return new FetchResult(bytes.clone(), validators, source);
    }

    public static FetchResult notModified(Validators validators, String source) {
        return new FetchResult(null, validators, source);
    }

    public boolean isNotModified() {
        return bytes == null;
    }

    /**
     * The raw bytes, unverified: check their signature before parsing them.
     *
     * @throws IllegalStateException when the result is "not modified"
     */
    public byte[] bytes() {
        if (bytes == null) {
            throw new IllegalStateException(source + " was not modified: use the cached bytes");
        }
        return bytes.clone();
    }

    /** The validators of this response (for "not modified": the server's, else the ones sent). */
    public Validators validators() {
        return validators;
    }

    /** The URL or file the result came from, for messages and logs. */
    public String source() {
        return source;
    }

    @Override
    public String toString() {
        return isNotModified() ? "FetchResult[not modified " + source + "]"
                : "FetchResult[" + bytes.length + " bytes from " + source + "]";
    }
}
