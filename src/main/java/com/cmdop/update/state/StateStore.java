package com.cmdop.update.state;

import com.cmdop.update.model.error.ErrorCode;
import com.cmdop.update.model.error.UpdateException;
import com.cmdop.update.io.AtomicFiles;
import com.cmdop.update.model.Version;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Map;

/**
 * The updater's own record in {@code <data_dir>/state.json}: what it installed, what it last did. Read
 * without a lock (status), written only under the run lock, always atomically. Unknown fields are
 * kept, so an older tool never drops what a newer one wrote.
 */
public final class StateStore {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path file;
    private final ObjectNode root;

    private StateStore(Path file, ObjectNode root) {
        this.file = file;
        this.root = root;
    }

    public static StateStore load(Path file) {
        if (!Files.exists(file)) {
            return new StateStore(file, JsonNodeFactory.instance.objectNode());
        }
        try {
            if (JSON.readTree(file.toFile()) instanceof ObjectNode o) {
                return new StateStore(file, o);
            }
        } catch (JsonProcessingException e) {
            // fall through: a corrupt state file is reported, never silently replaced
        } catch (IOException e) {
            throw AtomicFiles.ioFailure("read", file, e);
        }
        throw new UpdateException(ErrorCode.IO_ERROR, file + " is corrupt (not a JSON object); move it aside and "
                + "run again: the tool rebuilds what it needs", Map.of("path", file.toString()));
    }

    public ObjectNode root() {
        return root;
    }

    public String text(String field) {
        return root.hasNonNull(field) ? root.get(field).asText() : null;
    }

    /** The agent version this tool installed or adopted, or null if none is known. */
    public Version installedVersion() {
        String v = text("installed_version");
        return v == null || !Version.isValid(v) ? null : Version.parse(v);
    }

    /** When the last update check ran (manual or scheduled), or null. */
    public Instant lastCheck() {
        String t = root.path("last_check").path("time").asText(null);
        try {
            return t == null ? null : Instant.parse(t);
        } catch (DateTimeParseException e) {
            return null; // unreadable: the next scheduled run checks, which is the safe side
        }
    }

    public void recordCheck(Instant time, String result) {
        ObjectNode n = root.putObject("last_check");
        n.put("time", time.truncatedTo(ChronoUnit.SECONDS).toString());
        n.put("result", result);
    }

    public void save() {
        try {
            AtomicFiles.write(file, JSON.writeValueAsBytes(root), "rw-r--r--");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
