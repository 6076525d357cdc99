package com.cmdop.update.install;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.cmdop.update.io.JsonTrees;
import com.cmdop.update.model.error.ErrorCode;
import com.cmdop.update.model.error.UpdateException;
import com.cmdop.update.io.AtomicFiles;
import com.cmdop.update.model.Version;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Versions that failed their heartbeat or were rolled back from, in {@code <data_dir>/quarantine.json}:
 * {@code {"versions": [{"version": "v1.2.4", "reason": "...", "since": "..."}]}}. A quarantined version is
 * not installed automatically again (SPEC section 9); {@code --version}/{@code --pin} override it, and a
 * healthy install of a version clears every quarantined version up to it ({@link #clearOlderThanOrEqual}).
 * Reading needs no lock; changes are written atomically under the run lock.
 */
public final class Quarantine {

    public record Entry(Version version, String reason, Instant since) {}

    private final Path file;
    private final List<Entry> entries;

    private Quarantine(Path file, List<Entry> entries) {
        this.file = file;
        this.entries = entries;
    }

    /** The quarantine of the data directory {@code dataDir}. */
    public static Quarantine load(Path dataDir) {
        return loadFile(dataDir.resolve("quarantine.json"));
    }

    static Quarantine loadFile(Path file) {
        List<Entry> list = new ArrayList<>();
        try {
            JsonNode root = JsonTrees.readTree(AtomicFiles.readRegularFile(file));
            for (JsonNode n : root.path("versions")) {
                list.add(new Entry(Version.parse(n.get("version").asText()), n.path("reason").asText(""),
                        Instant.parse(n.get("since").asText())));
            }
        } catch (NoSuchFileException e) {
            return new Quarantine(file, list);
        } catch (IOException | RuntimeException e) {
            throw new UpdateException(ErrorCode.IO_ERROR, file + " is not a quarantine list this tool wrote (" + e
                    + "); move it aside and run again (quarantined versions are then forgotten)",
                    Map.of("path", file.toString()), e);
        }
        return new Quarantine(file, list);
    }

    public boolean isQuarantined(Version v) {
        return entries.stream().anyMatch(e -> e.version().equals(v));
    }

    /** Oldest first. */
    public List<Entry> list() {
        return entries.stream().sorted(Comparator.comparing(Entry::version)).toList();
    }

    /** Adds (or refreshes) {@code v} and saves; versions that are not SemVer ({@code unknown}) are ignored. */
    public void add(String version, String reason, Instant since) {
        if (!Version.isValid(version)) {
            return;
        }
        Version v = Version.parse(version);
        entries.removeIf(e -> e.version().equals(v));
        entries.add(new Entry(v, reason, since));
        save();
    }

    /** Removes {@code v} (cmdop-update quarantine clear, or a rollback back to it); saves; false if it was not there. */
    public boolean remove(Version v) {
        boolean removed = entries.removeIf(e -> e.version().equals(v));
        if (removed) {
            save();
        }
        return removed;
    }

    /** Removes every quarantined version up to and including {@code v}; saves when something changed. */
    public List<Version> clearOlderThanOrEqual(Version v) {
        List<Version> removed = entries.stream().map(Entry::version).filter(q -> q.compareTo(v) <= 0).toList();
        if (!removed.isEmpty()) {
            entries.removeIf(e -> e.version().compareTo(v) <= 0);
            save();
        }
        return removed;
    }

    private void save() {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        ArrayNode arr = root.putArray("versions");
        for (Entry e : list()) {
            ObjectNode n = arr.addObject();
            n.put("version", e.version().toString());
            n.put("reason", e.reason());
            n.put("since", e.since().toString());
        }
        AtomicFiles.write(file, JsonTrees.writeBytes(root, true), "rw-r--r--");
    }
}
