package com.cmdop.update.trust;

import java.io.IOException;
import java.io.InputStream;
import org.bouncycastle.crypto.digests.Blake2bDigest;

/** The BLAKE2b-512 prehash of minisign's {@code ED} signatures (unkeyed, 64-byte output). */
final class Blake2b512 {
    static final int BYTES = 64;
    private static final int BUFFER = 64 * 1024;

    private Blake2b512() {}

    static byte[] of(byte[] data) {
        Blake2bDigest digest = new Blake2bDigest(BYTES * 8);
        digest.update(data, 0, data.length);
        return finish(digest);
    }

    /** Reads {@code in} to its end; never holds more than one buffer of it in memory. */
    static byte[] of(InputStream in) throws IOException {
        Blake2bDigest digest = new Blake2bDigest(BYTES * 8);
        byte[] buffer = new byte[BUFFER];
        int n;
        while ((n = in.read(buffer)) != -1) {
            digest.update(buffer, 0, n);
        }
        return finish(digest);
    }

    private static byte[] finish(Blake2bDigest digest) {
        byte[] out = new byte[BYTES];
        digest.doFinal(out, 0);
        return out;
    }
}
