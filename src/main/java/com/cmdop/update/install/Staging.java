package com.cmdop.update.install;

import com.cmdop.update.model.error.ErrorCode;
import com.cmdop.update.model.error.IntegrityException;
import com.cmdop.update.model.error.UpdateException;
import com.cmdop.update.io.AtomicFiles;
import com.cmdop.update.trust.Sha256;
import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Staging files beside install_path ({@code <dir>/.cmdop.staging-<random>}): created with CREATE_NEW and
 * NOFOLLOW_LINKS, mode 0600, filled and fsynced, made 0755 only once verified, then renamed over
 * install_path in one atomic step. Being in the same directory, the rename never crosses filesystems.
 */
final class Staging {
    static final String PREFIX = ".cmdop.staging-";
    private static final SecureRandom RANDOM = new SecureRandom();
    /** One buffer for the whole download: few, large writes to the file (measured: bench/run). */
    private static final int WRITE_BUFFER = 1024 * 1024;

    private Staging() {}

    static Path create(Path installDir) {
        Path p = installDir.resolve(PREFIX + HexFormat.of().formatHex(randomBytes(8)));
        try {
            Files.createFile(p, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            return p;
        } catch (IOException e) {
            throw AtomicFiles.ioFailure("create a staging file in", installDir, e);
        }
    }

    /**
     * Streams the source into the (empty) staging file with at most {@code maxBytes} accepted, fsyncs it,
     * and returns the SHA-256 of the bytes written to it, computed as they pass on their way to the file:
     * the file is not read back. (It is ours alone meanwhile: created 0600 with CREATE_NEW in a directory
     * that Preflight found safe, and only renamed, never reopened, after this.)
     */
    static Sha256.Measurement download(Path staging, ArtifactSource source, long maxBytes, Progress progress,
            CrashPoints crashPoints) {
        CappedOutputStream capped = null;
        Sha256.Hashing hashing = null;
        try (FileChannel ch = FileChannel.open(staging, Set.of(StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING, LinkOption.NOFOLLOW_LINKS))) {
            hashing = new Sha256.Hashing(new BufferedOutputStream(Channels.newOutputStream(ch), WRITE_BUFFER));
            capped = new CappedOutputStream(progress.wrap(hashing), maxBytes, crashPoints);
            try {
                source.writeTo(capped);
                capped.flush();
            } finally {
                progress.done();
            }
            ch.force(true);
        } catch (IOException e) {
            if (capped != null && capped.exceeded) {
                throw lengthExceeded(staging, maxBytes);
            }
            throw AtomicFiles.ioFailure("write the staging file", staging, e);
        } catch (RuntimeException e) {
            if (capped != null && capped.exceeded) {
                throw lengthExceeded(staging, maxBytes);
            }
            throw e;
        }
        crashPoints.reach(CrashPoints.VERIFY);
        return hashing.measurement();
    }

    /** Copies a cached binary into the (empty) staging file, fsyncs it, and measures what is on disk. */
    static Sha256.Measurement copyFrom(Path cached, Path staging) {
        try (InputStream in = Files.newInputStream(cached, LinkOption.NOFOLLOW_LINKS);
                FileChannel ch = FileChannel.open(staging, Set.of(StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING, LinkOption.NOFOLLOW_LINKS))) {
            in.transferTo(Channels.newOutputStream(ch));
            ch.force(true);
        } catch (IOException e) {
            throw AtomicFiles.ioFailure("copy " + cached + " to", staging, e);
        }
        return measure(staging, Long.MAX_VALUE);
    }

    static Sha256.Measurement measure(Path file, long maxBytes) {
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            return Sha256.measure(in, maxBytes, file.toString());
        } catch (IOException e) {
            throw AtomicFiles.ioFailure("read", file, e);
        }
    }

    /**
     * Sets the staged file's mtime to the whole second before {@code started} (when its bytes began to be
     * written), so that any later write, whatever the filesystem's timestamp granularity, moves mtime forward:
     * the identity under which {@code FileHashes} remembers the installed binary's hash then no longer matches.
     */
    static void backdate(Path staging, Instant started) {
        try {
            Files.setLastModifiedTime(staging, FileTime.from(started.truncatedTo(ChronoUnit.SECONDS).minusSeconds(1)));
        } catch (IOException e) {
            throw AtomicFiles.ioFailure("set the modification time of", staging, e);
        }
    }

    static void makeExecutable(Path staging) {
        try {
            Files.setPosixFilePermissions(staging, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException e) {
            throw AtomicFiles.ioFailure("make executable", staging, e);
        }
    }

    /** The one atomic step: rename the staged binary over install_path, then fsync the directory. */
    static void swapInto(Path staging, Path installPath) {
        try {
            Files.move(staging, installPath, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            throw new UpdateException(ErrorCode.IO_ERROR, "cannot rename " + staging + " over " + installPath
                    + " atomically (" + e.getReason() + "); install_path must be a file in a local directory",
                    Map.of("path", installPath.toString()), e);
        } catch (IOException e) {
            throw AtomicFiles.ioFailure("replace", installPath, e);
        }
        fsyncDir(installPath);
    }

    /** Removes install_path (undoing a first install, when there was no binary before). */
    static void remove(Path installPath) {
        try {
            Files.deleteIfExists(installPath);
        } catch (IOException e) {
            throw AtomicFiles.ioFailure("remove", installPath, e);
        }
        fsyncDir(installPath);
    }

    /** Deletes {@code .cmdop.staging-*} files left by interrupted runs; returns what was removed. */
    static List<Path> removeLeftovers(Path installDir) {
        List<Path> removed = new ArrayList<>();
        if (!Files.isDirectory(installDir)) {
            return removed;
        }
        try (Stream<Path> s = Files.list(installDir)) {
            for (Path p : s.filter(p -> p.getFileName().toString().startsWith(PREFIX)).toList()) {
                if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) || Files.isSymbolicLink(p)) {
                    Files.deleteIfExists(p);
                    removed.add(p);
                }
            }
        } catch (IOException e) {
            throw AtomicFiles.ioFailure("clean staging files in", installDir, e);
        }
        return removed;
    }

    static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    private static void fsyncDir(Path installPath) {
        try {
            AtomicFiles.fsyncDirectory(installPath.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw AtomicFiles.ioFailure("sync the directory of", installPath, e);
        }
    }

    private static IntegrityException lengthExceeded(Path staging, long maxBytes) {
        return new IntegrityException(ErrorCode.LENGTH_EXCEEDED, "the download is longer than the signed length of "
                + maxBytes + " bytes: it is not what was signed (or the feed is misbehaving); nothing was changed",
                Map.of("source", staging.toString(), "max_bytes", maxBytes));
    }

    /** Refuses the byte after {@code max}; remembers that it did, whatever the source makes of the exception. */
    private static final class CappedOutputStream extends FilterOutputStream {
        private final long max;
        private final CrashPoints crashPoints;
        private long count;
        private boolean halfway;
        boolean exceeded;

        CappedOutputStream(OutputStream out, long max, CrashPoints crashPoints) {
            super(out);
            this.max = max;
            this.crashPoints = crashPoints;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (count + len > max) {
                exceeded = true;
                throw new IOException("more than the signed " + max + " bytes");
            }
            out.write(b, off, len);
            count += len;
            if (!halfway && count >= max / 2) {
                halfway = true;
                out.flush();
                crashPoints.reach(CrashPoints.DOWNLOAD);
            }
        }
    }
}
