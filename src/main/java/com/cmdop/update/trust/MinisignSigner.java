package com.cmdop.update.trust;

import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Objects;

/**
 * Signs data the way {@code minisign -S} does and produces the same four-line {@code .minisig}.
 * The default is prehashed {@code ED} (minisign 0.8+), which streams: the data is read once through
 * BLAKE2b-512 and never held in memory. Legacy {@code Ed} is available for byte arrays only.
 * Ed25519 is deterministic: the same key, data and comments give the same file.
 */
public final class MinisignSigner {
    /** minisign's untrusted comment for signatures. */
    public static final String DEFAULT_UNTRUSTED_COMMENT = "signature from minisign secret key";
    /** minisign refuses longer trusted comments (TRUSTEDCOMMENTMAXBYTES - sizeof "trusted comment: " - 1). */
    static final int MAX_TRUSTED_COMMENT_BYTES = 8173;
    /** The longest untrusted comment minisign can read back (COMMENTMAXBYTES - sizeof "untrusted comment: " - 1). */
    static final int MAX_UNTRUSTED_COMMENT_BYTES = 1003;

    private final MinisignSecretKey key;

    public MinisignSigner(MinisignSecretKey key) {
        this.key = Objects.requireNonNull(key, "key");
    }

    /**
     * minisign's default trusted comment, {@code timestamp:<epoch>\tfile:<name>} plus {@code \thashed}
     * for prehashed signatures. {@code fileName} is the bare file name (minisign uses the basename).
     */
    public static String defaultTrustedComment(long epochSeconds, String fileName, MinisignAlgorithm algorithm) {
        return String.format(Locale.ROOT, "timestamp:%d\tfile:%s%s", epochSeconds, fileName,
                algorithm == MinisignAlgorithm.PREHASHED ? "\thashed" : "");
    }

    /** Prehashed signature of {@code data} with minisign's untrusted comment. */
    public MinisignSignature sign(byte[] data, String trustedComment) {
        return sign(data, MinisignAlgorithm.PREHASHED, trustedComment, DEFAULT_UNTRUSTED_COMMENT);
    }

    /** Prehashed signature of everything {@code data} yields (read to its end, not closed). */
    public MinisignSignature sign(InputStream data, String trustedComment) throws IOException {
        return sign(data, trustedComment, DEFAULT_UNTRUSTED_COMMENT);
    }

    /** Prehashed signature of a stream, with a caller-chosen untrusted comment. */
    public MinisignSignature sign(InputStream data, String trustedComment, String untrustedComment)
            throws IOException {
        byte[] trusted = checkedTrusted(trustedComment);
        byte[] untrusted = checkedUntrusted(untrustedComment);
        return finish(MinisignAlgorithm.PREHASHED, Blake2b512.of(data), trusted, untrusted);
    }

    /** A signature of {@code data} with the given algorithm and comments. */
    public MinisignSignature sign(byte[] data, MinisignAlgorithm algorithm, String trustedComment,
            String untrustedComment) {
        Objects.requireNonNull(algorithm, "algorithm");
        byte[] trusted = checkedTrusted(trustedComment);
        byte[] untrusted = checkedUntrusted(untrustedComment);
        byte[] signed = algorithm == MinisignAlgorithm.PREHASHED ? Blake2b512.of(data) : data;
        return finish(algorithm, signed, trusted, untrusted);
    }

    private MinisignSignature finish(MinisignAlgorithm algorithm, byte[] signed, byte[] trusted, byte[] untrusted) {
        byte[] signature = key.sign(signed);
        byte[] global = key.sign(MinisignSignature.globallySigned(signature, trusted));
        return new MinisignSignature(algorithm, key.keyIdBytes(), signature, untrusted, trusted, global);
    }

    private static byte[] checkedTrusted(String comment) {
        return MinisignSignature.checkedComment(comment, "trusted comment", MAX_TRUSTED_COMMENT_BYTES);
    }

    private static byte[] checkedUntrusted(String comment) {
        return MinisignSignature.checkedComment(comment, "untrusted comment", MAX_UNTRUSTED_COMMENT_BYTES);
    }
}
