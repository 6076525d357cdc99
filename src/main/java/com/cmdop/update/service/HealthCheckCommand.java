package com.cmdop.update.service;

import com.cmdop.update.service.HeartbeatWatcher.Sleeper;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Polls {@code service.health_check} (SPEC section 11): the argv runs with no shell, the tool's environment
 * plus {@code CMDOP_ROOT}, until it exits 0 or the time given is up. Each run is bounded by the time left
 * (and killed when it overstays, with its children), so the whole wait never exceeds {@code heartbeat_timeout}
 * by more than the kill itself. Its combined output goes to {@code outputFile}, of which only a bounded tail
 * is read back and every control character is escaped when shown (the probe may print anything).
 */
public final class HealthCheckCommand {
    /** Between runs: a probe spawns a process (systemctl, curl), so not as often as the heartbeat file is read. */
    public static final Duration POLL = Duration.ofSeconds(1);
    /** A probe gets at least this long, even when the heartbeat wait before it used up the deadline. */
    static final Duration MIN_RUN = Duration.ofMillis(500);

    private final List<String> argv;
    private final Map<String, String> env;
    private final Path outputFile;
    private final ServiceRestarter.Runner runner;
    private final LongSupplier nanoTime;
    private final Sleeper sleeper;

    public HealthCheckCommand(List<String> argv, Map<String, String> env, Path root, Path outputFile,
            ServiceRestarter.Runner runner, LongSupplier nanoTime, Sleeper sleeper) {
        this.argv = List.copyOf(argv);
        Map<String, String> withRoot = new HashMap<>(env);
        withRoot.put("CMDOP_ROOT", root.toString());
        this.env = Map.copyOf(withRoot);
        this.outputFile = outputFile;
        this.runner = runner;
        this.nanoTime = nanoTime;
        this.sleeper = sleeper;
    }

    /** {@code service.health_check: []} means: no command. */
    public boolean enabled() {
        return !argv.isEmpty();
    }

    public List<String> argv() {
        return argv;
    }

    public Path outputFile() {
        return outputFile;
    }

    /**
     * Runs the command until it exits 0 or {@code timeout} is up. It runs at least once (given at least
     * {@link #MIN_RUN}); another run starts only when, after the pause, {@link #MIN_RUN} is still left, so the
     * last result is a real answer of the probe, not a run killed at once for lack of time.
     */
    public HealthCheckResult await(Duration timeout) {
        long deadline = nanoTime.getAsLong() + timeout.toNanos();
        int attempts = 0;
        while (true) {
            long left = deadline - nanoTime.getAsLong();
            RestartResult r = runner.run(argv, env, outputFile, Duration.ofNanos(attempts == 0
                    ? Math.max(left, MIN_RUN.toNanos()) : left));
            attempts++;
            if (r.ok() || deadline - nanoTime.getAsLong() < POLL.toNanos() + MIN_RUN.toNanos()) {
                return new HealthCheckResult(r.ok(), attempts, r);
            }
            try {
                sleeper.sleep(POLL);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new HealthCheckResult(false, attempts, r);
            }
        }
    }
}
