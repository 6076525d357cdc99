package com.cmdop.update.schedule;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A stable identity for the schedule's jitter: {@code /etc/machine-id} (inside the root) where systemd
 * or dbus made one, else the host name, else the root path. Only its hash is used.
 *
 * <p>The host name is the kernel's ({@code /proc/sys/kernel/hostname}, what {@code gethostname} returns):
 * {@code InetAddress.getLocalHost()} gives the same name but first resolves it, which costs milliseconds on
 * every scheduled tick and hangs on a broken resolver; it is only the fallback where there is no /proc.
 */
public final class MachineIdentity {
    private static final Path KERNEL_HOSTNAME = Path.of("/proc/sys/kernel/hostname");

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
        String host = firstLine(KERNEL_HOSTNAME);
        if (host != null) {
            return host + ":" + root;
        }
        try {
            return InetAddress.getLocalHost().getHostName() + ":" + root;
        } catch (IOException e) {
            return root.toString();
        }
    }

    private static String firstLine(Path file) {
        try {
            String s = Files.readString(file, StandardCharsets.UTF_8).strip();
            return s.isEmpty() ? null : s;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
