package com.cmdop.update.trust;

import com.cmdop.update.model.error.ErrorCode;
import com.cmdop.update.model.error.InvalidInputException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reading small files and streams without trusting their size. */
final class BoundedRead {
    private BoundedRead() {}

    /** Up to {@code max + 1} bytes of {@code in}: a result longer than {@code max} means "too large". */
    static byte[] atMostOneMore(InputStream in, int max) throws IOException {
        return in.readNBytes(max + 1);
    }

    /** A key file of at most {@code max} bytes; larger files are refused as INVALID_INPUT naming the file. */
    static byte[] keyFile(Path file, int max) throws IOException {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = atMostOneMore(in, max);
        }
        if (bytes.length > max) {
            throw InvalidInputException.field(ErrorCode.INVALID_INPUT, file.toString(), null,
                    "the file is larger than a minisign key file can be (" + max
                            + " bytes); check that the right file was given");
        }
        return bytes;
    }
}
