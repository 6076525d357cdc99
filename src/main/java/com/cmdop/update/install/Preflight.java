package com.cmdop.update.install;

import com.cmdop.update.model.error.ErrorCode;
import com.cmdop.update.model.error.InvalidInputException;
import com.cmdop.update.model.error.UpdateException;
import com.cmdop.update.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The checks made before anything is downloaded or changed (SPEC section 9): clear errors instead of a
 * half-done install.
 *
 * <ul>
 *   <li>install_path is a file or absent, not a symbolic link or a directory (a rename would replace the
 *       link itself; set install_path to the real file instead);
 *   <li>its directory (or, when missing, the nearest existing parent, where it will be created) and the
 *       data directory are writable by this user: PERMISSION_DENIED, saying how to fix it;
 *   <li>neither they nor any parent up to {@code /} may be writable by others, as sudo and sshd require:
 *       whoever can write there can replace the agent. Owner must be root or this user; mode must not
 *       have group/other write. A parent that is world-writable with the sticky bit (like {@code /tmp})
 *       is accepted, since others cannot rename or delete entries they do not own there; the directories
 *       themselves are never accepted when others may write them. UNSAFE_DIRECTORY (77);
 *   <li>free space: the new binary plus a margin on install_path's filesystem, and a copy of the current
 *       binary plus a margin on the data directory's (both on one when they share it): DISK_FULL;
 *   <li>staging is always beside install_path, so the final rename never crosses filesystems.
 * </ul>
 */
public final class Preflight {
    /** Room left over for logs, state and the journal. */
    public static final long MARGIN = 4L * 1024 * 1024;
    private static final int GROUP_OTHER_WRITE = 0022;
    private static final int STICKY = 01000;

    /** The filesystem facts the checks rely on; tests replace free space. */
    public interface Disk {
        long usableSpace(Path existingDir) throws IOException;

        Object fileSystemOf(Path existingDir) throws IOException;
    }

    private final Disk disk;
    private final long uid;

    public Preflight(Disk disk, long uid) {
        this.disk = disk;
        this.uid = uid;
    }

    /** The real filesystem's facts. */
    public static Disk systemDisk() {
        return new Disk() {
            @Override
            public long usableSpace(Path existingDir) throws IOException {
                return Files.getFileStore(existingDir).getUsableSpace();
            }

            @Override
            public Object fileSystemOf(Path existingDir) throws IOException {
                FileStore fs = Files.getFileStore(existingDir);
                return fs;
            }
        };
    }

    /**
     * @param incomingBytes the new binary's length (staged beside install_path)
     * @param cacheBytes    the current binary's size when it is to be copied into the data directory, else 0
     */
    public void check(Path installPath, Path dataDir, long incomingBytes, long cacheBytes) {
        if (Files.isSymbolicLink(installPath)) {
            throw InvalidInputException.field(ErrorCode.INVALID_CONFIG, null, "update.install_path", installPath
                    + " is a symbolic link" + linkTarget(installPath) + "; set install_path to the real file, so the "
                    + "swap stays one atomic rename of that file");
        }
        if (Files.isDirectory(installPath, LinkOption.NOFOLLOW_LINKS)) {
            throw InvalidInputException.field(ErrorCode.INVALID_CONFIG, null, "update.install_path", installPath
                    + " is a directory; install_path names the agent binary itself, e.g. /usr/local/bin/cmdop");
        }
        Path installDir = existing(installPath.toAbsolutePath().getParent());
        Path data = existing(dataDir.toAbsolutePath());
        writable(installDir, "install_path's directory", "or set install_path: ~/.local/bin/cmdop in the update: "
                + "section of config.yaml");
        writable(data, "the data directory", "or set update.data_dir in config.yaml to a directory it may write");
        safe(installDir, "update.install_path");
        safe(data, "update.data_dir");
        space(installDir, data, incomingBytes, cacheBytes);
    }

    private void space(Path installDir, Path data, long incomingBytes, long cacheBytes) {
        try {
            boolean shared = Objects.equals(disk.fileSystemOf(installDir), disk.fileSystemOf(data));
            long needInstall = incomingBytes + MARGIN + (shared ? cacheBytes + MARGIN : 0);
            require(installDir, needInstall, "install_path's directory", "update.install_path");
            if (!shared) {
                require(data, cacheBytes + MARGIN, "the data directory", "update.data_dir");
            }
        } catch (IOException e) {
            throw AtomicFiles.ioFailure("check the free space of", installDir, e);
        }
    }

    private void require(Path dir, long need, String what, String key) throws IOException {
        long free = disk.usableSpace(dir);
        if (free < need) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("path", dir.toString());
            d.put("required_bytes", need);
            d.put("available_bytes", free);
            throw new UpdateException(ErrorCode.DISK_FULL, "not enough space in " + what + " " + dir + ": "
                    + mib(need) + " MiB needed, " + mib(free) + " MiB free; free some space or set " + key
                    + " to another filesystem; nothing was changed", d);
        }
    }

    private static void writable(Path dir, String what, String alternative) {
        if (!Files.isWritable(dir)) {
            throw new UpdateException(ErrorCode.PERMISSION_DENIED, "cannot write to " + what + " " + dir
                    + ": permission denied; run as a user who may write there (e.g. root, with sudo), " + alternative
                    + "; nothing was changed", Map.of("path", dir.toString()));
        }
    }

    /**
     * What recovery checks before it touches anything (issue #9): the data directory and its
     * {@code versions/} cache are not symbolic links (the purge deletes what it finds in them), and the data
     * directory (or its nearest existing parent) and every parent are safe as in {@link #check}.
     * UNSAFE_DIRECTORY (77) otherwise.
     */
    public void checkDataDir(Path dataDir) {
        Path abs = dataDir.toAbsolutePath();
        for (Path p : List.of(abs, abs.resolve(BinaryCache.DIR))) {
            if (Files.isSymbolicLink(p)) {
                throw new UpdateException(ErrorCode.UNSAFE_DIRECTORY, p + " is a symbolic link" + linkTarget(p)
                        + ": the updater keeps and deletes files there as root, so it must be a real directory "
                        + "(remove the link, or set update.data_dir to the real directory); nothing was changed",
                        Map.of("path", p.toString()));
            }
        }
        safe(existing(abs), "update.data_dir");
    }

    /** The directory and all its parents: owned by root or this user, not writable by others (sticky parents excepted). */
    void safe(Path dir, String key) {
        Path real;
        try {
            real = dir.toRealPath();
        } catch (IOException e) {
            throw AtomicFiles.ioFailure("resolve", dir, e);
        }
        for (Path p = real; p != null; p = p.getParent()) {
            int mode;
            long owner;
            try {
                mode = (Integer) Files.getAttribute(p, "unix:mode");
                owner = ((Number) Files.getAttribute(p, "unix:uid")).longValue();
            } catch (UnsupportedOperationException | IllegalArgumentException e) {
                return; // no POSIX ownership on this platform: nothing to check
            } catch (IOException e) {
                throw AtomicFiles.ioFailure("inspect", p, e);
            }
            boolean othersWrite = (mode & GROUP_OTHER_WRITE) != 0;
            boolean stickyParent = !p.equals(real) && (mode & STICKY) != 0;
            if ((othersWrite && !stickyParent) || (owner != 0 && owner != uid)) {
                Map<String, Object> d = new LinkedHashMap<>();
                d.put("path", p.toString());
                d.put("mode", String.format("%04o", mode & 07777));
                d.put("owner_uid", owner);
                throw new UpdateException(ErrorCode.UNSAFE_DIRECTORY, p + " (mode " + String.format("%04o", mode & 07777)
                        + ", owner uid " + owner + ") could be changed by other users, who could then replace the agent; "
                        + "make it owned by root (or this user) and not group/world-writable (chmod go-w " + p
                        + "), or set " + key + " elsewhere; nothing was changed", d);
            }
        }
    }

    /** The directory itself when it exists, else its nearest existing parent (where it will be created). */
    static Path existing(Path dir) {
        Path p = dir;
        while (p != null && !Files.exists(p)) {
            p = p.getParent();
        }
        if (p == null || !Files.isDirectory(p)) {
            throw new UpdateException(ErrorCode.IO_ERROR, (p == null ? dir : p) + " is not a directory, so " + dir
                    + " cannot be created; fix the path in config.yaml", Map.of("path", dir.toString()));
        }
        return p;
    }

    private static String linkTarget(Path link) {
        try {
            return " to " + link.toRealPath();
        } catch (IOException e) {
            return "";
        }
    }

    private static long mib(long bytes) {
        return (bytes + 1048575) / 1048576;
    }

    /** This process's user id, or -1 when it cannot be learned (0 when running as root). */
    public static long currentUid() {
        try {
            return new com.sun.security.auth.module.UnixSystem().getUid();
        } catch (RuntimeException | LinkageError e) {
            return "root".equals(System.getProperty("user.name")) ? 0 : -1;
        }
    }
}
