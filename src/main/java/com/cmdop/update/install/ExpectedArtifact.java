package com.cmdop.update.install;

import com.cmdop.update.model.Version;
import com.cmdop.update.trust.Sha256;
import java.util.Objects;

/**
 * What the signed release manifest promises about the artifact: its version, exact length and SHA-256,
 * and the id of the key that signed the manifest (for the logs). Nothing is installed unless the bytes
 * match all of it.
 */
public record ExpectedArtifact(Version version, long length, String sha256, String keyId) {
    public ExpectedArtifact {
        Objects.requireNonNull(version, "version");
        if (length <= 0) {
            throw new IllegalArgumentException("an artifact has a positive length");
        }
        Sha256.parseHex(sha256);
        sha256 = sha256.toLowerCase(java.util.Locale.ROOT);
    }
}
