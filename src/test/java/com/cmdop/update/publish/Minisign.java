package com.cmdop.update.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real {@code minisign} (Debian's 0.11; CI installs it) for interop tests. Missing minisign is a
 * test failure with an install hint, never a skip.
 */
public final class Minisign {
    private static final long TIMEOUT_SECONDS = 180;

    private Minisign() {}

    public record Result(int exit, String out, String err) {
        public Result expectSuccess() {
            assertThat(exit).as("minisign exit status; stdout: %s; stderr: %s", out, err).isZero();
            return this;
        }
    }

    /** minisign on PATH, or a failed test saying how to install it. */
    public static Path find() {
        for (String entry : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(entry.isEmpty() ? "." : entry, "minisign");
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return fail("minisign is not on PATH: install it (Debian/Ubuntu: apt-get install minisign, as CI does;"
                + " scripts/test-all.sh installs it). The minisign interop tests never skip.");
    }

    /** Runs minisign in {@code dir}, feeding {@code stdin} (null: none). */
    public static Result run(Path dir, String stdin, String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(find().toString());
        command.addAll(List.of(args));
        Path out = Files.createTempFile("minisign", ".out");
        Path err = Files.createTempFile("minisign", ".err");
        try {
            Process process = new ProcessBuilder(command).directory(dir.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            try (OutputStream in = process.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                fail("minisign %s did not finish within %d s", command, TIMEOUT_SECONDS);
            }
            return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** Runs {@code minisign -V -p PUB -m FILE} on every signed file under {@code feed}; returns how many. */
    public static int verifyEverySignature(Path feed, Path pub) throws Exception {
        List<Path> sigs;
        try (var files = Files.walk(feed)) {
            sigs = files.filter(p -> p.getFileName().toString().endsWith(".minisig")).sorted().toList();
        }
        for (Path sig : sigs) {
            String name = sig.getFileName().toString();
            Path signed = sig.resolveSibling(name.substring(0, name.length() - ".minisig".length()));
            Result r = run(signed.getParent(), null, "-V", "-p", pub.toString(), "-m", signed.getFileName().toString())
                    .expectSuccess();
            assertThat(r.out()).contains("Signature and comment signature verified")
                    .contains("Trusted comment: timestamp:").contains("\tfile:" + signed.getFileName() + "\thashed");
        }
        return sigs.size();
    }
}
