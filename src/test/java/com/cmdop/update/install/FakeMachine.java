package com.cmdop.update.install;

import static org.assertj.core.api.Assertions.assertThat;

import com.cmdop.update.audit.EventLog;
import com.cmdop.update.model.Version;
import com.cmdop.update.state.Machine;
import com.cmdop.update.trust.Sha256;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throwaway machine root for the install tests: config.yaml pointing service.restart at the fake
 * restart script, fake agents (shell scripts) as binaries, and the invariant checks.
 */
final class FakeMachine {
    static final ObjectMapper JSON = new ObjectMapper();

    final Path root;
    final Path work;

    FakeMachine(Path root, Path work) {
        this.root = root;
        this.work = work;
        try {
            copyScript("restart.sh");
            copyScript("restart-fails.sh");
            copyScript("health.sh");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        config("restart.sh", "1s");
    }

    /** Writes config.yaml with the given restart script (null: {@code restart: []}) and heartbeat timeout. */
    FakeMachine config(String restartScript, String heartbeatTimeout) {
        return config(restartScript, heartbeatTimeout, "");
    }

    /** As above, with more lines under {@code service:} ({@code "    heartbeat_file: none\n"}). */
    FakeMachine config(String restartScript, String heartbeatTimeout, String moreServiceLines) {
        String restart = restartScript == null ? "[]" : "[\"" + work.resolve(restartScript) + "\"]";
        write(root.resolve("etc/cmdop/config.yaml"), ("update:\n  channel: stable\n  service:\n    restart: " + restart
                + "\n    heartbeat_timeout: " + heartbeatTimeout + "\n" + moreServiceLines).getBytes(StandardCharsets.UTF_8));
        return this;
    }

    /** The fake health check ({@code health.sh}) as a {@code service.health_check} line. */
    String healthCheckLine() {
        return "    health_check: [\"" + work.resolve("health.sh") + "\"]\n";
    }

    Path installPath() {
        return root.resolve("usr/local/bin/cmdop");
    }

    Path dataDir() {
        return root.resolve("var/lib/cmdop/update");
    }

    Path heartbeat() {
        return root.resolve("var/lib/cmdop/heartbeat.json");
    }

    Path agentLog() {
        return root.resolve("var/log/cmdop/agent.log");
    }

    Path auditLog() {
        return root.resolve("var/log/cmdop/audit.jsonl");
    }

    /** A fake agent whose heartbeat names its own version. */
    static byte[] agent(String version) {
        return agent(version, version);
    }

    /** A fake agent whose heartbeat names {@code heartbeat} ("" = it never writes one), padded to a real size. */
    static byte[] agent(String version, String heartbeat) {
        String text = resource("fake-agent.sh").replace("@VERSION@", version).replace("@HEARTBEAT@", heartbeat);
        // padding: a few hundred KiB, so that a crash "halfway through the download" is halfway
        StringBuilder pad = new StringBuilder(text);
        for (int i = 0; i < 4096; i++) {
            pad.append("# padding line ").append(i).append(" of the fake agent binary ").append(version).append('\n');
        }
        return pad.toString().getBytes(StandardCharsets.UTF_8);
    }

    record Artifact(byte[] bytes, ExpectedArtifact expected) {
        ArtifactSource source() {
            return out -> out.write(bytes);
        }
    }

    static Artifact artifact(String version, String heartbeat) {
        byte[] b = agent(version, heartbeat);
        return new Artifact(b, new ExpectedArtifact(Version.parse(version), b.length, Sha256.hex(b), "KEYID0123456789"));
    }

    static Artifact artifact(String version) {
        return artifact(version, version);
    }

    /** Puts a binary at install_path the way a person would (no state). */
    FakeMachine handInstall(byte[] binary) {
        write(installPath(), binary);
        try {
            Files.setPosixFilePermissions(installPath(), PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    Machine machine() {
        return Machine.open(root, null, null);
    }

    InstallEnv env(Clock clock) {
        Machine m = machine();
        return InstallEnv.of(m, Map.of(), clock, new EventLog(m.paths().agentLog(m.settings()),
                m.paths().auditLog(m.settings()), clock, "cli", "test-run", System.err), null);
    }

    /** What {@code install_path --version} prints. */
    String runInstalled() {
        return run(installPath().toString(), "--version");
    }

    /** Runs the restart script once, as if the agent had been started at boot. */
    void bootAgent() {
        run(work.resolve("restart.sh").toString());
    }

    String run(String... cmd) {
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            pb.environment().put("CMDOP_ROOT", root.toString());
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(String.join(" ", cmd) + ": " + out).isZero();
            return out.strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    JsonNode state() {
        return read(com.cmdop.update.state.StateFile.in(dataDir()));
    }

    JsonNode heartbeatJson() {
        return read(heartbeat());
    }

    List<String> quarantined() {
        return Quarantine.load(dataDir()).list().stream().map(e -> e.version().toString()).toList();
    }

    List<String> agentLogLines() {
        return lines(agentLog());
    }

    List<JsonNode> auditEvents() {
        List<JsonNode> events = new ArrayList<>();
        for (String l : lines(auditLog())) {
            try {
                events.add(JSON.readTree(l));
            } catch (IOException e) {
                throw new AssertionError("audit line is not JSON: " + l, e);
            }
        }
        return events;
    }

    List<String> auditActions() {
        return auditEvents().stream().map(e -> e.get("action").asText() + ":" + e.get("outcome").asText()).toList();
    }

    /**
     * The invariant after a finished (or recovered) run: install_path is a complete binary that runs and
     * is {@code version}; state.json says so; no journal, no staging file, only the previous binary cached.
     */
    void assertConsistent(String version) {
        assertThat(runInstalled()).startsWith("cmdop " + version + " ");
        JsonNode s = state();
        assertThat(s.get("installed_version").asText()).isEqualTo(version);
        assertThat(s.get("installed_sha256").asText()).isEqualTo(sha256(installPath()));
        assertThat(dataDir().resolve("journal.json")).doesNotExist();
        assertThat(leftovers()).isEmpty();
        List<String> cached = cacheEntries();
        JsonNode prev = s.get("previous");
        if (prev == null || prev.isNull()) {
            assertThat(cached).isEmpty();
        } else {
            assertThat(cached).containsExactly(prev.get("cache").asText());
            Path bin = dataDir().resolve("versions").resolve(prev.get("cache").asText()).resolve("cmdop");
            assertThat(sha256(bin)).isEqualTo(prev.get("sha256").asText());
        }
    }

    /** {@code .cmdop.staging-*} files beside install_path. */
    List<Path> leftovers() {
        Path dir = installPath().getParent();
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith(".cmdop.staging-")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    List<String> cacheEntries() {
        Path v = dataDir().resolve("versions");
        if (!Files.isDirectory(v)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(v)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return Sha256.measure(in, Long.MAX_VALUE, null).hex();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The environment for a child process: the test JVM's plus extras. */
    static Map<String, String> childEnv(Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.remove("CMDOP_ROOT");
        env.putAll(extra);
        return env;
    }

    private void copyScript(String name) throws IOException {
        Path p = work.resolve(name);
        Files.writeString(p, resource(name));
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    static String resource(String name) {
        try (InputStream in = FakeMachine.class.getResourceAsStream("/install/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode read(Path p) {
        try {
            return JSON.readTree(p.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> lines(Path p) {
        try {
            return Files.exists(p) ? Files.readAllLines(p) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void write(Path p, byte[] b) {
        try {
            Files.createDirectories(p.getParent());
            Files.write(p, b);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
