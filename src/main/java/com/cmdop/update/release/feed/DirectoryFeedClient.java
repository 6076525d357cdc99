package com.cmdop.update.release.feed;


import com.cmdop.update.model.error.ErrorCode;
import com.cmdop.update.model.error.UpdateException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import org.apache.commons.io.input.BoundedInputStream;

/**
 * A feed in a local directory (a path or a file:// URL): a mirror, a mounted share, or the output of
 * {@code release publish --feed DIR}.
 *
 * <p>Same caps as over HTTP: the size on disk is checked before reading, so a 10 MiB file where
 * 64 KiB is the cap is refused without reading it, and reading stops at cap + 1 bytes anyway in case
 * the file grows meanwhile. There are no validators: {@link #fetch} always reads the file (cheap).
 * There are no timeouts either: a local read cannot be interrupted portably; a hung network mount
 * hangs this like any other program.
 */
public final class DirectoryFeedClient implements FeedClient {
    private static final int BUFFER = 1024 * 1024; // one large buffer for the whole artifact: few reads, few writes

    private final FeedLocation location;

    public DirectoryFeedClient(FeedLocation location) {
        if (location.kind() != FeedLocation.Kind.DIRECTORY) {
            throw new IllegalArgumentException("not a directory feed: " + location);
        }
        this.location = location;
    }

    @Override
    public FeedLocation location() {
        return location;
    }

    @Override
    public FetchResult fetch(String relativePath, long maxBytes, Validators conditional) {
        HttpFeedClient.checkInMemoryCap(maxBytes);
        Path file = location.resolvePath(relativePath);
        FeedErrors.Target target = FeedErrors.Target.file(file);
        try (FileChannel channel = openRegularFile(file, relativePath)) {
            long size = channel.size();
            if (size > maxBytes) {
                throw FeedErrors.lengthExceeded(target, maxBytes, "the file has " + size + " bytes");
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream((int) size);
            // reads at most cap + 1 bytes, so a file that grows meanwhile is noticed without reading it all
            long read = BoundedInputStream.builder().setInputStream(Channels.newInputStream(channel))
                    .setMaxCount(maxBytes + 1).get().transferTo(out);
            if (read > maxBytes) {
                throw FeedErrors.lengthExceeded(target, maxBytes, "the file grew while it was read");
            }
            return FetchResult.ofBytes(out.toByteArray(), Validators.NONE, file.toString());
        } catch (IOException e) {
            throw FeedErrors.localReadFailure(file, e);
        }
    }

    @Override
    public void fetchTo(String relativePath, long exactLength, OutputStream sink) {
        if (exactLength < 0) {
            throw new IllegalArgumentException("exactLength must not be negative");
        }
        Path file = location.resolvePath(relativePath);
        FeedErrors.Target target = FeedErrors.Target.file(file);
        try (FileChannel channel = openRegularFile(file, relativePath)) {
            long size = channel.size();
            if (size > exactLength) {
                throw FeedErrors.lengthExceeded(target, exactLength, "the file has " + size + " bytes");
            }
            if (size < exactLength) {
                throw FeedErrors.truncated(target, exactLength, size, null);
            }
            InputStream in = Channels.newInputStream(channel);
            byte[] buffer = new byte[BUFFER];
            long total = 0;
            while (total <= exactLength) {
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, exactLength + 1 - total));
                if (n < 0) {
                    break;
                }
                if (total + n > exactLength) {
                    throw FeedErrors.lengthExceeded(target, exactLength, "the file grew while it was read");
                }
                try {
                    sink.write(buffer, 0, n);
                } catch (IOException e) {
                    throw FeedErrors.localWriteFailure(target, e);
                }
                total += n;
            }
            if (total < exactLength) {
                throw FeedErrors.truncated(target, exactLength, total, null);
            }
        } catch (IOException e) {
            throw FeedErrors.localReadFailure(file, e);
        }
    }

    /**
     * Opens {@code file} (already a real path inside the feed) for reading, refusing anything but a
     * regular file: a FIFO would block the open forever, a device could be endless.
     */
    private FileChannel openRegularFile(Path file, String relativePath) throws IOException {
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            throw FeedErrors.notFound(FeedErrors.Target.file(file), relativePath, 0);
        }
        if (!attrs.isRegularFile()) {
            throw notARegularFile(file);
        }
        // NOFOLLOW_LINKS: the path was resolved to its real path; if a symlink appeared there since,
        // refuse it rather than follow it out of the feed.
        return FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
    }

    private static UpdateException notARegularFile(Path file) {
        return new UpdateException(ErrorCode.FEED_UNAVAILABLE,
                file + " is not a regular file; check " + FeedLocation.CONFIG_KEY,
                Map.of("path", file.toString()));
    }

    @Override
    public void close() {
        // nothing to release: every fetch closes its file
    }
}
