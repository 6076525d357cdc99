package com.cmdop.update.audit;

import com.cmdop.update.io.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * Lines in the agent's log (SPEC section 10): {@code <RFC 3339 UTC> <LEVEL> update: <message>}, so
 * {@code cmdop agent logs -f | grep update} finds them. One line per event; newlines in messages are
 * escaped so a hostile string cannot forge a line.
 */
public final class AgentLog {
    public enum Level { INFO, WARN, ERROR, CRITICAL }

    private final Path file;
    private final Clock clock;

    public AgentLog(Path file, Clock clock) {
        this.file = file;
        this.clock = clock;
    }

    public Path file() {
        return file;
    }

    public void info(String message) {
        write(Level.INFO, message);
    }

    public void warn(String message) {
        write(Level.WARN, message);
    }

    public void error(String message) {
        write(Level.ERROR, message);
    }

    /** The tamper line of SPEC section 10: {@code CRITICAL update: tamper-detected reason=<code> ...}. */
    public void tamperDetected(String reasonCode, String message) {
        write(Level.CRITICAL, "tamper-detected reason=" + reasonCode + " " + message);
    }

    public void write(Level level, String message) {
        String line = format(clock.instant(), level, message);
        Appender.append(file, line);
    }

    public static String format(Instant time, Level level, String message) {
        String safe = message.replace("\r", "\\r").replace("\n", "\\n");
        return DateTimeFormatter.ISO_INSTANT.format(time.truncatedTo(ChronoUnit.SECONDS)) + " " + level + " update: "
                + safe;
    }

    /** Appends one line to a log file, creating its directory; shared by the agent and audit logs. */
    static final class Appender {
        private Appender() {}

        static void append(Path file, String line) {
            AtomicFiles.createDirectories(file.toAbsolutePath().getParent());
            try {
                Files.write(file, (line + "\n").getBytes(StandardCharsets.UTF_8), StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND, StandardOpenOption.WRITE);
            } catch (IOException e) {
                throw AtomicFiles.ioFailure("append to log", file, e);
            }
        }
    }
}
