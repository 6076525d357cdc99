package com.cmdop.update.model;

/**
 * A security advisory published with a release: which versions it affects is implied by
 * {@code fixedIn} (every version before it).
 */
public record Advisory(String id, String severity, String summary, Version fixedIn) {
    /** Whether a machine running (or pinned to) {@code version} is affected; null (unknown) is. */
    public boolean affects(Version version) {
        return version == null || fixedIn.isNewerThan(version);
    }
}
