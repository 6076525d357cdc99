package com.cmdop.update.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Stand-ins for the real agent, so the demo can show installs, restarts and heartbeats on any Linux
 * machine: an agent "binary" (a shell script that prints its version) and a {@code service.restart}
 * command that "restarts" it and writes the heartbeat the agent would write. A release built with
 * {@code healthy = false} never writes a heartbeat, like an agent that crashes at start.
 */
public final class FakeAgent {
    private FakeAgent() {}

    public static Path binary(Path dir, String version, boolean healthy) throws IOException {
        Path p = dir.resolve("cmdop-" + version);
        write(p, """
                #!/bin/sh
                # fake CMDOP agent %1$s for the cmdop-update demo
                case "$1" in
                  --version) echo "cmdop %1$s (demo agent)" ;;
                  --heartbeat-version) echo "%2$s" ;;
                  *) echo "demo agent %1$s" ;;
                esac
                """.formatted(version, healthy ? version : ""));
        return p;
    }

    /** The restart command: runs the installed agent and writes its heartbeat, as the daemon would. */
    public static Path restartScript(Path dir) throws IOException {
        Path p = dir.resolve("restart-agent.sh");
        write(p, """
                #!/bin/sh
                # demo service.restart: "restarts" the agent under $CMDOP_ROOT and writes its heartbeat
                bin="$CMDOP_ROOT/usr/local/bin/cmdop"
                hb="$CMDOP_ROOT/var/lib/cmdop/heartbeat.json"
                v=$("$bin" --heartbeat-version) || exit 1
                [ -n "$v" ] || exit 0   # an agent that never comes up writes no heartbeat
                mkdir -p "$(dirname "$hb")"
                printf '{"version": "%s", "time": "%s", "pid": %s}\\n' "$v" "$(date -u +%Y-%m-%dT%H:%M:%S.%NZ)" "$$" > "$hb.tmp"
                mv "$hb.tmp" "$hb"
                """);
        return p;
    }

    private static void write(Path p, String text) throws IOException {
        Files.writeString(p, text);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
