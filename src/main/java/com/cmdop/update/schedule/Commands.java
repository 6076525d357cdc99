package com.cmdop.update.schedule;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the scheduler's own commands (systemctl, crontab): no shell, bounded in time and output. */
final class Commands {
    private static final int MAX_OUTPUT = 1 << 20;

    private Commands() {}

    /** The result of a command: its exit status, stdout and stderr. */
    record Result(int exit, String out, String err) {}

    /**
     * Runs {@code argv} with {@code stdin} (null: none) and returns null when it exited 0, else a sentence
     * saying what failed.
     */
    static String run(List<String> argv, String stdin) {
        try {
            Result r = capture(argv, stdin);
            return r.exit() == 0 ? null : "'" + String.join(" ", argv) + "' failed (exit " + r.exit() + ")";
        } catch (IOException e) {
            return "could not run '" + String.join(" ", argv) + "': " + e.getMessage();
        }
    }

    /** Runs {@code argv}, feeding {@code stdin}, and returns its exit status and output. */
    static Result capture(List<String> argv, String stdin) throws IOException {
        Process p = new ProcessBuilder(argv).start();
        try {
            try (var in = p.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            String out = readCapped(p.getInputStream());
            String err = readCapped(p.getErrorStream());
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("'" + String.join(" ", argv) + "' did not finish within 30 s");
            }
            return new Result(p.exitValue(), out, err);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException("interrupted while running '" + String.join(" ", argv) + "'", e);
        }
    }

    private static String readCapped(InputStream in) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        byte[] chunk = new byte[8192];
        for (int n; (n = in.read(chunk)) > 0; ) {
            if (buf.size() + n > MAX_OUTPUT) {
                throw new IOException("more than 1 MiB of output");
            }
            buf.write(chunk, 0, n);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }
}
