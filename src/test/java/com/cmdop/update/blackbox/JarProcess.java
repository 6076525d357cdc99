package com.cmdop.update.blackbox;

import com.cmdop.update.support.ReadableCopy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the built jar as a child process, the way scripts and Ansible run it. */
public final class JarProcess {
    private static final ObjectMapper JSON = new ObjectMapper();

    private JarProcess() {}

    public static Path jar() {
        Path jar = Path.of(System.getProperty("cmdop.jar", "target/cmdop-update.jar"));
        assertThat(jar).as("the shaded jar (built by mvn package before the *IT tests)").exists();
        return jar;
    }

    public record Result(int exit, String out, String err) {
        public JsonNode json() {
            try {
                return JSON.readTree(out);
            } catch (IOException e) {
                throw new AssertionError("stdout is not one JSON document:\n" + this, e);
            }
        }

        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    public static Result run(String stdin, Map<String, String> env, String... args) throws IOException,
            InterruptedException {
        return run(List.of(), stdin, env, args);
    }

    /** {@code prefix} runs the JVM under another command, e.g. runuser to drop privileges. */
    public static Result run(List<String> prefix, String stdin, Map<String, String> env, String... args)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-jar");
        // another user (a privilege-dropping prefix) may not read the checkout: give it a readable copy
        cmd.add((prefix.isEmpty() ? jar() : ReadableCopy.of(jar())).toAbsolutePath().toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().remove("CMDOP_ROOT");
        pb.environment().putAll(env);
        Path out = Files.createTempFile("cmdop-out", ".txt");
        Path err = Files.createTempFile("cmdop-err", ".txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("cmdop-update did not finish within 60 s: " + cmd);
        }
        Result r = new Result(p.exitValue(), Files.readString(out), Files.readString(err));
        Files.delete(out);
        Files.delete(err);
        return r;
    }
}
