package com.cmdop.update.publish;

import com.cmdop.update.model.error.ErrorCode;
import com.cmdop.update.model.error.InvalidInputException;
import com.cmdop.update.io.AtomicFiles;
import com.cmdop.update.trust.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.commons.io.input.BoundedInputStream;

/**
 * Files of a feed and of a key pair, written crash-safely: a temp file created with {@code CREATE_NEW}
 * and {@code NOFOLLOW_LINKS} (mode 0600) in the target's directory, written, fsynced, given its final
 * mode, renamed over the target with {@code ATOMIC_MOVE}, then the directory fsynced. Unlike
 * {@link AtomicFiles#write}, the final mode is always the one given (a replaced secret key never
 * inherits a looser mode), and artifacts are streamed, never held in memory.
 */
final class FeedFiles {
    static final Set<PosixFilePermission> PUBLIC_FILE = PosixFilePermissions.fromString("rw-r--r--");
    static final Set<PosixFilePermission> SECRET_FILE = PosixFilePermissions.fromString("rw-------");
    static final Set<PosixFilePermission> PUBLIC_DIR = PosixFilePermissions.fromString("rwxr-xr-x");
    static final Set<PosixFilePermission> PRIVATE_DIR = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> TEMP = SECRET_FILE;
    private static final SecureRandom RANDOM = new SecureRandom();

    private FeedFiles() {}

    /** Writes {@code bytes} to {@code target} atomically with mode {@code mode}. */
    static void write(Path target, byte[] bytes, Set<PosixFilePermission> mode) {
        Path dir = parentOf(target);
        Path tmp = tempFor(target);
        try {
            try (FileChannel ch = createTemp(tmp)) {
                ByteBuffer buf = ByteBuffer.wrap(bytes);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            finish(tmp, target, mode, dir);
        } catch (IOException e) {
            AtomicFiles.deleteQuietly(tmp);
            throw AtomicFiles.ioFailure("write", target, e);
        }
    }

    /** A file to write: where, what, with which mode. */
    record Content(Path target, byte[] bytes, Set<PosixFilePermission> mode) {}

    /**
     * Writes several files of one directory so that they change together as closely as the file system
     * allows: every temp file is written and fsynced first, then they are renamed in the given order, one
     * right after the other, then the directory is fsynced. Used for a manifest and its signature: a
     * reader can see a mismatched pair only for the moment between two renames.
     */
    static void writeTogether(List<Content> files) {
        List<Path> temps = new ArrayList<>();
        Path current = null;
        try {
            for (Content c : files) {
                current = c.target();
                parentOf(c.target());
                Path tmp = tempFor(c.target());
                temps.add(tmp);
                try (FileChannel ch = createTemp(tmp)) {
                    ByteBuffer buf = ByteBuffer.wrap(c.bytes());
                    while (buf.hasRemaining()) {
                        ch.write(buf);
                    }
                    ch.force(true);
                }
                Files.setPosixFilePermissions(tmp, c.mode());
            }
            for (int i = 0; i < files.size(); i++) {
                current = files.get(i).target();
                Files.move(temps.get(i), current, StandardCopyOption.ATOMIC_MOVE);
            }
            for (Path dir : files.stream().map(c -> c.target().toAbsolutePath().getParent()).distinct().toList()) {
                AtomicFiles.fsyncDirectory(dir);
            }
        } catch (IOException e) {
            temps.forEach(AtomicFiles::deleteQuietly);
            throw AtomicFiles.ioFailure("write", current, e);
        }
    }

    /**
     * Copies {@code source} to {@code target} atomically (mode 0644), streaming, and returns the SHA-256 and
     * length of the bytes that were written. The caller compares them with what it measured before, so a
     * source that changes while it is copied is never published under the old digest.
     */
    static Sha256.Measurement copy(Path source, Path target, long maxBytes) {
        Path dir = parentOf(target);
        Path tmp = tempFor(target);
        try (InputStream in = Files.newInputStream(source)) {
            try (FileChannel ch = createTemp(tmp)) {
                OutputStream out = Channels.newOutputStream(ch);
                // at most maxBytes + 1 bytes are read: one more than allowed is enough to refuse the file
                long total = BoundedInputStream.builder().setInputStream(in).setMaxCount(maxBytes + 1).get()
                        .transferTo(out);
                if (total > maxBytes) {
                    throw new IOException("more than " + maxBytes + " bytes");
                }
                ch.force(true);
            }
            // what is on disk now, not what we think we wrote
            Sha256.Measurement written;
            try (InputStream check = Files.newInputStream(tmp)) {
                written = Sha256.measure(check, maxBytes, tmp.toString());
            }
            finish(tmp, target, PUBLIC_FILE, dir);
            return written;
        } catch (IOException e) {
            AtomicFiles.deleteQuietly(tmp);
            throw AtomicFiles.ioFailure("copy " + source + " to", target, e);
        }
    }

    /** SHA-256 and length of a file, streamed; at most {@code maxBytes}. */
    static Sha256.Measurement measure(Path file, long maxBytes) {
        try (InputStream in = Files.newInputStream(file)) {
            return Sha256.measure(in, maxBytes, file.toString());
        } catch (IOException e) {
            throw AtomicFiles.ioFailure("read", file, e);
        }
    }

    /** The bytes of a small feed file, or empty when it does not exist; more than {@code max} is refused. */
    static Optional<byte[]> readIfExists(Path file, int max, String what) {
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new InvalidInputException(ErrorCode.INVALID_INPUT, file + " is not a regular file; the feed"
                    + " holds plain files only (no links or directories in its place): remove it and run again",
                    Map.of("path", file.toString()));
        }
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            byte[] bytes = in.readNBytes(max + 1);
            if (bytes.length > max) {
                throw new InvalidInputException(ErrorCode.INVALID_INPUT, file + " is larger than " + max
                        + " bytes, more than a " + what + " can be; the feed is damaged or this is not a feed",
                        Map.of("path", file.toString()));
            }
            return Optional.of(bytes);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw AtomicFiles.ioFailure("read", file, e);
        }
    }

    /** Creates {@code dir} and missing parents with {@code mode}; an existing directory is left as it is. */
    static void createDirectories(Path dir, Set<PosixFilePermission> mode) {
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(mode));
            }
        } catch (IOException e) {
            throw AtomicFiles.ioFailure("create directory", dir, e);
        }
    }

    private static FileChannel createTemp(Path tmp) throws IOException {
        return FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS), PosixFilePermissions.asFileAttribute(TEMP));
    }

    private static void finish(Path tmp, Path target, Set<PosixFilePermission> mode, Path dir) throws IOException {
        Files.setPosixFilePermissions(tmp, mode);
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        AtomicFiles.fsyncDirectory(dir);
    }

    private static Path parentOf(Path target) {
        Path dir = target.toAbsolutePath().getParent();
        createDirectories(dir, PUBLIC_DIR);
        return dir;
    }

    private static Path tempFor(Path target) {
        byte[] b = new byte[6];
        RANDOM.nextBytes(b);
        return target.resolveSibling("." + target.getFileName() + ".tmp-" + HexFormat.of().formatHex(b));
    }
}
