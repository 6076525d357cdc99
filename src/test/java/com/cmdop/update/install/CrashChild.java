package com.cmdop.update.install;

import com.cmdop.update.audit.EventLog;
import com.cmdop.update.model.error.UpdateException;
import com.cmdop.update.lock.RunLock;
import com.cmdop.update.model.Version;
import com.cmdop.update.state.Machine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/**
 * TEST-ONLY: a mutating run of the install engine as its own process, so the crash tests can stop it
 * with {@code CMDOP_TEST_CRASH_AT} (a halt at a named phase) or a real {@code kill -9}. It does what the
 * CLI will do: take the run lock, then install, roll back or just recover.
 *
 * <pre>
 * CrashChild install ROOT ARTIFACT_FILE VERSION SHA256
 * CrashChild rollback ROOT
 * CrashChild recover ROOT
 * </pre>
 * Exit status: 0, or the error's exit code (the message on stderr).
 */
public final class CrashChild {
    private CrashChild() {}

    @SuppressWarnings("try") // the lock is held for the body, not used in it
    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[1]);
        Machine m = Machine.open(root, null, null);
        Clock clock = Clock.systemUTC();
        InstallEnv env = InstallEnv.of(m, System.getenv(), clock, new EventLog(m.paths().agentLog(m.settings()),
                m.paths().auditLog(m.settings()), clock, "cli", "crash-child", System.err), null);
        int status = 0;
        try (RunLock lock = RunLock.acquire(m.paths().lockFile(m.settings()), Duration.ofSeconds(10))) {
            switch (args[0]) {
                case "install" -> {
                    Path artifact = Path.of(args[2]);
                    ExpectedArtifact expected = new ExpectedArtifact(Version.parse(args[3]), Files.size(artifact),
                            args[4], "KEYID0123456789");
                    System.out.println(new Installer(env).install(expected, out -> Files.copy(artifact, out)));
                }
                case "rollback" -> System.out.println(new Installer(env).rollback());
                case "recover" -> System.out.println(new Recovery(env).recover());
                default -> throw new IllegalArgumentException(args[0]);
            }
        } catch (UpdateException e) {
            System.err.println(e.code() + ": " + e.getMessage());
            status = e.exitCode();
        }
        System.out.flush();
        System.exit(status);
    }
}
