package com.cmdop.update.install;

import com.cmdop.update.io.AtomicFiles;
import com.cmdop.update.trust.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Small helpers about the binary at install_path. */
final class Binaries {
    private Binaries() {}

    /** The SHA-256 of a regular file (following a symbolic link), or null when there is none. */
    static String sha256OrNull(Path file) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try (InputStream in = Files.newInputStream(file)) {
            return Sha256.measure(in, Long.MAX_VALUE, file.toString()).hex();
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw AtomicFiles.ioFailure("read", file, e);
        }
    }

    static long sizeOrZero(Path file) {
        try {
            return Files.isRegularFile(file) ? Files.size(file) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    static boolean same(String a, String b) {
        return a == null ? b == null : b != null && Sha256.equal(Sha256.parseHex(a), Sha256.parseHex(b));
    }
}
