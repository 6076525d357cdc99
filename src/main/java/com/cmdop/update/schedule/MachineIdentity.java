package com.cmdop.update.schedule;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A stable identity for the schedule's jitter: {@code /etc/machine-id} (inside the root) where systemd
 * or dbus made one, else the host name, else the root path. Only its hash is used.
 */
public final class MachineIdentity {
    private MachineIdentity() {}

    public static String of(Path root) {
        Path id = root.resolve("etc/machine-id");
        try {
            if (Files.isRegularFile(id) && Files.size(id) < 4096) {
                String s = Files.readString(id, StandardCharsets.UTF_8).strip();
                if (!s.isEmpty()) {
                    return s;
                }
            }
        } catch (IOException e) {
            // fall through to the host name
        }
        try {
            return InetAddress.getLocalHost().getHostName() + ":" + root;
        } catch (IOException e) {
            return root.toString();
        }
    }
}
