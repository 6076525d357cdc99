package com.cmdop.update.install;

import com.cmdop.update.state.StateFile;
import com.cmdop.update.audit.EventLog;
import com.cmdop.update.model.Version;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Makes state.json agree with the binary actually at install_path when no run of this tool put it there:
 * the binary found before the first run, or one replaced by hand since. It is hashed, its version is
 * learned from {@code <binary> --version} (5 s timeout; the first {@code v}+SemVer token, else
 * {@code unknown}) and recorded as installed, unsigned. It is never moved or changed: the next install
 * keeps it in the cache as the rollback target before anything replaces it, so it is never lost.
 */
final class Adoption {
    static final Duration VERSION_TIMEOUT = Duration.ofSeconds(5);
    private static final int MAX_OUTPUT = 4096;
    private static final Pattern SEMVER_TOKEN = Pattern.compile(
            "(?<![0-9A-Za-z.])v?(\\d+\\.\\d+\\.\\d+(?:-[0-9A-Za-z.-]+)?(?:\\+[0-9A-Za-z.-]+)?)");

    private final InstallEnv env;

    Adoption(InstallEnv env) {
        this.env = env;
    }

    /** Returns what it did, or null when state.json already matched install_path. */
    String reconcile() {
        Path bin = env.installPath();
        StateFile state = StateFile.load(env.stateFile());
        String sha = Binaries.sha256OrNull(bin, state);
        StateFile.Installed recorded = state.installed();
        if (sha == null) {
            if (recorded == null) {
                return null;
            }
            state.clearInstalled();
            state.save();
            String msg = "install_path " + bin + " no longer exists (state.json said " + recorded.version()
                    + "); recorded as not installed";
            env.step(EventLog.Level.WARN, "adopt", "applied", recorded.version(), null, "missing", null, null, msg);
            return msg;
        }
        if (recorded != null && recorded.sha256().equals(sha)) {
            return null;
        }
        Map<String, String> probeEnv = new HashMap<>(env.env());
        probeEnv.put("CMDOP_ROOT", env.root().toString());
        String version = env.seams().versionProbe().versionOf(bin, probeEnv);
        if (StateFile.UNKNOWN.equals(version) && recorded != null) {
            // replaced by hand with something that does not say its version: it stands in for the version the
            // tool installed, unsigned, so converge can put the signed bytes of that version back
            version = recorded.version();
        }
        state.setInstalled(version, sha, false, env.clock().instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
        state.save();
        String msg = recorded == null
                ? "adopted the binary found at " + bin + ": " + version + " (sha256 " + sha + ")"
                : "install_path " + bin + " was replaced outside cmdop-update (state.json said " + recorded.version()
                        + "); adopted it: " + version + " (sha256 " + sha + ")";
        env.step(recorded == null ? EventLog.Level.INFO : EventLog.Level.WARN, "adopt", "applied",
                recorded == null ? null : recorded.version(), version, recorded == null ? "found" : "replaced", sha,
                null, msg);
        return msg;
    }

    /** Runs {@code <binary> --version} and returns the version it names, or {@code unknown}. */
    static String probeVersion(Path binary, Map<String, String> env) {
        ProcessBuilder pb = new ProcessBuilder(binary.toString(), "--version");
        pb.environment().putAll(env);
        pb.redirectErrorStream(true);
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            return StateFile.UNKNOWN;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Thread reader = new Thread(() -> readBounded(p.getInputStream(), out), "cmdop-version-probe");
        reader.setDaemon(true);
        reader.start();
        try {
            if (!p.waitFor(VERSION_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                return StateFile.UNKNOWN;
            }
            reader.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            return StateFile.UNKNOWN;
        }
        if (p.exitValue() != 0) {
            return StateFile.UNKNOWN;
        }
        synchronized (out) {
            return parseVersion(out.toString(StandardCharsets.UTF_8));
        }
    }

    /** The first {@code v}+SemVer token of a {@code --version} output, or {@code unknown}. */
    static String parseVersion(String output) {
        Matcher m = SEMVER_TOKEN.matcher(output);
        while (m.find()) {
            if (Version.isValid(m.group(1))) {
                return Version.parse(m.group(1)).toString();
            }
        }
        return StateFile.UNKNOWN;
    }

    private static void readBounded(InputStream in, ByteArrayOutputStream out) {
        byte[] buf = new byte[1024];
        try (in) {
            int n;
            while ((n = in.read(buf)) != -1) {
                synchronized (out) {
                    if (out.size() < MAX_OUTPUT) {
                        out.write(buf, 0, Math.min(n, MAX_OUTPUT - out.size()));
                    }
                }
            }
        } catch (IOException ignored) {
            // the process went away: what was read is what there is
        }
    }
}
