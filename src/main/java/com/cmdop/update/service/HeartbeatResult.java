package com.cmdop.update.service;

import com.cmdop.update.io.SafeText;
import java.time.Instant;

/**
 * The outcome of waiting for the agent's heartbeat.
 *
 * @param status      what was seen last
 * @param expected    the version that had to be named
 * @param seenVersion the version the heartbeat file named, if it could be read
 * @param seenTime    its {@code time}, if it could be read
 * @param detail      a short explanation for messages
 */
public record HeartbeatResult(Status status, String expected, String seenVersion, Instant seenTime, String detail) {

    public enum Status {
        /** Fresh (newer than the restart) and naming the expected version. */
        OK,
        /** Fresh, but naming another version. */
        WRONG_VERSION,
        /** Readable, but not newer than the restart. */
        STALE,
        /** No heartbeat file at all. */
        MISSING,
        /** A file that is not (yet) a heartbeat: partly written, garbage, too large. */
        UNREADABLE
    }

    public boolean ok() {
        return status == Status.OK;
    }

    /**
     * One line for logs, terminals and error messages. The version comes from a file the agent (or anyone
     * who can write it) controls, so every control character in it is escaped.
     */
    public String describe() {
        String seen = SafeText.escape(seenVersion);
        return switch (status) {
            case OK -> "heartbeat names " + seen + " at " + seenTime;
            case WRONG_VERSION -> "heartbeat names " + seen + ", expected " + SafeText.escape(expected);
            case STALE -> "heartbeat not renewed since the restart (last: " + seen + " at " + seenTime + ")";
            case MISSING -> "no heartbeat file was written";
            case UNREADABLE -> "heartbeat file unreadable: " + SafeText.escape(detail);
        };
    }
}
