package com.cmdop.update;

import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * Everything a run needs from the outside world, built once in {@link Main} and passed down; tests
 * build their own (captured streams, a fixed clock, their own environment). No globals.
 *
 * @param env              the process environment (CMDOP_ROOT, HOME, proxies, CMDOP_KEY_PASSWORD)
 * @param cwd              the working directory that relative command-line paths are resolved against
 * @param stderrIsTerminal whether to draw progress bars and prompt for passwords
 * @param lockWait         how long a mutating run waits for another run's lock (SPEC: 10 s)
 */
public record AppContext(
        Map<String, String> env,
        Clock clock,
        InputStream stdin,
        PrintStream out,
        PrintStream err,
        Path cwd,
        boolean stderrIsTerminal,
        Duration lockWait) {

    public static final Duration DEFAULT_LOCK_WAIT = Duration.ofSeconds(10);

    public static AppContext system() {
        return new AppContext(System.getenv(), Clock.systemUTC(), System.in, System.out, System.err,
                Path.of("").toAbsolutePath(), System.console() != null, DEFAULT_LOCK_WAIT);
    }

    public String env(String name) {
        return env.get(name);
    }
}
