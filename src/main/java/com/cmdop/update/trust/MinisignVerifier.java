package com.cmdop.update.trust;

import com.cmdop.update.model.error.ErrorCode;
import com.cmdop.update.model.error.IntegrityException;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Verifies minisign signatures against a set of {@link TrustedKeys}, the way {@code minisign -V} does,
 * in this order:
 *
 * <ol>
 *   <li>the signature's key id must be trusted, checked before any cryptography
 *       ({@code UNKNOWN_KEY} otherwise);
 *   <li>the algorithm must be allowed by the {@link Policy} (legacy {@code Ed} may be refused);
 *   <li>the Ed25519 signature over the data (prehashed {@code ED}: over its BLAKE2b-512);
 *   <li>the global signature over the signature bytes and the trusted comment.
 * </ol>
 *
 * <p>Every failure is an {@link IntegrityException} ({@code SIGNATURE_INVALID} or {@code UNKNOWN_KEY},
 * exit 80). Instances are immutable and thread-safe.
 */
public final class MinisignVerifier {

    /**
     * Which signatures are acceptable. Legacy signatures need the whole data in memory, so they are
     * verified only up to {@code legacyMaxBytes}.
     */
    public record Policy(boolean acceptLegacy, long legacyMaxBytes) {
        /** 64 MiB: far above any manifest; artifacts are checked by SHA-256 from a signed manifest. */
        public static final long DEFAULT_LEGACY_MAX_BYTES = 64L * 1024 * 1024;
        /** The updater's default (SPEC 7): prehashed and legacy signatures both verify. */
        public static final Policy DEFAULT = new Policy(true, DEFAULT_LEGACY_MAX_BYTES);
        /** Only prehashed {@code ED} signatures (like {@code minisign -V -H}). */
        public static final Policy PREHASHED_ONLY = new Policy(false, 0);

        public Policy {
            if (legacyMaxBytes < 0 || legacyMaxBytes > Integer.MAX_VALUE - 16) {
                throw new IllegalArgumentException("legacyMaxBytes must be between 0 and ~2 GiB");
            }
        }
    }

    private final TrustedKeys trustedKeys;
    private final Policy policy;

    public MinisignVerifier(TrustedKeys trustedKeys) {
        this(trustedKeys, Policy.DEFAULT);
    }

    public MinisignVerifier(TrustedKeys trustedKeys, Policy policy) {
        this.trustedKeys = Objects.requireNonNull(trustedKeys, "trustedKeys");
        this.policy = Objects.requireNonNull(policy, "policy");
    }


    public TrustedKeys trustedKeys() {
        return trustedKeys;
    }

    /** Parses the {@code .minisig} bytes and verifies them over {@code data}; {@code source} names the signature. */
    public VerifiedSignature verify(byte[] data, byte[] minisigBytes, String source) {
        return verify(data, MinisignSignature.parse(minisigBytes, source), source);
    }

    /** Verifies {@code signature} over {@code data}. */
    public VerifiedSignature verify(byte[] data, MinisignSignature signature, String source) {
        MinisignPublicKey key = admit(signature, source);
        byte[] signed;
        if (signature.algorithm() == MinisignAlgorithm.PREHASHED) {
            signed = Blake2b512.of(data);
        } else {
            if (data.length > policy.legacyMaxBytes()) {
                throw legacyTooLarge(signature, source);
            }
            signed = data;
        }
        return check(key, signature, signed, source);
    }

    /**
     * Verifies {@code signature} over the data read from {@code data} (to its end; not closed). A
     * prehashed signature streams the data through BLAKE2b-512, whatever its size; a legacy one reads
     * it into memory up to the policy's bound and is refused beyond it.
     */
    public VerifiedSignature verify(InputStream data, MinisignSignature signature, String source)
            throws IOException {
        MinisignPublicKey key = admit(signature, source);
        byte[] signed;
        if (signature.algorithm() == MinisignAlgorithm.PREHASHED) {
            signed = Blake2b512.of(data);
        } else {
            signed = data.readNBytes((int) policy.legacyMaxBytes() + 1);
            if (signed.length > policy.legacyMaxBytes()) {
                throw legacyTooLarge(signature, source);
            }
        }
        return check(key, signature, signed, source);
    }

    /** Steps 1 and 2: a trusted key id and an allowed algorithm, before any cryptography. */
    private MinisignPublicKey admit(MinisignSignature signature, String source) {
        MinisignPublicKey key = trustedKeys.find(signature.keyNumber()).orElseThrow(() -> unknownKey(signature, source));
        if (signature.algorithm() == MinisignAlgorithm.LEGACY && !policy.acceptLegacy()) {
            throw failure(signature, source, "legacy_rejected",
                    "is a legacy (non-prehashed \"Ed\") signature, and only prehashed (\"ED\") signatures are "
                            + "accepted; re-sign the file with minisign 0.8 or later without -l, or with "
                            + "cmdop-update release");
        }
        return key;
    }

    private VerifiedSignature check(MinisignPublicKey key, MinisignSignature signature, byte[] signed, String source) {
        if (!key.verifies(signed, signature.signatureBytes())) {
            throw failure(signature, source, "signature_mismatch",
                    "does not match the data: the data was changed after signing, or it is not the file this"
                            + " signature belongs to; nothing was changed");
        }
        if (!key.verifies(signature.globallySignedBytes(), signature.globalSignatureBytes())) {
            throw failure(signature, source, "trusted_comment_mismatch",
                    "has a trusted comment that was altered after signing (the global signature does not"
                            + " match); nothing was changed");
        }
        return new VerifiedSignature(key.keyId(), signature.algorithm(), signature.trustedComment());
    }

    private IntegrityException unknownKey(MinisignSignature signature, String source) {
        Map<String, Object> details = details(signature, source, "unknown_key");
        details.put("trusted_key_ids", trustedKeys.keyIds());
        String trusted = trustedKeys.isEmpty() ? "no keys are trusted (update.trusted_keys is empty)"
                : "trusted key ids: " + String.join(", ", trustedKeys.keyIds());
        return new IntegrityException(ErrorCode.UNKNOWN_KEY, prefix(source) + "signed by key " + signature.keyId()
                + ", which is not trusted (" + trusted + "); if this publisher is genuine, add its public key"
                + " to update.trusted_keys; nothing was changed", details);
    }

    private IntegrityException legacyTooLarge(MinisignSignature signature, String source) {
        return failure(signature, source, "legacy_too_large",
                "is a legacy (non-prehashed \"Ed\") signature over more than " + policy.legacyMaxBytes()
                        + " bytes, which this tool does not load into memory; re-sign the file prehashed"
                        + " (minisign 0.8 or later without -l)");
    }

    private static IntegrityException failure(MinisignSignature signature, String source, String reason,
            String what) {
        return new IntegrityException(ErrorCode.SIGNATURE_INVALID,
                prefix(source) + "the signature by key " + signature.keyId() + " " + what,
                details(signature, source, reason));
    }

    private static Map<String, Object> details(MinisignSignature signature, String source, String reason) {
        Map<String, Object> details = new LinkedHashMap<>();
        if (source != null) {
            details.put("source", source);
        }
        details.put("key_id", signature.keyId());
        details.put("algorithm", signature.algorithm().code());
        details.put("reason", reason);
        return details;
    }

    private static String prefix(String source) {
        return source == null ? "" : source + ": ";
    }
}
