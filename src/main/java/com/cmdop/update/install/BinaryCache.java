package com.cmdop.update.install;

import com.cmdop.update.state.FileHashes;
import com.cmdop.update.state.StateFile;
import com.cmdop.update.model.error.ErrorCode;
import com.cmdop.update.model.error.UpdateException;
import com.cmdop.update.io.AtomicFiles;
import com.cmdop.update.io.FileIdentity;
import com.cmdop.update.model.Version;
import com.cmdop.update.trust.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Agent binaries kept in {@code <data_dir>/versions/<name>/}: {@code cmdop} and {@code cmdop.sha256}
 * ({@code sha256sum} format), written last as the completion marker. A directory without a marker
 * naming its binary's hash is a leftover of an interrupted store.
 *
 * <p>The binary about to be replaced is kept as a hard link to its inode when the data directory is on
 * install_path's filesystem (no bytes are copied or read: the swap renames a new inode over install_path,
 * so the old one lives on in the cache alone, mode as it was, in a 0700 directory); on another filesystem, or
 * where a link is refused, it is copied (0600) and the copy hashed. Either way the entry is never trusted
 * by name: a rollback hashes the bytes it copies back against the recorded SHA-256.
 */
final class BinaryCache {
    /** The cache directory's name in the data directory. */
    static final String DIR = "versions";
    static final String BINARY = "cmdop";
    static final String MARKER = "cmdop.sha256";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9.+_-]{0,200}");
    private static final int BUFFER = 64 * 1024;

    private final Path dir;
    private final CrashPoints crashPoints;

    BinaryCache(Path versionsDir) {
        this(versionsDir, CrashPoints.none());
    }

    BinaryCache(Path versionsDir, CrashPoints crashPoints) {
        this.dir = versionsDir;
        this.crashPoints = crashPoints;
    }

    Path binary(String name) {
        return entry(name).resolve(BINARY);
    }

    /**
     * The entry name for a binary: its version ({@code unknown} when not known); when an entry that must be
     * kept already has that name for other bytes, the name gets the hash's first 12 hex digits.
     */
    String nameFor(String version, String sha256, Set<String> keep) {
        String base = Version.isValid(version) ? Version.parse(version).toString() : StateFile.UNKNOWN;
        if (keep.contains(base) && !isComplete(base, sha256)) {
            return base + "-" + sha256.substring(0, 12);
        }
        return base;
    }

    /** Whether the entry is complete and its marker names {@code sha256} (the bytes are not re-read). */
    boolean isComplete(String name, String sha256) {
        Path marker = entry(name).resolve(MARKER);
        try {
            String text = Files.readString(marker, StandardCharsets.US_ASCII);
            return text.startsWith(sha256.toLowerCase(java.util.Locale.ROOT) + "  ")
                    && Files.isRegularFile(binary(name), LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * Keeps {@code source} (whose bytes hash to {@code sha256}) as the entry {@code name}: a hard link when it
     * can be, else a copy checked against {@code sha256}; an entry that already is this file is kept as it is.
     * {@code state} is the state.json that remembers the source's hash by identity ({@link FileHashes}).
     */
    void store(String name, Path source, String sha256, StateFile state) {
        Path entry = entry(name);
        FileIdentity known = FileIdentity.of(source);
        if (known != null && !sha256.equals(FileHashes.sha256OrNull(source, state))) {
            known = null; // it is no longer the file that was hashed: copy it, and the copy's hash says so
        }
        if (known != null && known.sameFile(FileIdentity.of(binary(name))) && isComplete(name, sha256)) {
            return; // already this very file
        }
        delete(name);
        AtomicFiles.createDirectories(dir);
        Path tmp = entry.resolve(".cmdop.tmp-" + HexFormat.of().formatHex(Staging.randomBytes(6)));
        try {
            Files.createDirectories(entry, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            byte[] digest = linked(source, tmp, known) ? Sha256.parseHex(sha256) : copyHashing(source, tmp, crashPoints);
            if (!Sha256.equal(digest, Sha256.parseHex(sha256))) {
                AtomicFiles.deleteQuietly(tmp);
                throw new UpdateException(ErrorCode.IO_ERROR, source + " changed while it was being copied to "
                        + entry + "; is another program replacing it? Nothing was changed; run again",
                        Map.of("path", source.toString()));
            }
            Files.move(tmp, entry.resolve(BINARY), StandardCopyOption.ATOMIC_MOVE);
            AtomicFiles.fsyncDirectory(entry);
        } catch (IOException e) {
            AtomicFiles.deleteQuietly(tmp);
            throw AtomicFiles.ioFailure("keep a copy of the current binary in", entry, e);
        }
        AtomicFiles.write(entry.resolve(MARKER), (sha256 + "  " + BINARY + "\n").getBytes(StandardCharsets.US_ASCII),
                "rw-------");
    }

    /**
     * Hard-links {@code source} as {@code target}; true when the link is the file whose identity was
     * {@code known} when its hash was taken (a link changes only ctime), so that hash stands for it. False,
     * with nothing left behind, when a link cannot be made (another filesystem, a refusal) or the file
     * changed meanwhile: then the caller copies and hashes.
     */
    private boolean linked(Path source, Path target, FileIdentity known) {
        if (known == null) {
            return false;
        }
        try {
            Files.createLink(target, source);
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false; // EXDEV, EPERM (protected_hardlinks), a filesystem without links: copy instead
        }
        crashPoints.reach(CrashPoints.CACHE);
        FileIdentity now = FileIdentity.of(target);
        if (now != null && now.sameFile(known) && now.size() == known.size() && now.mtimeNanos() == known.mtimeNanos()) {
            return true;
        }
        AtomicFiles.deleteQuietly(target);
        return false;
    }

    /** Entry names present, complete or not. */
    List<String> names() {
        requireRealDirectory();
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            List<String> names = new ArrayList<>();
            s.forEach(p -> names.add(p.getFileName().toString()));
            return names;
        } catch (IOException e) {
            throw AtomicFiles.ioFailure("list", dir, e);
        }
    }

    void delete(String name) {
        Path entry = dir.resolve(name).normalize();
        if (!entry.startsWith(dir) || entry.equals(dir)) {
            throw new IllegalArgumentException("not a cache entry: " + name);
        }
        requireRealDirectory();
        if (!Files.exists(entry, LinkOption.NOFOLLOW_LINKS)) {
            return; // (an entry that is a link is deleted as a link below, never followed)
        }
        try {
            if (Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
                try (Stream<Path> s = Files.list(entry)) {
                    for (Path p : s.toList()) {
                        Files.deleteIfExists(p); // entries hold plain files only; a directory here fails loudly
                    }
                }
            }
            Files.deleteIfExists(entry);
            AtomicFiles.fsyncDirectory(dir);
        } catch (IOException e) {
            throw AtomicFiles.ioFailure("remove", entry, e);
        }
    }

    /** Never list, write or delete through a symbolic link in place of {@code versions/}. */
    private void requireRealDirectory() {
        if (Files.isSymbolicLink(dir)) {
            throw new UpdateException(ErrorCode.UNSAFE_DIRECTORY, dir + " is a symbolic link: the cache of previous "
                    + "binaries must be a real directory in the data directory; remove the link; nothing was changed",
                    Map.of("path", dir.toString()));
        }
    }

    private Path entry(String name) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("not a cache entry name: " + name);
        }
        return dir.resolve(name);
    }

    private static byte[] copyHashing(Path source, Path target, CrashPoints crashPoints) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (InputStream in = Files.newInputStream(source);
                FileChannel ch = FileChannel.open(target, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                        LinkOption.NOFOLLOW_LINKS), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                OutputStream out = Channels.newOutputStream(ch)) {
            byte[] buf = new byte[BUFFER];
            int n;
            boolean first = true;
            while ((n = in.read(buf)) != -1) {
                out.write(buf, 0, n);
                md.update(buf, 0, n);
                if (first) {
                    first = false;
                    crashPoints.reach(CrashPoints.CACHE);
                }
            }
            ch.force(true);
        }
        return md.digest();
    }
}
