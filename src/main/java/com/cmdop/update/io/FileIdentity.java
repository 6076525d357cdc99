package com.cmdop.update.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Who a file is, without reading it: device, inode, size, and modification and status-change times in
 * nanoseconds. Any write changes mtime and ctime; chmod, chown, link and rename change ctime, and ctime
 * cannot be set back by a program (only the clock moves it), so while all five are unchanged the bytes
 * are the ones seen before. That is what lets a SHA-256 be remembered instead of recomputed.
 *
 * @param ctimeNanos the status-change time; a remembered hash is trusted only while it is unchanged
 */
public record FileIdentity(long device, long inode, long size, long mtimeNanos, long ctimeNanos) {

    /**
     * The identity of {@code file} (a symbolic link is followed: it is the bytes read that count), or null
     * when it is not a regular file or the platform has no {@code unix} attribute view (then nothing is
     * remembered and every caller hashes).
     */
    public static FileIdentity of(Path file) {
        try {
            Map<String, Object> a = Files.readAttributes(file, "unix:dev,ino,size,lastModifiedTime,ctime,isRegularFile");
            if (!Boolean.TRUE.equals(a.get("isRegularFile"))) {
                return null;
            }
            return new FileIdentity(((Number) a.get("dev")).longValue(), ((Number) a.get("ino")).longValue(),
                    ((Number) a.get("size")).longValue(), nanos(a.get("lastModifiedTime")), nanos(a.get("ctime")));
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException | ClassCastException e) {
            return null;
        }
    }

    /** Same inode on the same device: the same file, whatever its times say. */
    public boolean sameFile(FileIdentity other) {
        return other != null && device == other.device && inode == other.inode;
    }

    /*
     * Written out, not generated: a record's own equals and hashCode are linked through an invokedynamic
     * bootstrap (ObjectMethods) the first time they run, which cost a status run about 5% of its CPU, and
     * status compares identities on every run (docs/PERFORMANCE.md).
     */
    @Override
    public boolean equals(Object o) {
        return o instanceof FileIdentity f && device == f.device && inode == f.inode && size == f.size
                && mtimeNanos == f.mtimeNanos && ctimeNanos == f.ctimeNanos;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(device) * 31 * 31 * 31 * 31 + Long.hashCode(inode) * 31 * 31 * 31
                + Long.hashCode(size) * 31 * 31 + Long.hashCode(mtimeNanos) * 31 + Long.hashCode(ctimeNanos);
    }

    private static long nanos(Object time) {
        return ((FileTime) time).to(TimeUnit.NANOSECONDS);
    }
}
