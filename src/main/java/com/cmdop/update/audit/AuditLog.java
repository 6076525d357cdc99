package com.cmdop.update.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The audit log: one JSON object per line with {@code "event": "agent_update"} and the fields of SPEC
 * section 10, for SIEMs and for "who changed what, when" on a machine.
 */
public final class AuditLog {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final Clock clock;
    private final String actor;
    private final String runId;

    public AuditLog(Path file, Clock clock, String actor, String runId) {
        this.file = file;
        this.clock = clock;
        this.actor = actor;
        this.runId = runId;
    }

    public Path file() {
        return file;
    }

    /** One event. Optional fields are written as null, so every line has the same keys. */
    public record Event(String action, String outcome, Object from, Object to, String channel, String reason,
            String keyId, String sha256) {
        public static Event of(String action, String outcome, Object from, Object to, String channel) {
            return new Event(action, outcome, from, to, channel, null, null, null);
        }

        public Event withReason(String r) {
            return new Event(action, outcome, from, to, channel, r, keyId, sha256);
        }
    }

    public void record(Event e) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("event", "agent_update");
        line.put("time", DateTimeFormatter.ISO_INSTANT.format(clock.instant().truncatedTo(ChronoUnit.MILLIS)));
        line.put("action", e.action());
        line.put("outcome", e.outcome());
        line.put("from", e.from());
        line.put("to", e.to());
        line.put("channel", e.channel());
        line.put("actor", actor);
        line.put("reason", e.reason());
        line.put("key_id", e.keyId());
        line.put("sha256", e.sha256());
        line.put("run_id", runId);
        try {
            AgentLog.Appender.append(file, JSON.writeValueAsString(line));
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException("audit line not serializable", ex);
        }
    }
}
