package com.cmdop.update.install;

import com.cmdop.update.state.FileHashes;
import com.cmdop.update.state.StateFile;
import com.cmdop.update.trust.Sha256;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Small helpers about the binary at install_path. */
final class Binaries {
    private Binaries() {}

    /**
     * The SHA-256 of a regular file (following a symbolic link), or null when there is none; read at most
     * once per identity, remembered in {@code state} ({@link FileHashes}).
     */
    static String sha256OrNull(Path file, StateFile state) {
        return FileHashes.sha256OrNull(file, state);
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
