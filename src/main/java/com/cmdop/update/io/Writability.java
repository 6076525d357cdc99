package com.cmdop.update.io;

import com.cmdop.update.model.error.ErrorCode;
import com.cmdop.update.model.error.UpdateException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Checks made before a run changes anything, so that a file it could not write fails the run while the
 * machine is still as it was, instead of halfway through.
 */
public final class Writability {
    private Writability() {}

    /**
     * {@code dir} exists and is writable, or can be created: its nearest existing parent is a directory
     * this user may write.
     *
     * @param what what will be written there, for the message
     * @param fix  how to get past the refusal
     */
    public static void requireWritableDirectory(Path dir, String what, String fix) {
        Path p = dir.toAbsolutePath();
        while (p != null && !Files.exists(p)) {
            p = p.getParent();
        }
        if (p == null || !Files.isDirectory(p)) {
            throw new UpdateException(ErrorCode.IO_ERROR, "cannot write " + what + ": " + (p == null ? dir : p)
                    + " is not a directory; fix or remove it; nothing was changed", Map.of("path", dir.toString()));
        }
        if (!Files.isWritable(p)) {
            throw new UpdateException(ErrorCode.PERMISSION_DENIED, "cannot write " + what + ": " + p
                    + " is not writable by this user; " + fix + "; nothing was changed", Map.of("path", p.toString()));
        }
    }

    /** The file can be replaced: its directory is writable (the replacement is a rename) or can be created. */
    public static void requireReplaceable(Path file, String what, String fix) {
        requireWritableDirectory(file.toAbsolutePath().getParent(), what, fix);
    }
}
