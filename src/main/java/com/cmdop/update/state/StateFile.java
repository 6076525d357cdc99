package com.cmdop.update.state;

import com.cmdop.update.io.JsonTrees;
import com.cmdop.update.io.AtomicFiles;
import com.cmdop.update.model.Advisory;
import com.cmdop.update.io.FileIdentity;
import com.cmdop.update.model.Version;
import com.cmdop.update.model.error.ErrorCode;
import com.cmdop.update.model.error.UpdateException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The one owner of {@code <data_dir>/state.json}, the updater's own record. Every reader and writer goes
 * through this class; nothing else knows the file's name ({@link #FILE_NAME}, {@link #in}) or its fields.
 * <pre>
 * "schema":            1                          the layout version ({@link #SCHEMA}); absent = 0, today's first layout
 * "installed_version": "v1.2.4" | "unknown",      "installed_sha256", "installed_signed", "installed_at"
 * "previous":          {"version", "sha256", "signed", "cache", "replaced_at", "expires"} | null
 * "last_check":        {"time", "result": "ok" | "failed", "error": "FEED_UNAVAILABLE" (optional),
 *                       "failures": failed checks in a row (optional)}
 * "last_success":      {"time", "available_version", "advisories": [{"id", "severity", "summary", "fixed_in"}]}
 * "last_change":       {"time", "actor", "actions": ["set-channel", ...]}
 * "file_hashes":       {"/usr/local/bin/cmdop": {"dev", "ino", "size", "mtime_ns", "ctime_ns", "sha256"}, ...}
 *                      hashes remembered by file identity ({@link FileHashes}); added by every save
 * </pre>
 * Reading is tolerant: a missing file is an empty state, and a field of the wrong type reads as absent
 * (an unreadable {@code previous} expiry reads as the epoch, so it is purged rather than trusted); only
 * a file that is not a JSON object at all is an error (IO_ERROR: move it aside), never silently replaced.
 * Fields this version does not know are kept as they are, so an older tool never drops what a newer one
 * wrote. Read without a lock (status); written only under the run lock, always atomically (0644).
 */
public final class StateFile {
    public static final String FILE_NAME = "state.json";
    /** The layout this version writes. 0 (no {@code schema} field) is the same layout, unversioned. */
    public static final int SCHEMA = 1;
    /** The version of a binary whose version could not be learned. */
    public static final String UNKNOWN = "unknown";


    /** The binary at install_path, as recorded. {@code at} is null when not recorded. */
    public record Installed(String version, String sha256, boolean signed, Instant at) {}

    /** The cached previous binary, the rollback target. */
    public record Previous(String version, String sha256, boolean signed, String cache, Instant replacedAt,
            Instant expires) {}

    /** The last update check (manual or scheduled). {@code errorCode} is null unless it failed with one. */
    public record LastCheck(Instant time, String result, String errorCode) {}

    /** The last run that changed something. */
    public record LastChange(Instant time, String actor, List<String> actions) {}

    private final Path file;
    private final ObjectNode root;

    private StateFile(Path file, ObjectNode root) {
        this.file = file;
        this.root = root;
    }

    /** The state file of a data directory. */
    public static Path in(Path dataDir) {
        return dataDir.resolve(FILE_NAME);
    }

    /** Reads the state file of {@code dataDir}. */
    public static StateFile ofDataDir(Path dataDir) {
        return load(in(dataDir));
    }

    /** Reads {@code file}; missing is empty. */
    public static StateFile load(Path file) {
        byte[] bytes;
        try {
            bytes = AtomicFiles.readRegularFile(file);
        } catch (NoSuchFileException e) {
            return new StateFile(file, JsonNodeFactory.instance.objectNode());
        } catch (IOException e) {
            throw AtomicFiles.ioFailure("read", file, e);
        }
        try {
            if (JsonTrees.readTree(bytes) instanceof ObjectNode o) {
                return new StateFile(file, migrate(o));
            }
        } catch (IOException e) {
            // fall through: a corrupt state file is reported, never silently replaced
        }
        throw new UpdateException(ErrorCode.IO_ERROR, file + " is corrupt (not a JSON object); move it aside and "
                + "run again: the tool rebuilds what it needs", Map.of("path", file.toString()));
    }

    /**
     * Brings an older layout up to {@link #SCHEMA}. Schema 0 (no {@code schema} field, the first layout)
     * has the same fields as schema 1; a newer schema is read for the fields known here, and kept.
     */
    static ObjectNode migrate(ObjectNode o) {
        int schema = o.path("schema").canConvertToInt() ? o.path("schema").asInt() : 0;
        if (schema < SCHEMA) {
            ObjectNode m = JsonNodeFactory.instance.objectNode();
            m.put("schema", SCHEMA); // first, for people reading the file
            Iterator<Map.Entry<String, JsonNode>> fields = o.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> f = fields.next();
                if (!f.getKey().equals("schema")) {
                    m.set(f.getKey(), f.getValue());
                }
            }
            return m;
        }
        return o;
    }

    public Path file() {
        return file;
    }

    /** The layout version of what was read (after migration: at least {@link #SCHEMA}). */
    public int schema() {
        return root.path("schema").asInt(SCHEMA);
    }

    // ---- installed

    /** The binary recorded as installed, or null. */
    public Installed installed() {
        String sha = text(root, "installed_sha256");
        if (sha == null) {
            return null;
        }
        String v = text(root, "installed_version");
        return new Installed(v == null ? UNKNOWN : v, sha, root.path("installed_signed").asBoolean(false),
                instantOrNull(root.get("installed_at")));
    }

    /** The agent version installed or adopted, or null if none is known (or it is {@code unknown}). */
    public Version installedVersion() {
        String v = text(root, "installed_version");
        return v == null || !Version.isValid(v) ? null : Version.parse(v);
    }

    public void setInstalled(String version, String sha256, boolean signed, Instant at) {
        root.put("installed_version", version);
        root.put("installed_sha256", sha256);
        root.put("installed_signed", signed);
        root.put("installed_at", at.truncatedTo(ChronoUnit.SECONDS).toString());
    }

    public void clearInstalled() {
        root.remove("installed_version");
        root.remove("installed_sha256");
        root.remove("installed_signed");
        root.remove("installed_at");
    }

    // ---- previous

    /** The cached previous binary, or null. */
    public Previous previous() {
        JsonNode p = root.get("previous");
        if (p == null || !p.isObject() || text(p, "sha256") == null || text(p, "cache") == null) {
            return null;
        }
        Instant replaced = instantOrNull(p.get("replaced_at"));
        Instant expires = instantOrNull(p.get("expires"));
        return new Previous(p.path("version").asText(UNKNOWN), p.get("sha256").asText(), p.path("signed").asBoolean(false),
                p.get("cache").asText(), replaced == null ? Instant.EPOCH : replaced,
                expires == null ? Instant.EPOCH : expires); // unreadable: treated as expired, so purged, not trusted
    }

    /** Sets (or, with null, clears) the previous binary. */
    public void setPrevious(Previous p) {
        if (p == null) {
            root.putNull("previous");
            return;
        }
        ObjectNode n = root.putObject("previous");
        n.put("version", p.version());
        n.put("sha256", p.sha256());
        n.put("signed", p.signed());
        n.put("cache", p.cache());
        n.put("replaced_at", p.replacedAt().toString());
        n.put("expires", p.expires().toString());
    }

    // ---- last check

    /** The last check, or null. */
    public LastCheck lastCheck() {
        JsonNode n = root.get("last_check");
        if (n == null || !n.isObject()) {
            return null;
        }
        Instant t = instantOrNull(n.get("time"));
        return t == null ? null : new LastCheck(t, text(n, "result"), text(n, "error"));
    }

    /** When the last check ran, or null (also when unreadable: the next scheduled run then checks, the safe side). */
    public Instant lastCheckTime() {
        LastCheck c = lastCheck();
        return c == null ? null : c.time();
    }

    /**
     * Records a check; {@code errorCode} (null when none) is the failure's public error code. A failed check
     * also counts the failures in a row ({@code failures}), for the scheduled run's backoff.
     */
    public void recordCheck(Instant time, String result, String errorCode) {
        int failures = "failed".equals(result) ? checkFailures() + 1 : 0;
        ObjectNode n = root.putObject("last_check");
        n.put("time", time.truncatedTo(ChronoUnit.SECONDS).toString());
        n.put("result", result);
        if (errorCode != null) {
            n.put("error", errorCode);
        }
        if (failures > 0) {
            n.put("failures", failures);
        }
    }

    /** How many checks in a row failed, up to the last one (0 when it succeeded or none is recorded). */
    public int checkFailures() {
        LastCheck c = lastCheck();
        if (c == null || !"failed".equals(c.result())) {
            return 0;
        }
        JsonNode f = root.path("last_check").get("failures");
        return f != null && f.canConvertToInt() && f.asInt() > 0 ? f.asInt() : 1;
    }

    // ---- last successful check

    /**
     * What the last successful check learned of the feed, for monitoring without the network.
     *
     * @param availableVersion the channel's version then (null: not known)
     * @param advisories       the advisories of that release, as published
     */
    public record LastSuccess(Instant time, Version availableVersion, List<Advisory> advisories) {}

    /** The last successful check, or null (none recorded, or unreadable). */
    public LastSuccess lastSuccess() {
        JsonNode n = root.get("last_success");
        Instant t = n == null ? null : instantOrNull(n.get("time"));
        if (t == null) {
            return null;
        }
        String v = text(n, "available_version");
        List<Advisory> advisories = new ArrayList<>();
        for (JsonNode a : n.path("advisories")) {
            String fixed = text(a, "fixed_in");
            if (fixed != null && Version.isValid(fixed)) {
                advisories.add(new Advisory(text(a, "id"), text(a, "severity"), text(a, "summary"), Version.parse(fixed)));
            }
        }
        return new LastSuccess(t, v != null && Version.isValid(v) ? Version.parse(v) : null, List.copyOf(advisories));
    }

    /** Records a successful check and what it learned of the feed. */
    public void recordSuccess(Instant time, Version availableVersion, List<Advisory> advisories) {
        ObjectNode n = root.putObject("last_success");
        n.put("time", time.truncatedTo(ChronoUnit.SECONDS).toString());
        n.put("available_version", availableVersion == null ? null : availableVersion.toString());
        ArrayNode a = n.putArray("advisories");
        for (Advisory adv : advisories) {
            ObjectNode o = a.addObject();
            o.put("id", adv.id());
            o.put("severity", adv.severity());
            o.put("summary", adv.summary());
            o.put("fixed_in", adv.fixedIn().toString());
        }
    }

    // ---- last change

    /** The last change, or null. */
    public LastChange lastChange() {
        JsonNode n = root.get("last_change");
        if (n == null || !n.isObject()) {
            return null;
        }
        List<String> actions = new ArrayList<>();
        n.path("actions").forEach(a -> {
            if (a.isTextual()) {
                actions.add(a.asText());
            }
        });
        return new LastChange(instantOrNull(n.get("time")), text(n, "actor"), List.copyOf(actions));
    }

    /** The {@code last_change} object as stored, for status output (null when absent). */
    public JsonNode lastChangeJson() {
        JsonNode n = root.get("last_change");
        return n == null ? null : n.deepCopy();
    }

    /** The {@code last_check} object as stored, for status output (null when absent). */
    public JsonNode lastCheckJson() {
        JsonNode n = root.get("last_check");
        return n == null ? null : n.deepCopy();
    }

    public void recordChange(Instant time, String actor, List<String> actions) {
        ObjectNode n = root.putObject("last_change");
        n.put("time", time.truncatedTo(ChronoUnit.SECONDS).toString());
        n.put("actor", actor);
        ArrayNode a = n.putArray("actions");
        actions.forEach(a::add);
    }

    // ---- file hashes (FileHashes owns the rule; this is only where they are kept)

    /** The hash remembered for the file at the absolute path {@code key}, or null (also when unreadable). */
    FileHashes.Known knownHash(String key) {
        JsonNode n = root.path("file_hashes").get(key);
        if (n == null || !n.isObject() || text(n, "sha256") == null) {
            return null;
        }
        for (String f : List.of("dev", "ino", "size", "mtime_ns", "ctime_ns")) {
            if (!n.path(f).canConvertToLong()) {
                return null;
            }
        }
        return new FileHashes.Known(new FileIdentity(n.get("dev").asLong(), n.get("ino").asLong(),
                n.get("size").asLong(), n.get("mtime_ns").asLong(), n.get("ctime_ns").asLong()), text(n, "sha256"));
    }

    /** Adds what this run learned about files of this data directory; keeps the newest {@link FileHashes#MAX_REMEMBERED}. */
    private void rememberLearnedHashes() {
        Map<String, FileHashes.Known> learned = FileHashes.learned(file);
        if (learned.isEmpty()) {
            return;
        }
        JsonNode existing = root.get("file_hashes");
        ObjectNode all = existing instanceof ObjectNode o ? o : root.putObject("file_hashes");
        learned.forEach((path, k) -> {
            all.remove(path); // re-added last: the newest entries are at the end
            ObjectNode n = all.putObject(path);
            n.put("dev", k.identity().device());
            n.put("ino", k.identity().inode());
            n.put("size", k.identity().size());
            n.put("mtime_ns", k.identity().mtimeNanos());
            n.put("ctime_ns", k.identity().ctimeNanos());
            n.put("sha256", k.sha256());
        });
        while (all.size() > FileHashes.MAX_REMEMBERED) {
            all.remove(all.fieldNames().next());
        }
    }

    /**
     * Writes the file atomically; fields this version does not know are written back as they were. The hashes
     * this run learned about this data directory's files are written with it.
     */
    public void save() {
        rememberLearnedHashes();
        AtomicFiles.write(file, JsonTrees.writeBytes(root, true), "rw-r--r--");
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v != null && v.isValueNode() && !v.isNull() ? v.asText() : null;
    }

    private static Instant instantOrNull(JsonNode n) {
        if (n == null || !n.isTextual()) {
            return null;
        }
        try {
            return Instant.parse(n.asText());
        } catch (RuntimeException e) {
            return null;
        }
    }
}
