package com.cmdop.update.trust;

import java.util.Objects;

/**
 * What a successful verification proves: the data was signed by the trusted key {@code keyId} with
 * {@code algorithm}, and {@code trustedComment} is exactly the comment that key signed.
 */
public record VerifiedSignature(String keyId, MinisignAlgorithm algorithm, String trustedComment) {
    public VerifiedSignature {
        Objects.requireNonNull(keyId, "keyId");
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(trustedComment, "trustedComment");
    }
}
