package com.cmdop.update.service;

import java.io.IOException;
import java.io.RandomAccessFile;
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

    private final List<String> argv;
    private final Map<String, String> env;
    private final Path root;
    private final Path outputFile;
    private final Duration timeout;

    public ServiceRestarter(List<String> argv, Map<String, String> env, Path root, Path outputFile, Duration timeout) {
        this.argv = List.copyOf(argv);
        this.env = Map.copyOf(env);
        this.root = root;
        this.outputFile = outputFile;
        this.timeout = timeout;
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
        ProcessBuilder pb = new ProcessBuilder(argv);
        pb.environment().putAll(env);
        pb.environment().put("CMDOP_ROOT", root.toString());
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.redirectErrorStream(true);
        pb.redirectOutput(outputFile.toFile());
        Process p;
        try {
            Files.createDirectories(outputFile.toAbsolutePath().getParent());
            if (!Files.exists(outputFile)) {
                // the output may show paths and settings: readable by the owner only
                Files.createFile(outputFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            }
            p = pb.start();
        } catch (IOException e) {
            return new RestartResult(false, null, false, "", "cannot run service.restart " + argv + ": "
                    + e.getMessage() + "; check update.service.restart in config.yaml");
        }
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
                return new RestartResult(false, null, true, tail(), "service.restart " + argv
                        + " did not finish within " + timeout.toSeconds() + " s and was killed");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            return new RestartResult(false, null, false, tail(), "interrupted while running service.restart");
        }
        int exit = p.exitValue();
        String out = tail();
        if (exit != 0) {
            return new RestartResult(false, exit, false, out, "service.restart " + argv + " exited " + exit);
        }
        return new RestartResult(true, 0, false, out, null);
    }

    private String tail() {
        try (RandomAccessFile f = new RandomAccessFile(outputFile.toFile(), "r")) {
            long len = f.length();
            int n = (int) Math.min(len, TAIL_BYTES);
            byte[] b = new byte[n];
            f.seek(len - n);
            f.readFully(b);
            return new String(b, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
