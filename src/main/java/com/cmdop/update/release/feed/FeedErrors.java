package com.cmdop.update.release.feed;


import com.cmdop.update.model.error.ErrorCode;
import com.cmdop.update.model.error.IntegrityException;
import com.cmdop.update.model.error.UpdateException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.AccessDeniedException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The typed errors of the feed transport, in one place so that every client words them the same way:
 * what failed (the URL or file), why, and what to do. {@code details} carry {@code url} or
 * {@code path}, and {@code status}, {@code limit}, {@code received}, {@code timeout} where they apply.
 */
final class FeedErrors {
    /** What was being fetched: a URL ({@code details.url}) or a local file ({@code details.path}). */
    record Target(String key, String value) {
        static Target url(URI uri) {
            return new Target("url", uri.toString());
        }

        static Target file(Path path) {
            return new Target("path", path.toString());
        }

        Map<String, Object> details() {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put(key, value);
            return d;
        }

        @Override
        public String toString() {
            return value;
        }
    }

    private FeedErrors() {}

    static UpdateException notFound(Target target, String relativePath, int status) {
        Map<String, Object> d = target.details();
        d.put(FeedClient.NOT_FOUND, true);
        if (status > 0) {
            d.put("status", status);
        }
        String hint = relativePath != null && relativePath.startsWith("channels/")
                ? "; a missing channel manifest usually means a wrong " + FeedLocation.CONFIG_KEY
                        + " or a channel that was never published to this feed"
                : "; check " + FeedLocation.CONFIG_KEY + " (is the release published completely?)";
        return new UpdateException(ErrorCode.FEED_UNAVAILABLE,
                target + " was not found" + (status > 0 ? " (HTTP " + status + ")" : "") + hint, d);
    }

    static UpdateException badStatus(Target target, int status) {
        Map<String, Object> d = target.details();
        d.put("status", status);
        String what = status >= 500
                ? "the feed server failed (HTTP " + status + "); try again later"
                : "the feed server answered HTTP " + status + "; check " + FeedLocation.CONFIG_KEY
                        + " and any proxy in between";
        return new UpdateException(ErrorCode.FEED_UNAVAILABLE, target + ": " + what, d);
    }

    static IntegrityException lengthExceeded(Target target, long limit, String seen) {
        Map<String, Object> d = target.details();
        d.put("limit", limit);
        return new IntegrityException(ErrorCode.LENGTH_EXCEEDED,
                target + " is larger than the " + limit + "-byte limit (" + seen
                        + "); refusing it: the feed serves something other than what was published",
                d);
    }

    static UpdateException truncated(Target target, long expected, long received, Throwable cause) {
        Map<String, Object> d = target.details();
        d.put("expected", expected);
        d.put("received", received);
        return new UpdateException(ErrorCode.FEED_UNAVAILABLE,
                target + " was truncated: received " + received + " of " + expected
                        + " bytes before the transfer ended; try again later",
                d, cause);
    }

    static UpdateException connectionLost(Target target, long received, Throwable cause) {
        Map<String, Object> d = target.details();
        d.put("received", received);
        return new UpdateException(ErrorCode.FEED_UNAVAILABLE,
                target + ": the connection failed after " + received + " bytes (" + describe(cause)
                        + "); the download is incomplete, try again later",
                d, cause);
    }

    static UpdateException timeout(Target target, String which, Duration limit, String what) {
        Map<String, Object> d = target.details();
        d.put("timeout", which);
        d.put("timeout_ms", limit.toMillis());
        return new UpdateException(ErrorCode.FEED_UNAVAILABLE,
                target + ": " + what + " (" + which + " timeout " + FeedTimeouts.format(limit)
                        + "); the feed server or the network is stalled, try again later",
                d);
    }

    static UpdateException unreachable(Target target, String what, Throwable cause) {
        return new UpdateException(ErrorCode.FEED_UNAVAILABLE,
                target + ": " + what + "; check " + FeedLocation.CONFIG_KEY
                        + ", the network and any proxy (HTTPS_PROXY, NO_PROXY), then try again",
                target.details(), cause);
    }

    static UpdateException localReadFailure(Path path, IOException e) {
        Map<String, Object> d = Map.of("path", path.toString());
        if (e instanceof AccessDeniedException) {
            return new UpdateException(ErrorCode.PERMISSION_DENIED,
                    "cannot read " + path + ": permission denied; run as a user who may read the feed"
                            + " directory, or change " + FeedLocation.CONFIG_KEY,
                    d, e);
        }
        return new UpdateException(ErrorCode.FEED_UNAVAILABLE,
                "cannot read " + path + " (" + describe(e) + "); check " + FeedLocation.CONFIG_KEY, d, e);
    }

    /** A failure of the caller's sink (the staging file): local I/O, not the feed's fault. */
    static UpdateException localWriteFailure(Target target, IOException e) {
        Map<String, Object> d = target.details();
        String text = String.valueOf(e.getMessage());
        boolean full = text.contains("No space left on device") || text.contains("Disk quota exceeded");
        return new UpdateException(full ? ErrorCode.DISK_FULL : ErrorCode.IO_ERROR,
                "writing the download of " + target + " failed (" + describe(e) + ")"
                        + (full ? "; free disk space and try again" : "; check the data directory"),
                d, e);
    }

    static String describe(Throwable t) {
        if (t == null) {
            return "unknown error";
        }
        String m = t.getMessage();
        return t.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m);
    }
}
