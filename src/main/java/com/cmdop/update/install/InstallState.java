package com.cmdop.update.install;

import com.cmdop.update.state.StateStore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Instant;

/**
 * The install engine's fields in {@code state.json} (other fields are kept as they are):
 * <pre>
 * "installed_version": "v1.2.4" | "unknown",   read by the planner
 * "installed_sha256":  "...",                  what install_path must hash to
 * "installed_signed":  true,                   verified against a signed checksum (false: adopted)
 * "installed_at":      "2026-11-27T10:00:00Z",
 * "previous": {"version", "sha256", "signed", "cache", "replaced_at", "expires"} | null
 * </pre>
 */
final class InstallState {
    static final String UNKNOWN = "unknown";

    /** The binary installed at install_path, as recorded. */
    record Installed(String version, String sha256, boolean signed) {}

    /** The cached previous binary, the rollback target. */
    record Previous(String version, String sha256, boolean signed, String cache, Instant replacedAt, Instant expires) {}

    private final StateStore store;

    private InstallState(StateStore store) {
        this.store = store;
    }

    static InstallState load(Path stateFile) {
        return new InstallState(StateStore.load(stateFile));
    }

    Installed installed() {
        String sha = store.text("installed_sha256");
        if (sha == null) {
            return null;
        }
        String v = store.text("installed_version");
        return new Installed(v == null ? UNKNOWN : v, sha, store.root().path("installed_signed").asBoolean(false));
    }

    void setInstalled(String version, String sha256, boolean signed, Instant at) {
        ObjectNode r = store.root();
        r.put("installed_version", version);
        r.put("installed_sha256", sha256);
        r.put("installed_signed", signed);
        r.put("installed_at", at.toString());
    }

    void clearInstalled() {
        ObjectNode r = store.root();
        r.remove("installed_version");
        r.remove("installed_sha256");
        r.remove("installed_signed");
        r.remove("installed_at");
    }

    Previous previous() {
        JsonNode p = store.root().get("previous");
        if (p == null || !p.isObject() || !p.hasNonNull("sha256") || !p.hasNonNull("cache")) {
            return null;
        }
        return new Previous(p.path("version").asText(UNKNOWN), p.get("sha256").asText(), p.path("signed").asBoolean(false),
                p.get("cache").asText(), instant(p.get("replaced_at")), instant(p.get("expires")));
    }

    void setPrevious(Previous p) {
        if (p == null) {
            store.root().putNull("previous");
            return;
        }
        ObjectNode n = store.root().putObject("previous");
        n.put("version", p.version());
        n.put("sha256", p.sha256());
        n.put("signed", p.signed());
        n.put("cache", p.cache());
        n.put("replaced_at", p.replacedAt().toString());
        n.put("expires", p.expires().toString());
    }

    void save() {
        store.save();
    }

    private static Instant instant(JsonNode n) {
        try {
            return n == null || n.isNull() ? Instant.EPOCH : Instant.parse(n.asText());
        } catch (RuntimeException e) {
            return Instant.EPOCH; // unreadable: treated as expired, so it is purged rather than trusted
        }
    }
}
