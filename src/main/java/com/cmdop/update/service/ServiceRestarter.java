package com.cmdop.update.service;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the {@code service.restart} argv (SPEC section 2): no shell, the tool's environment plus
 * {@code CMDOP_ROOT=<root>}, stdin from /dev/null, a timeout, and the combined output captured.
 *
 * <p>The output goes to a file ({@code outputFile}, truncated for every restart) rather than a pipe: a
 * restart command that leaves a daemon holding its stdout open (a shell script that starts the agent
 * with {@code &}) would otherwise keep a pipe reader waiting, or the daemon would die of SIGPIPE when
 * this tool exits. Only the last {@link #TAIL_BYTES} bytes are read back. A non-zero exit, a timeout or
 * a command that cannot be started is a failed restart, which the installer treats like a failed
 * heartbeat.
 */
public final class ServiceRestarter {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
    static final int TAIL_BYTES = 4096;

    /**
     * Runs a restart command to completion: the seam that lets the install engine be tested in-process.
     *
     * @param env        the environment to add (CMDOP_ROOT included)
     * @param outputFile where the combined output goes (0600, never through a link)
     */
    @FunctionalInterface
    public interface Runner {
        RestartResult run(List<String> argv, Map<String, String> env, Path outputFile, Duration timeout);
    }

    /** The real runner of {@code service.restart}: a child process, as described above. */
    public static final Runner PROCESS = process("service.restart");

    /** The real runner of a command, whose messages name {@code setting} (update.{@code setting} in config.yaml). */
    public static Runner process(String setting) {
        return (argv, env, outputFile, timeout) -> runProcess(setting, argv, env, outputFile, timeout);
    }

    private final List<String> argv;
    private final Map<String, String> env;
    private final Path root;
    private final Path outputFile;
    private final Duration timeout;
    private final Runner runner;

    public ServiceRestarter(List<String> argv, Map<String, String> env, Path root, Path outputFile, Duration timeout) {
        this(argv, env, root, outputFile, timeout, PROCESS);
    }

    public ServiceRestarter(List<String> argv, Map<String, String> env, Path root, Path outputFile, Duration timeout,
            Runner runner) {
        this.argv = List.copyOf(argv);
        this.env = Map.copyOf(env);
        this.root = root;
        this.outputFile = outputFile;
        this.timeout = timeout;
        this.runner = runner;
    }

    /** {@code service.restart: []} means: do not restart (and so no heartbeat check). */
    public boolean enabled() {
        return !argv.isEmpty();
    }

    public List<String> argv() {
        return argv;
    }

    public RestartResult restart() {
        if (!enabled()) {
            throw new IllegalStateException("service.restart is empty");
        }
        Map<String, String> withRoot = new java.util.HashMap<>(env);
        withRoot.put("CMDOP_ROOT", root.toString());
        return runner.run(argv, withRoot, outputFile, timeout);
    }

    private static RestartResult runProcess(String setting, List<String> argv, Map<String, String> env,
            Path outputFile, Duration timeout) {
        ProcessBuilder pb = new ProcessBuilder(argv);
        pb.environment().putAll(env);
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.redirectErrorStream(true);
        pb.redirectOutput(outputFile.toFile());
        Process p;
        try {
            Files.createDirectories(outputFile.toAbsolutePath().getParent());
            freshOutputFile(outputFile);
            p = pb.start();
        } catch (IOException e) {
            return new RestartResult(false, null, false, "", "cannot run " + setting + " " + argv + ": "
                    + e.getMessage() + "; check update." + setting + " in config.yaml");
        }
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
                return new RestartResult(false, null, true, tail(outputFile), setting + " " + argv
                        + " did not finish within " + seconds(timeout) + " s and was killed");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            return new RestartResult(false, null, false, tail(outputFile), "interrupted while running " + setting);
        }
        int exit = p.exitValue();
        String out = tail(outputFile);
        if (exit != 0) {
            return new RestartResult(false, exit, false, out, setting + " " + argv + " exited " + exit);
        }
        return new RestartResult(true, 0, false, out, null);
    }

    /** Whole seconds as {@code 60}, a fraction (a probe bounded by the time left) as {@code 0.25}. */
    static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? Long.toString(d.toSeconds()) : Double.toString(d.toMillis() / 1000.0);
    }

    /**
     * Replaces the output file by a new, empty one (0600: the output may show paths and settings). Whatever
     * was there is removed as an entry, never written through: a symbolic link planted as restart.out is
     * deleted itself, its target untouched (the redirect would otherwise truncate the target). CREATE_NEW
     * fails if something reappears in between.
     */
    private static void freshOutputFile(Path outputFile) throws IOException {
        if (Files.isDirectory(outputFile, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(outputFile + " is a directory");
        }
        Files.deleteIfExists(outputFile); // removes a link itself, not its target
        Files.createFile(outputFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    }

    /** The last TAIL_BYTES of the output; read only from a regular file, never through a link. */
    private static String tail(Path outputFile) {
        try {
            if (!Files.isRegularFile(outputFile, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                return "";
            }
            try (java.nio.channels.SeekableByteChannel ch = Files.newByteChannel(outputFile,
                    java.util.Set.of(java.nio.file.StandardOpenOption.READ, java.nio.file.LinkOption.NOFOLLOW_LINKS))) {
                long len = ch.size();
                int n = (int) Math.min(len, TAIL_BYTES);
                java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(n);
                ch.position(len - n);
                while (b.hasRemaining() && ch.read(b) > 0) {
                    // fill
                }
                return new String(b.array(), 0, b.position(), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            return "";
        }
    }
}
