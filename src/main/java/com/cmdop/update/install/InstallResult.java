package com.cmdop.update.install;

import java.time.Instant;
import java.util.List;

/**
 * What an install or a rollback did, for the CLI to render.
 *
 * @param action          {@code install} or {@code rollback}
 * @param changed         false when the expected binary was already in place
 * @param from            the version replaced (null: there was no binary; {@code unknown}: not known)
 * @param to              the version now at install_path
 * @param sha256          its SHA-256
 * @param keyId           the key that signed it (install), else null
 * @param previousVersion the cached rollback target now, or null
 * @param previousExpires when that cache entry is purged, or null
 * @param warnings        things the operator should know (no restart configured, a log that could not be written...)
 */
public record InstallResult(String action, boolean changed, String from, String to, String sha256, String keyId,
        String previousVersion, Instant previousExpires, List<String> warnings) {
    public InstallResult {
        warnings = List.copyOf(warnings);
    }

    /** The same result with {@code earlier} warnings (from recovery) in front. */
    InstallResult withEarlierWarnings(List<String> earlier) {
        if (earlier.isEmpty()) {
            return this;
        }
        List<String> all = new java.util.ArrayList<>(earlier);
        all.addAll(warnings);
        return new InstallResult(action, changed, from, to, sha256, keyId, previousVersion, previousExpires, all);
    }
}
