package com.cmdop.update.audit;

import com.cmdop.update.io.JsonTrees;
import com.cmdop.update.io.AtomicFiles;
import com.cmdop.update.io.SafeText;
import com.cmdop.update.model.error.UpdateException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The one event log of a run (SPEC section 10, DESIGN.md "Record"): the agent-log line
 * {@code <RFC 3339 UTC> <LEVEL> update: <message>}, the audit JSON line ({@code "event": "agent_update"},
 * time, action, outcome, from, to, channel, actor, reason, key_id, sha256, run_id) and the CRITICAL
 * {@code tamper-detected reason=<code>} line.
 *
 * <p>One policy for every write: <b>a log write that fails never throws and never changes the run's exit
 * code</b>. It becomes a warning, collected with {@link #drainWarnings()} for the JSON envelope's
 * {@code warnings}. A tamper or refusal event that could not be written is also printed, as its CRITICAL
 * line, on the stderr given here, and its warnings are attached to the refusal's exception (see
 * {@link #warningsOf}) so the error envelope shows them: a refusal stays exit 80 with the CRITICAL line
 * visible even when the log is full, read-only or not a file.
 *
 * <p>Every control character of a message is escaped ({@link SafeText}), so a hostile manifest or heartbeat
 * cannot forge a line or send terminal escapes. Log files are opened for append without following a
 * symbolic link (a planted {@code agent.log -> /etc/shadow} is refused, not appended to), only when they
 * are regular files (a FIFO would block), and created with mode 0640.
 */
public final class EventLog {
    /** The levels of SPEC section 10. */
    public enum Level { INFO, WARN, ERROR, CRITICAL }

    /**
     * One audit event. Optional fields are written as null, so every line has the same keys.
     *
     * @param action  what step: check, download, verify, swap, restart, heartbeat, rollback, set-channel, ...
     * @param outcome applied, ok, failed, refused, skipped, started, cleared
     */
    public record Event(String action, String outcome, Object from, Object to, String channel, String reason,
            String keyId, String sha256) {
        public static Event of(String action, String outcome, Object from, Object to, String channel) {
            return new Event(action, outcome, from, to, channel, null, null, null);
        }
    }

    /** A log or record write that failed, attached to a failure's exception as a suppressed exception. */
    public static final class Warning extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public Warning(String message) {
            super(message, null, false, false);
        }
    }

    private static final String MODE = "rw-r-----";

    private final Path agentLog;
    private final Path auditLog;
    private final Clock clock;
    private final String actor;
    private final String runId;
    private final PrintStream stderr;
    private final Set<String> warnings = new LinkedHashSet<>();

    /**
     * @param agentLog the agent's log ({@code update.log_file})
     * @param auditLog the audit log ({@code update.audit_file})
     * @param actor    cli, scheduled or converge
     * @param stderr   where a CRITICAL line that could not be logged is shown instead
     */
    public EventLog(Path agentLog, Path auditLog, Clock clock, String actor, String runId, PrintStream stderr) {
        this.agentLog = agentLog;
        this.auditLog = auditLog;
        this.clock = clock;
        this.actor = actor;
        this.runId = runId;
        this.stderr = stderr;
    }

    /**
     * A log for a check that is not about this machine's agent (a file someone verifies by hand): nothing
     * is written to the agent's or the audit log; failures are reported to the user directly.
     */
    public static EventLog unlogged(Clock clock, String actor, String runId) {
        return new EventLog(null, null, clock, actor, runId, null);
    }

    public Path agentLogFile() {
        return agentLog;
    }

    public Path auditLogFile() {
        return auditLog;
    }

    public String runId() {
        return runId;
    }

    /** An agent-log line and its audit event. */
    public void record(Level level, String message, Event event) {
        line(level, message);
        audit(event);
    }

    /** An agent-log line only. */
    public void line(Level level, String message) {
        String line = format(clock.instant(), level, message);
        String problem = append(agentLog, line);
        if (problem != null) {
            warnings.add("could not write the agent log " + agentLog + ": " + problem);
        }
    }

    /** An audit line only. */
    public void audit(Event e) {
        String problem = append(auditLog, auditLine(e));
        if (problem != null) {
            warnings.add("could not write the audit log " + auditLog + ": " + problem);
        }
    }

    /**
     * The CRITICAL {@code tamper-detected reason=<event.reason>} line and its audit event. When either
     * cannot be written, the CRITICAL line goes to stderr and into the warnings.
     */
    public List<String> tamper(String message, Event event) {
        String critical = format(clock.instant(), Level.CRITICAL, "tamper-detected reason=" + event.reason() + " "
                + message);
        List<String> failed = new ArrayList<>();
        String agentProblem = append(agentLog, critical);
        if (agentProblem != null) {
            failed.add("could not write the agent log " + agentLog + ": " + agentProblem);
        }
        String auditProblem = append(auditLog, auditLine(event));
        if (auditProblem != null) {
            failed.add("could not write the audit log " + auditLog + ": " + auditProblem);
        }
        if (!failed.isEmpty()) {
            failed.add("not logged: " + critical);
            if (stderr != null) {
                stderr.println(critical);
                stderr.flush();
            }
            warnings.addAll(failed);
        }
        return failed;
    }

    /**
     * Logs a refused integrity check (or a possible freeze attack) as tampering: the CRITICAL line with
     * the exception's code as reason and an audit event with outcome {@code refused} (key_id and sha256
     * from its details). Warnings of failed writes are attached to {@code e}; returns {@code e} to throw.
     */
    public <E extends UpdateException> E refused(E e, String action, String channel) {
        Object keyId = e.details().get("key_id");
        Object sha = e.details().get("sha256");
        return refused(e, new Event(action, "refused", null, null, channel, e.code().name(),
                keyId == null ? null : keyId.toString(), sha == null ? null : sha.toString()));
    }

    /** As {@link #refused(UpdateException, String, String)}, with the audit event given (its reason is the code). */
    public <E extends UpdateException> E refused(E e, Event event) {
        for (String w : tamper(e.getMessage(), event)) {
            e.addSuppressed(new Warning(w));
        }
        return e;
    }

    /** The log-write warnings attached to a failure by {@link #refused}, for the error envelope. */
    public static List<String> warningsOf(Throwable failure) {
        List<String> list = new ArrayList<>();
        for (Throwable s : failure.getSuppressed()) {
            if (s instanceof Warning w) {
                list.add(w.getMessage());
            }
        }
        return list;
    }

    /** The warnings collected since the last call, each once. */
    public List<String> drainWarnings() {
        List<String> w = List.copyOf(warnings);
        warnings.clear();
        return w;
    }

    /** An agent-log line: {@code <RFC 3339 UTC, seconds> <LEVEL> update: <message, control characters escaped>}. */
    public static String format(Instant time, Level level, String message) {
        return DateTimeFormatter.ISO_INSTANT.format(time.truncatedTo(ChronoUnit.SECONDS)) + " " + level + " update: "
                + SafeText.escape(message);
    }

    private String auditLine(Event e) {
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
            return JsonTrees.write(line, false); // JSON escapes every control character itself
        } catch (IllegalArgumentException ex) {
            return "{\"event\":\"agent_update\",\"action\":\"unserializable\"}";
        }
    }

    /**
     * Why a log directory must not be written, or null: one of its directories is a symbolic link that sits in
     * a directory others may write (not sticky), so anyone could have pointed it at a directory of root's
     * (issue #9, found by the fault suite).
     */
    private static String linkInADirectoryOthersMayWrite(Path dir) throws IOException {
        for (Path p = dir; p != null && p.getParent() != null; p = p.getParent()) {
            if (Files.isSymbolicLink(p)) {
                int mode = (Integer) Files.getAttribute(p.getParent(), "unix:mode");
                if ((mode & 022) != 0 && (mode & 01000) == 0) {
                    return p + " is a symbolic link in " + p.getParent() + ", which others may write (mode "
                            + String.format("%04o", mode & 07777) + "), so it is not followed; make "
                            + p.getParent() + " writable by root only (chmod go-w), or set the log path elsewhere";
                }
            }
        }
        return null;
    }

    /** Appends one line; returns null, or why it could not. Never throws. */
    static String append(Path file, String line) {
        if (file == null) {
            return null; // a log this run does not write (see #unlogged)
        }
        try {
            Path dir = file.toAbsolutePath().getParent();
            String linked = linkInADirectoryOthersMayWrite(dir);
            if (linked != null) {
                return linked;
            }
            if (dir != null) {
                AtomicFiles.createDirectories(dir);
            }
            try {
                BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                if (!a.isRegularFile()) {
                    return (a.isSymbolicLink() ? "it is a symbolic link" : a.isDirectory() ? "it is a directory"
                            : "it is not a regular file") + ", which is not followed or written; replace it with a "
                            + "regular file";
                }
            } catch (NoSuchFileException absent) {
                // created below, 0640, never through a link
            }
            Set<OpenOption> options = Set.of(StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                    StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
            try (SeekableByteChannel ch = Files.newByteChannel(file, options,
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(MODE)))) {
                ByteBuffer buf = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
            }
            return null;
        } catch (FileSystemException e) {
            return e.getReason() != null ? e.getReason() : e.toString();
        } catch (IOException | RuntimeException e) {
            return e.getMessage() != null ? e.getMessage() : e.toString();
        }
    }
}
