package com.cmdop.update.lock;

import com.cmdop.update.model.error.ErrorCode;
import com.cmdop.update.model.error.UpdateException;
import com.cmdop.update.io.AtomicFiles;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;

/**
 * One mutating run per machine (SPEC section 9). A kernel lock ({@code tryLock}) on a file in the data
 * directory: the kernel releases it when the process dies, even on {@code kill -9}, so a crash never
 * leaves a stale lock. The file's existence means nothing.
 */
public final class RunLock implements AutoCloseable {
    private static final long POLL_MILLIS = 100;

    private final FileChannel channel;
    private final FileLock lock;

    private RunLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Waits up to {@code wait} for the lock; then fails with LOCKED (exit 75). */
    public static RunLock acquire(Path lockFile, Duration wait) {
        AtomicFiles.createDirectories(lockFile.toAbsolutePath().getParent());
        if (Files.isSymbolicLink(lockFile)) {
            throw new UpdateException(ErrorCode.UNSAFE_DIRECTORY, lockFile + " is a symbolic link; the lock file is "
                    + "opened (and created) as root, never through a link: remove the link", Map.of("lock_file",
                    lockFile.toString()));
        }
        FileChannel ch;
        try {
            ch = FileChannel.open(lockFile, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    LinkOption.NOFOLLOW_LINKS), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(
                    "rw-------")));
        } catch (IOException e) {
            throw AtomicFiles.ioFailure("open lock file", lockFile, e);
        }
        long deadline = System.nanoTime() + wait.toNanos();
        try {
            while (true) {
                FileLock l = tryLock(ch);
                if (l != null) {
                    return new RunLock(ch, l);
                }
                if (System.nanoTime() >= deadline) {
                    break;
                }
                Thread.sleep(POLL_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            closeQuietly(ch);
            throw AtomicFiles.ioFailure("lock", lockFile, e);
        }
        closeQuietly(ch);
        throw new UpdateException(ErrorCode.LOCKED, "another cmdop-update run holds the lock " + lockFile
                + " (waited " + wait.toSeconds() + " s); run again when it has finished",
                Map.of("lock_file", lockFile.toString(), "waited_seconds", wait.toSeconds()));
    }

    private static FileLock tryLock(FileChannel ch) throws IOException {
        try {
            return ch.tryLock();
        } catch (OverlappingFileLockException e) {
            return null; // held by this JVM (tests running two runs in one process)
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException ignored) {
            // closing the channel releases it too
        }
        closeQuietly(channel);
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }
}
