package com.cmdop.update.trust;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.cmdop.update.io.JsonTrees;
import com.cmdop.update.model.error.ErrorCode;
import com.cmdop.update.model.error.IntegrityException;
import com.cmdop.update.model.error.UpdateException;
import com.cmdop.update.io.AtomicFiles;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The highest channel-manifest sequence seen, per signing key and channel (and of the release index, under
 * the name {@code releases/index}), with the SHA-256 of the
 * bytes seen at that sequence ({@code <data_dir>/trust.json}). A lower sequence is a replay
 * ({@code ROLLBACK_ATTACK}); the same sequence with other bytes means the publisher signed two
 * different manifests for one publication ({@code EQUIVOCATION}). Records only ever grow: a save
 * merges with what another run may have written meanwhile and keeps the higher sequence.
 */
public final class SequenceStore {

    private final Path file;
    private final Map<String, Seen> seen = new LinkedHashMap<>();

    /** What was seen for one key and channel. */
    public record Seen(long sequence, String sha256) {}

    private SequenceStore(Path file) {
        this.file = file;
    }

    public static SequenceStore load(Path file) {
        SequenceStore s = new SequenceStore(file);
        s.seen.putAll(read(file));
        return s;
    }

    private static String key(String keyId, String channel) {
        return keyId + "/" + channel;
    }

    /** Refuses a manifest that goes back in sequence or contradicts one seen before. */
    public void check(String keyId, String channel, long sequence, String sha256, String source) {
        Seen last = seen.get(key(keyId, channel));
        if (last == null) {
            return;
        }
        Map<String, Object> details = Map.of("source", source, "key_id", keyId, "channel", channel,
                "sequence", sequence, "highest_seen", last.sequence());
        String what = channel.contains("/") ? channel : "channel " + channel; // releases/index, or a channel
        if (sequence < last.sequence()) {
            throw new IntegrityException(ErrorCode.ROLLBACK_ATTACK, source + ": " + what + " sequence "
                    + sequence + " is lower than " + last.sequence() + ", already seen from key " + keyId
                    + ": an old manifest is being replayed; nothing was changed. Check the feed and its mirrors",
                    details);
        }
        if (sequence == last.sequence() && !last.sha256().equals(sha256)) {
            throw new IntegrityException(ErrorCode.EQUIVOCATION, source + ": " + what + " sequence "
                    + sequence + " was seen before with different content, both signed by key " + keyId
                    + ": the publisher's key may be compromised; nothing was changed", details);
        }
    }

    /** Records a verified manifest; call {@link #save()} to persist. */
    public void record(String keyId, String channel, long sequence, String sha256) {
        Seen last = seen.get(key(keyId, channel));
        if (last == null || sequence > last.sequence()) {
            seen.put(key(keyId, channel), new Seen(sequence, sha256));
        }
    }

    public Seen get(String keyId, String channel) {
        return seen.get(key(keyId, channel));
    }

    public void save() {
        Map<String, Seen> merged = new LinkedHashMap<>(read(file));
        seen.forEach((k, v) -> merged.merge(k, v, (a, b) -> a.sequence() >= b.sequence() ? a : b));
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        ObjectNode channels = root.putObject("channels");
        merged.forEach((k, v) -> {
            ObjectNode n = channels.putObject(k);
            n.put("sequence", v.sequence());
            n.put("sha256", v.sha256());
        });
        if (merged.equals(read(file))) {
            return; // nothing new: do not touch the file
        }
        AtomicFiles.write(file, JsonTrees.writeBytes(root, true), "rw-r--r--");
    }

    private static Map<String, Seen> read(Path file) {
        Map<String, Seen> m = new LinkedHashMap<>();
        if (!Files.exists(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return m;
        }
        try {
            JsonNode channels = JsonTrees.readTree(AtomicFiles.readRegularFile(file)).path("channels");
            channels.fields().forEachRemaining(e -> m.put(e.getKey(),
                    new Seen(e.getValue().path("sequence").asLong(), e.getValue().path("sha256").asText())));
            return m;
        } catch (IOException e) {
            // a damaged trust record must not be silently reset: that would re-open replays
            throw new UpdateException(ErrorCode.IO_ERROR, file + " cannot be read (" + e.getMessage() + "); it "
                    + "records the feed sequences seen, so it is not reset automatically: restore it, or delete it "
                    + "if you accept that an older manifest could be replayed once", Map.of("path", file.toString()));
        }
    }
}
