package com.cmdop.update.exec;

import com.cmdop.update.install.EngineSeams;
import com.cmdop.update.model.Platform;
import com.cmdop.update.release.feed.FeedTimeouts;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * Everything a run needs from the outside world, built once in the CLI's {@code Main} and passed down;
 * tests build their own (captured streams, a fixed clock, their own environment and platform). No globals.
 *
 * @param env              the process environment (CMDOP_ROOT, HOME, proxies, CMDOP_KEY_PASSWORD)
 * @param cwd              the working directory that relative command-line paths are resolved against
 * @param stderrIsTerminal whether to draw progress bars and prompt for passwords
 * @param lockWait         how long a mutating run waits for another run's lock (SPEC: 10 s)
 * @param feedTimeouts     connect, idle and total timeouts of feed requests (tests shorten them)
 * @param seams            the install engine's outside world: heartbeat sleeper and clock, disk facts, user id,
 *                         the restart runner, the version probe, the platform, crash points
 */
public record AppContext(
        Map<String, String> env,
        Clock clock,
        InputStream stdin,
        PrintStream out,
        PrintStream err,
        Path cwd,
        boolean stderrIsTerminal,
        Duration lockWait,
        FeedTimeouts feedTimeouts,
        EngineSeams seams) {

    public static final Duration DEFAULT_LOCK_WAIT = Duration.ofSeconds(10);
    /** Set by bin/cmdop-update to its own absolute path, so scheduler entries run the same launcher. */
    public static final String LAUNCHER_ENV = "CMDOP_UPDATE_LAUNCHER";
    static final String DEFAULT_LAUNCHER = "/usr/local/bin/cmdop-update";

    /** A context on the real machine: this JVM's platform, real processes, sleeps and disks. */
    public AppContext(Map<String, String> env, Clock clock, InputStream stdin, PrintStream out, PrintStream err,
            Path cwd, boolean stderrIsTerminal, Duration lockWait, FeedTimeouts feedTimeouts) {
        this(env, clock, stdin, out, err, cwd, stderrIsTerminal, lockWait, feedTimeouts, EngineSeams.system(env));
    }

    /** A context with the production feed timeouts. */
    public AppContext(Map<String, String> env, Clock clock, InputStream stdin, PrintStream out, PrintStream err,
            Path cwd, boolean stderrIsTerminal, Duration lockWait) {
        this(env, clock, stdin, out, err, cwd, stderrIsTerminal, lockWait, FeedTimeouts.DEFAULTS);
    }

    public static AppContext system() {
        return new AppContext(System.getenv(), Clock.systemUTC(), System.in, System.out, System.err,
                Path.of("").toAbsolutePath(), System.console() != null, DEFAULT_LOCK_WAIT);
    }

    /** The same context writing to other streams (the demo captures each step's output). */
    public AppContext withStreams(InputStream in, PrintStream newOut, PrintStream newErr) {
        return new AppContext(env, clock, in, newOut, newErr, cwd, false, lockWait, feedTimeouts, seams);
    }

    /** The same context with other engine seams (tests: a fake restart, a heartbeat clock, a crash point). */
    public AppContext withSeams(EngineSeams s) {
        return new AppContext(env, clock, stdin, out, err, cwd, stderrIsTerminal, lockWait, feedTimeouts, s);
    }

    /** The platform whose artifacts are installed. */
    public Platform platform() {
        return seams.platform();
    }

    public String env(String name) {
        return env.get(name);
    }

    /** The command that scheduler entries run: this launcher, as it named itself, else the installed one. */
    public String launcher() {
        String launcher = env(LAUNCHER_ENV);
        return launcher == null || launcher.isBlank() ? DEFAULT_LAUNCHER : launcher;
    }
}
