package com.cmdop.update.release.feed;


import com.cmdop.update.model.error.ErrorCode;
import com.cmdop.update.io.AtomicFiles;
import com.cmdop.update.trust.Sha256;
import com.cmdop.update.model.error.UpdateException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The last verified bytes of feed files and their HTTP validators, so the next check can send a
 * conditional request and, on 304, reuse the bytes. Lives in {@code <data_dir>/feed-cache/}.
 *
 * <p>The caller decides what goes in: only bytes whose signature it has checked. On 304 it reads
 * them back here (and may verify them again: this class does not). Reads never fail: a missing,
 * unreadable or corrupt entry is simply absent, and the caller then fetches unconditionally.
 *
 * <p>One file per (feed, relative path), named by the SHA-256 of that key, never by the raw URL
 * (no path tricks, no length limits, nothing to escape). The file holds the key, the validators,
 * the bytes and a SHA-256 over all of it; it is written atomically with {@link AtomicFiles#write}.
 */
public final class ValidatorCache {
    /** Entries hold manifests and signatures; anything larger is refused on store and ignored on read. */
    static final int MAX_ENTRY_BYTES = (int) FeedLimits.IN_MEMORY_MAX_BYTES;
    private static final int FORMAT = 1;
    private static final byte[] MAGIC = "CMDOPFC\n".getBytes(StandardCharsets.US_ASCII);
    private static final int HEADER_SLACK = 4 * 1024 + 2 * Validators.MAX_LENGTH;

    /** A cached file: the verified bytes and the validators they were served with. */
    public static final class Entry {
        private final byte[] bytes;
        private final Validators validators;

        Entry(byte[] bytes, Validators validators) {
            this.bytes = bytes.clone();
            this.validators = validators;
        }

        public byte[] bytes() {
            return bytes.clone();
        }

        public Validators validators() {
            return validators;
        }
    }

    private final Path dir;

    /** @param dir the cache directory, normally {@code <data_dir>/feed-cache}; created on first store */
    public ValidatorCache(Path dir) {
        this.dir = Objects.requireNonNull(dir, "dir");
    }

    public Path directory() {
        return dir;
    }

    /** The cached entry, or empty when there is none or it cannot be read back intact. */
    public Optional<Entry> read(FeedLocation feed, String relativePath) {
        String key = key(feed, relativePath);
        Path file = dir.resolve(fileName(key));
        byte[] raw;
        try (FileChannel c = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            if (c.size() > MAX_ENTRY_BYTES + HEADER_SLACK) {
                return Optional.empty();
            }
            raw = readAll(Channels.newInputStream(c), MAX_ENTRY_BYTES + HEADER_SLACK);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            return Optional.empty(); // unreadable: behave as a cold cache; store() will report the problem
        }
        return decode(raw, key);
    }

    /**
     * Stores verified bytes and their validators, replacing any previous entry atomically; an entry that already
     * holds exactly these is left as it is.
     *
     * @throws UpdateException IO_ERROR (or DISK_FULL) naming the cache file when it cannot be written
     */
    public void store(FeedLocation feed, String relativePath, byte[] bytes, Validators validators) {
        Objects.requireNonNull(bytes, "bytes");
        if (bytes.length > MAX_ENTRY_BYTES) {
            throw new IllegalArgumentException("the feed cache holds manifests and signatures, at most "
                    + MAX_ENTRY_BYTES + " bytes; got " + bytes.length);
        }
        Validators v = validators == null ? Validators.NONE : validators;
        Optional<Entry> there = read(feed, relativePath);
        if (there.isPresent() && java.util.Arrays.equals(there.get().bytes(), bytes) && there.get().validators().equals(v)) {
            return; // a converge in sync writes nothing (SPEC section 5), even when it read the feed's advisories
        }
        String key = key(feed, relativePath);
        String name = fileName(key);
        Path file = dir.resolve(name);
        byte[] encoded = encode(key, bytes, v);
        try {
            createDirectory();
        } catch (IOException e) {
            throw writeFailure(file, FeedErrors.describe(e), ErrorCode.IO_ERROR, e);
        }
        try {
            AtomicFiles.write(file, encoded, "rw-------");
        } catch (UpdateException e) {
            // the cache's own wording and codes: a cache that cannot be written is an I/O problem of the
            // data directory (74), or a full disk
            String reason = e.getCause() instanceof IOException io ? FeedErrors.describe(io) : e.getMessage();
            throw writeFailure(file, reason, e.code() == ErrorCode.DISK_FULL ? ErrorCode.DISK_FULL
                    : ErrorCode.IO_ERROR, e);
        }
    }

    /** Forgets an entry (for example when the cached bytes no longer verify). */
    public void remove(FeedLocation feed, String relativePath) {
        Path file = fileFor(feed, relativePath);
        try {
            if (Files.deleteIfExists(file)) {
                forceDirectory();
            }
        } catch (IOException e) {
            throw writeFailure(file, FeedErrors.describe(e), ErrorCode.IO_ERROR, e);
        }
    }

    /** The entry file of a key (for tests and diagnostics). */
    Path fileFor(FeedLocation feed, String relativePath) {
        return dir.resolve(fileName(key(feed, relativePath)));
    }

    private static String key(FeedLocation feed, String relativePath) {
        Objects.requireNonNull(feed, "feed");
        FeedPaths.segments(relativePath); // the same rules as for fetching: BAD_PATH otherwise
        return feed.cacheKey() + "\n" + relativePath;
    }

    static String fileName(String key) {
        return Sha256.hex(key.getBytes(StandardCharsets.UTF_8)) + ".entry";
    }

    private static byte[] encode(String key, byte[] bytes, Validators validators) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(bytes.length + 512);
        try (DataOutputStream out = new DataOutputStream(buffer)) {
            out.write(MAGIC);
            out.writeInt(FORMAT);
            out.writeUTF(key);
            writeOptional(out, validators.etag());
            writeOptional(out, validators.lastModified());
            out.writeInt(bytes.length);
            out.write(bytes);
        } catch (IOException e) {
            throw new IllegalStateException(e); // in-memory stream
        }
        byte[] body = buffer.toByteArray();
        byte[] digest = Sha256.digest(body);
        byte[] all = new byte[body.length + digest.length];
        System.arraycopy(body, 0, all, 0, body.length);
        System.arraycopy(digest, 0, all, body.length, digest.length);
        return all;
    }

    private static Optional<Entry> decode(byte[] raw, String expectedKey) {
        if (raw.length < MAGIC.length + 32) {
            return Optional.empty();
        }
        int bodyLength = raw.length - 32;
        byte[] digest = Sha256.digest(Arrays.copyOf(raw, bodyLength));
        if (!MessageDigest.isEqual(digest, Arrays.copyOfRange(raw, bodyLength, raw.length))) {
            return Optional.empty();
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(raw, 0, bodyLength))) {
            byte[] magic = in.readNBytes(MAGIC.length);
            if (!MessageDigest.isEqual(magic, MAGIC) || in.readInt() != FORMAT) {
                return Optional.empty();
            }
            if (!in.readUTF().equals(expectedKey)) {
                return Optional.empty();
            }
            String etag = readOptional(in);
            String lastModified = readOptional(in);
            int length = in.readInt();
            if (length < 0 || length > MAX_ENTRY_BYTES || length != in.available()) {
                return Optional.empty();
            }
            byte[] bytes = in.readNBytes(length);
            return Optional.of(new Entry(bytes, new Validators(etag, lastModified)));
        } catch (IOException e) { // includes EOFException: a truncated entry
            return Optional.empty();
        }
    }

    private static void writeOptional(DataOutputStream out, String value) throws IOException {
        out.writeBoolean(value != null);
        if (value != null) {
            out.writeUTF(value);
        }
    }

    private static String readOptional(DataInputStream in) throws IOException {
        return in.readBoolean() ? in.readUTF() : null;
    }

    private static byte[] readAll(InputStream in, int limit) throws IOException {
        byte[] bytes = in.readNBytes(limit + 1);
        if (bytes.length > limit) {
            throw new IOException("cache entry too large");
        }
        return bytes;
    }

    private void createDirectory() throws IOException {
        if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.createDirectories(dir.toAbsolutePath().getParent());
        try {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (UnsupportedOperationException e) {
            Files.createDirectory(dir);
        } catch (FileAlreadyExistsException e) {
            if (!Files.isDirectory(dir)) {
                throw e;
            }
        }
    }

    /** fsync the directory so the rename itself survives a power loss (Linux; a no-op where unsupported). */
    private void forceDirectory() throws IOException {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (UnsupportedOperationException | AccessDeniedException e) {
            // some platforms cannot open or sync a directory; the rename is still atomic there
        }
    }

    private static UpdateException writeFailure(Path file, String reason, ErrorCode code, Exception cause) {
        boolean full = code == ErrorCode.DISK_FULL || String.valueOf(reason).contains("No space left on device")
                || String.valueOf(reason).contains("Disk quota exceeded");
        return new UpdateException(full ? ErrorCode.DISK_FULL : code,
                "cannot write the feed cache file " + file + " (" + reason + "); check that "
                        + "the data directory (update.data_dir) is writable" + (full ? " and has free space" : ""),
                Map.of("path", file.toString()), cause);
    }

}
