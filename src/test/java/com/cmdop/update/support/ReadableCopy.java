package com.cmdop.update.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;

/**
 * Tests that drop privileges (setpriv to uid 65534) run the jar and test classes as another user, who
 * may not read the checkout: a clone made with {@code mktemp -d} is 0700. They run a copy in a fresh
 * directory that every user may read instead.
 */
public final class ReadableCopy {
    private ReadableCopy() {}

    /** A copy of {@code source} (a file or a directory tree) that every user may read. */
    public static Path of(Path source) {
        try {
            Path dir = Files.createTempDirectory("cmdop-readable-");
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            Path target = dir.resolve(source.getFileName());
            try (Stream<Path> s = Files.walk(source)) {
                for (Path p : s.toList()) {
                    Path t = target.resolve(source.relativize(p).toString());
                    if (Files.isDirectory(p)) {
                        Files.createDirectories(t);
                        Files.setPosixFilePermissions(t, PosixFilePermissions.fromString("rwxr-xr-x"));
                    } else {
                        Files.copy(p, t);
                        Files.setPosixFilePermissions(t, PosixFilePermissions.fromString("rw-r--r--"));
                    }
                }
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
