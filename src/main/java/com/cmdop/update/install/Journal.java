package com.cmdop.update.install;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.cmdop.update.io.JsonTrees;
import com.cmdop.update.model.error.ErrorCode;
import com.cmdop.update.model.error.UpdateException;
import com.cmdop.update.io.AtomicFiles;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;

/**
 * {@code <data_dir>/journal.json}: the one swap in progress, written (atomically) before anything at
 * install_path changes and removed when the run is finished or undone. {@link Recovery} reads it after a
 * crash and decides from what is actually at install_path (its SHA-256 against {@code from}/{@code to}).
 *
 * @param op      {@code install} or {@code rollback}
 * @param phase   how far the run got
 * @param from    the binary at install_path when the run began (null: there was none)
 * @param to      the binary being put in place
 * @param keyId   the key that signed {@code to} (install), for the logs
 */
public record Journal(String op, Phase phase, Instant started, Binary from, Binary to, String keyId) {
    public static final String FILE_NAME = "journal.json";
    public static final String INSTALL = "install";
    public static final String ROLLBACK = "rollback";

    public enum Phase {
        /** Staged and verified; the current binary is being cached; install_path not yet touched. */
        PREPARED,
        /** The new binary is at install_path and may be running. */
        SWAPPED,
        /** The new binary's heartbeat was confirmed; only the bookkeeping is left. */
        HEALTHY,
        /** The new binary failed its heartbeat; the old one is being put back. */
        REVERTING;

        String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * One binary.
     *
     * @param version its version, or {@code unknown}
     * @param signed  whether it was verified against a signed checksum (an adopted binary was not)
     * @param cache   the name of its entry under {@code versions/}, or null when it has none
     */
    public record Binary(String version, String sha256, boolean signed, String cache) {}

    public Journal withPhase(Phase p) {
        return new Journal(op, p, started, from, to, keyId);
    }

    public static Journal load(Path file) {
        byte[] bytes;
        try {
            bytes = AtomicFiles.readRegularFile(file);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw AtomicFiles.ioFailure("read", file, e);
        }
        try {
            JsonNode n = JsonTrees.readTree(bytes);
            return new Journal(n.get("op").asText(), Phase.valueOf(n.get("phase").asText().toUpperCase(Locale.ROOT)),
                    Instant.parse(n.get("started").asText()), binary(n.get("from")), binary(n.get("to")),
                    text(n.get("key_id")));
        } catch (IOException | RuntimeException e) {
            throw new UpdateException(ErrorCode.IO_ERROR, file + " is not a journal this tool wrote (" + e
                    + "); it is written atomically, so it was changed by hand: move it aside and run again",
                    Map.of("path", file.toString()), e);
        }
    }

    public void save(Path file) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("op", op);
        n.put("phase", phase.id());
        n.put("started", started.toString());
        n.set("from", node(from));
        n.set("to", node(to));
        n.put("key_id", keyId);
        AtomicFiles.write(file, JsonTrees.writeBytes(n, true), "rw-------");
    }

    public static void clear(Path file) {
        try {
            if (Files.deleteIfExists(file)) {
                AtomicFiles.fsyncDirectory(file.toAbsolutePath().getParent());
            }
        } catch (IOException e) {
            throw AtomicFiles.ioFailure("remove", file, e);
        }
    }

    private static JsonNode node(Binary b) {
        if (b == null) {
            return JsonNodeFactory.instance.nullNode();
        }
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("version", b.version());
        n.put("sha256", b.sha256());
        n.put("signed", b.signed());
        n.put("cache", b.cache());
        return n;
    }

    private static Binary binary(JsonNode n) {
        if (n == null || n.isNull()) {
            return null;
        }
        return new Binary(n.get("version").asText(), n.get("sha256").asText(), n.path("signed").asBoolean(false),
                text(n.get("cache")));
    }

    private static String text(JsonNode n) {
        return n == null || n.isNull() ? null : n.asText();
    }
}
