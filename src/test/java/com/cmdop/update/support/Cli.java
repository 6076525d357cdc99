package com.cmdop.update.support;

import com.cmdop.update.exec.AppContext;
import com.cmdop.update.cli.CliFactory;
import com.cmdop.update.install.EngineSeams;
import com.cmdop.update.release.feed.FeedTimeouts;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;

/**
 * Runs the tool in-process through the same {@link CliFactory} that Main uses, with captured streams,
 * a fixed clock and an environment of the test's choosing.
 */
public final class Cli {
    public static final Instant NOW = Instant.parse("2026-11-27T10:00:00Z");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, String> env = new HashMap<>();
    private Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    private Path cwd = Path.of("").toAbsolutePath();
    private Duration lockWait = Duration.ofMillis(300);
    private FeedTimeouts feedTimeouts = FeedTimeouts.DEFAULTS;
    private java.util.function.UnaryOperator<EngineSeams> seams = s -> s;

    public Cli env(String k, String v) {
        env.put(k, v);
        return this;
    }

    public Cli clock(Clock c) {
        clock = c;
        return this;
    }

    public Cli cwd(Path p) {
        cwd = p;
        return this;
    }

    public Cli lockWait(Duration d) {
        lockWait = d;
        return this;
    }

    public Cli feedTimeouts(FeedTimeouts t) {
        feedTimeouts = t;
        return this;
    }

    /** Replaces parts of the install engine's outside world (restarts, heartbeat clock, crash points). */
    public Cli seams(java.util.function.UnaryOperator<EngineSeams> change) {
        seams = change;
        return this;
    }

    public Result run(String... args) {
        return runWithStdin("", args);
    }

    public Result runWithStdin(String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        AppContext ctx = new AppContext(Map.copyOf(env), clock,
                new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                cwd, false, lockWait, feedTimeouts, seams.apply(EngineSeams.system(Map.copyOf(env))));
        int exit = CliFactory.run(ctx, args);
        return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** What a run printed and returned. */
    public record Result(int exit, String out, String err) {
        public JsonNode json() {
            try {
                return JSON.readTree(out);
            } catch (Exception e) {
                throw new AssertionError("stdout is not one JSON document:\n" + out + "\nstderr:\n" + err, e);
            }
        }

        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }
}
