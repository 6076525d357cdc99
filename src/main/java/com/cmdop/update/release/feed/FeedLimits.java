package com.cmdop.update.release.feed;

/**
 * Size caps of everything fetched from a feed. A response larger than its cap is refused with
 * LENGTH_EXCEEDED (exit 80) after reading at most cap + 1 bytes, or before reading anything when the
 * server announces a larger Content-Length (or a directory file is larger on disk).
 *
 * <p>Why these values: a channel manifest is a few hundred bytes and a release manifest a few KiB
 * even with many platforms and advisories, so 64 KiB leaves two orders of magnitude of headroom
 * while keeping a hostile feed from making us buffer much. A minisign signature file is under 1 KiB
 * (two comment lines of at most a few hundred bytes plus two base64 lines); 16 KiB is generous.
 * Artifacts are never capped by a constant: their cap is the exact length in the signed release
 * manifest, see {@link FeedClient#fetchTo(String, long, java.io.OutputStream)}.
 */
public final class FeedLimits {
    /** Cap of channels/*.json and releases/&lt;v&gt;/release.json, and of SHA256SUMS. */
    public static final long MANIFEST_MAX_BYTES = 64 * 1024;
    /**
     * Cap of releases/index.json: about 400 bytes per release with two platforms, so 1 MiB holds a couple of
     * thousand releases (years of nightlies) while bounding what a hostile feed can make a client buffer.
     */
    public static final long INDEX_MAX_BYTES = 1024 * 1024;
    /** Cap of every *.minisig file. */
    public static final long SIGNATURE_MAX_BYTES = 16 * 1024;
    /**
     * Upper bound of {@link FeedClient#fetch}, which holds the body in memory: anything larger must be
     * streamed with {@code fetchTo}. A guard against a programming error, not a feed limit.
     */
    public static final long IN_MEMORY_MAX_BYTES = 1024 * 1024;

    private FeedLimits() {}
}
