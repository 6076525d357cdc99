package com.cmdop.update.io;

import com.cmdop.update.model.error.ErrorCode;
import com.cmdop.update.model.error.UpdateException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;

/**
 * Crash-safe file replacement (DESIGN.md "Atomic file write"): a temp file in the same directory,
 * written and fsynced, renamed over the target with ATOMIC_MOVE, then the directory fsynced. A reader
 * sees the old file or the new one, never a mix, even after a power loss.
 */
public final class AtomicFiles {

    private AtomicFiles() {}

    /**
     * Writes {@code bytes} to {@code target}; keeps the target's permissions if it exists, else uses {@code mode}.
     * A symbolic link (config.yaml kept elsewhere by configuration management) is written through: the file it
     * points to is replaced atomically in its own directory, keeping its own mode, and the link stays. A link
     * that points nowhere is refused, so no write creates a file wherever a planted link points.
     */
    public static void write(Path link, byte[] bytes, String mode) {
        Path target = throughLink(link);
        Path dir = target.toAbsolutePath().getParent();
        createDirectories(dir);
        Path tmp = dir.resolve("." + target.getFileName() + ".tmp-" + HexFormat.of().formatHex(randomBytes(6)));
        try {
            Set<PosixFilePermission> perms = Files.exists(target, LinkOption.NOFOLLOW_LINKS)
                    ? Files.getPosixFilePermissions(target, LinkOption.NOFOLLOW_LINKS)
                    : PosixFilePermissions.fromString(mode);
            try (FileChannel ch = FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                    LinkOption.NOFOLLOW_LINKS), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
                ByteBuffer buf = ByteBuffer.wrap(bytes);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            Files.setPosixFilePermissions(tmp, perms);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            fsyncDirectory(dir);
        } catch (IOException e) {
            deleteQuietly(tmp);
            throw ioFailure("write", target, e);
        }
    }

    /** The file a symbolic link points to (all links resolved), or {@code file} itself when it is no link. */
    private static Path throughLink(Path file) {
        if (!Files.isSymbolicLink(file)) {
            return file;
        }
        try {
            return file.toRealPath();
        } catch (IOException e) {
            throw new UpdateException(ErrorCode.IO_ERROR, file + " is a symbolic link to a file that does not exist; "
                    + "replace the link with the file, or point it at an existing one; nothing was written",
                    Map.of("path", file.toString()), e);
        }
    }

    /** Creates a directory and its parents with mode 0755, mapping failures to typed errors. */
    public static void createDirectories(Path dir) {
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
            }
        } catch (IOException e) {
            throw ioFailure("create directory", dir, e);
        }
    }

    public static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    /**
     * Reads a small file the tool owns (state.json, trust.json, the journal, the quarantine list) only when it
     * is a regular file: a FIFO or device in its place would block open(2) forever, with the run lock held.
     * A symbolic link is not followed. Missing: {@link java.nio.file.NoSuchFileException}.
     */
    public static byte[] readRegularFile(Path file) throws IOException {
        java.nio.file.attribute.BasicFileAttributes a = Files.readAttributes(file,
                java.nio.file.attribute.BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!a.isRegularFile()) {
            throw new FileSystemException(file.toString(), null, "not a regular file (a "
                    + (a.isSymbolicLink() ? "symbolic link" : a.isDirectory() ? "directory" : "FIFO, socket or device")
                    + "); move it aside and run again");
        }
        try (java.io.InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            return in.readAllBytes();
        }
    }

    /** Maps an I/O failure to PERMISSION_DENIED, DISK_FULL or IO_ERROR with a message that says what to do. */
    public static UpdateException ioFailure(String what, Path path, IOException e) {
        String reason = e instanceof FileSystemException fse && fse.getReason() != null ? fse.getReason() : e.toString();
        Map<String, Object> details = Map.of("path", path.toString());
        if (e instanceof AccessDeniedException || reason.contains("Permission denied")
                || reason.contains("Read-only file system")) {
            return new UpdateException(ErrorCode.PERMISSION_DENIED, "cannot " + what + " " + path + ": " + reason
                    + "; run as a user who may write there, or point --root/--config elsewhere", details, e);
        }
        if (reason.contains("No space left") || reason.contains("Disk quota")) {
            return new UpdateException(ErrorCode.DISK_FULL, "cannot " + what + " " + path + ": " + reason
                    + "; free some space and run again", details, e);
        }
        return new UpdateException(ErrorCode.IO_ERROR, "cannot " + what + " " + path + ": " + reason, details, e);
    }

    public static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // best effort: a leftover temp file is cleaned by the next run
        }
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        Random.SOURCE.nextBytes(b);
        return b;
    }

    /** Built on first use: seeding a SecureRandom cost every run, also those that write nothing (status). */
    private static final class Random {
        static final SecureRandom SOURCE = new SecureRandom();
    }
}
