package com.cmdop.update.release.feed;


import com.cmdop.update.model.error.ErrorCode;
import com.cmdop.update.model.error.UpdateException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Set;

/**
 * Fetches raw bytes from a release feed, with size caps and timeouts. It knows nothing about
 * signatures or manifests: callers verify what it returns before they parse it.
 *
 * <p>Every failure is an {@link UpdateException}: FEED_UNAVAILABLE (exit 69) for a missing file, a
 * bad status, a timeout, a refused connection or a truncated body; LENGTH_EXCEEDED (exit 80) when
 * the feed serves more than the cap; BAD_PATH (exit 80) for a relative path that is not made of bare
 * names; IO_ERROR/DISK_FULL (exit 74) when the caller's sink fails; INVALID_CONFIG (exit 65) from
 * {@link #open} for an unusable proxy setting; PERMISSION_DENIED (exit 77) for an unreadable file of
 * a directory feed.
 *
 * <p>Relative paths are feed-relative, '/'-separated: {@code channels/stable.json},
 * {@code releases/v1.2.3/release.json.minisig}.
 */
public interface FeedClient extends AutoCloseable {
    /**
     * A key set to true in the details of FEED_UNAVAILABLE for a file that is not there (HTTP 404/410, a
     * missing file in a directory feed), so callers can tell "absent" from "unreachable".
     */
    String NOT_FOUND = "not_found";

    /**
     * Opens a client for a feed: {@link HttpFeedClient} for https/loopback http,
     * {@link DirectoryFeedClient} for directories and file:// URLs.
     *
     * @param env the process environment (HTTPS_PROXY, NO_PROXY, ...); passed in so tests can choose
     */
    static FeedClient open(FeedLocation location, FeedTimeouts timeouts, Map<String, String> env) {
        return open(location, timeouts, env, null);
    }

    /** The same, through {@code proxy} ({@code update.proxy}) when it is set, else the environment's proxy. */
    static FeedClient open(FeedLocation location, FeedTimeouts timeouts, Map<String, String> env, String proxy) {
        if (location.kind() == FeedLocation.Kind.DIRECTORY) {
            return new DirectoryFeedClient(location);
        }
        return new HttpFeedClient(location, timeouts, EnvProxySelector.of(proxy, env));
    }

    FeedLocation location();

    /**
     * Fetches a small file (a manifest or a signature) into memory.
     *
     * @param maxBytes the cap, e.g. {@link FeedLimits#MANIFEST_MAX_BYTES}; at most
     *     {@link FeedLimits#IN_MEMORY_MAX_BYTES}
     * @param conditional validators from {@link ValidatorCache}, or {@link Validators#NONE}; a feed
     *     without validators (a directory) always returns the bytes
     */
    FetchResult fetch(String relativePath, long maxBytes, Validators conditional);

    /**
     * Streams a file of a known, signed length (an artifact) into {@code sink}, never holding it in
     * memory. The sink is not closed. On any failure the sink holds a partial body: discard it.
     *
     * @throws UpdateException LENGTH_EXCEEDED when the body is longer than {@code exactLength},
     *     FEED_UNAVAILABLE ("truncated") when shorter
     */
    void fetchTo(String relativePath, long exactLength, OutputStream sink);

    /**
     * Streams a file of a known length into a new file {@code target}: created with CREATE_NEW (an
     * existing file or symlink there is an error, never followed or overwritten), mode 0600 where the
     * file system is POSIX, and forced to disk before returning. On failure the partial file is deleted.
     */
    default void fetchTo(String relativePath, long exactLength, Path target) {
        FileChannel channel;
        try {
            channel = FileChannel.open(target,
                    Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            try {
                channel = FileChannel.open(target,
                        StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
            } catch (IOException io) {
                throw stagingFailure(target, io);
            }
        } catch (FileAlreadyExistsException e) {
            throw new UpdateException(ErrorCode.IO_ERROR,
                    "cannot download to " + target + ": a file already exists there; remove it and try again",
                    Map.of("path", target.toString()), e);
        } catch (IOException e) {
            throw stagingFailure(target, e);
        }
        boolean ok = false;
        try (FileChannel c = channel) {
            OutputStream out = Channels.newOutputStream(c);
            fetchTo(relativePath, exactLength, out);
            out.flush();
            c.force(true);
            ok = true;
        } catch (IOException e) {
            throw stagingFailure(target, e);
        } finally {
            if (!ok) {
                try {
                    Files.deleteIfExists(target);
                } catch (IOException ignored) {
                    // the original failure matters more; a stale partial file is harmless (CREATE_NEW)
                }
            }
        }
    }

    private static UpdateException stagingFailure(Path target, IOException e) {
        return FeedErrors.localWriteFailure(FeedErrors.Target.file(target), e);
    }

    /** Releases threads and connections; never throws. */
    @Override
    void close();
}
