package com.cmdop.update.schedule;

import com.cmdop.update.io.AtomicFiles;
import com.cmdop.update.io.Writability;
import com.cmdop.update.state.Machine;
import com.cmdop.update.plan.ActualState.SchedulerState;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The scheduler entry of SPEC section 6 that runs {@code cmdop-update --scheduled} every 15 minutes:
 * systemd units when systemd runs the machine ({@code /run/systemd/system} exists), else a cron.d file.
 * The interval itself is not in the entry: {@code --scheduled} reads it from config.yaml and exits at
 * once when no check is due, so changing the interval never rewrites the entry.
 */
public final class SchedulerEntry {
    public static final String SERVICE = "etc/systemd/system/cmdop-update.service";
    public static final String TIMER = "etc/systemd/system/cmdop-update.timer";
    public static final String CRON = "etc/cron.d/cmdop-update";

    private final Path root;
    private final List<String> command;

    /**
     * @param root    the machine root
     * @param command the argv that runs this tool with {@code --scheduled} and the same --root/--config
     */
    public SchedulerEntry(Path root, List<String> command) {
        this.root = root;
        this.command = List.copyOf(command);
    }

    /**
     * The entry of a machine: it runs {@code launcher --scheduled} on the same root, and with the same
     * config file when it is not the default one.
     */
    public static SchedulerEntry of(Machine machine, String launcher) {
        List<String> argv = new ArrayList<>();
        argv.add(launcher);
        argv.add("--scheduled");
        Path root = machine.paths().root();
        if (!root.equals(Path.of("/"))) {
            argv.add("--root");
            argv.add(root.toString());
        }
        if (machine.paths().customConfig()) {
            argv.add("--config");
            argv.add(machine.paths().config().toString());
        }
        return new SchedulerEntry(root, argv);
    }

    public boolean usesSystemd() {
        return Files.isDirectory(root.resolve("run/systemd/system"));
    }

    /** The files the entry consists of on this machine, with their exact content. */
    public Map<Path, String> files() {
        Map<Path, String> files = new LinkedHashMap<>();
        String cmd = String.join(" ", command.stream().map(SchedulerEntry::shellQuote).toList());
        // '%' is special in both formats: a specifier for systemd, a newline for cron
        String systemdCmd = cmd.replace("%", "%%");
        String cronCmd = cmd.replace("%", "\\%");
        if (usesSystemd()) {
            files.put(root.resolve(SERVICE), """
                    # Managed by cmdop-update (update.auto: true); removed by 'cmdop-update --auto off'.
                    [Unit]
                    Description=Check for and install CMDOP agent updates when due
                    Documentation=man:cmdop-update(1)
                    After=network-online.target
                    Wants=network-online.target

                    [Service]
                    Type=oneshot
                    ExecStart=%s
                    """.formatted(systemdCmd));
            files.put(root.resolve(TIMER), """
                    # Managed by cmdop-update (update.auto: true); removed by 'cmdop-update --auto off'.
                    [Unit]
                    Description=Run cmdop-update --scheduled every 15 minutes

                    [Timer]
                    OnBootSec=5min
                    OnUnitActiveSec=15min
                    RandomizedDelaySec=60

                    [Install]
                    WantedBy=timers.target
                    """);
        } else {
            files.put(root.resolve(CRON), """
                    # Managed by cmdop-update (update.auto: true); removed by 'cmdop-update --auto off'.
                    # --scheduled exits at once unless a check is due (update.interval, with jitter).
                    SHELL=/bin/sh
                    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
                    */15 * * * * root %s >/dev/null 2>&1
                    """.formatted(cronCmd));
        }
        return files;
    }

    public SchedulerState state() {
        Map<Path, String> wanted = files();
        boolean any = existing().stream().anyMatch(Files::exists);
        if (!any) {
            return SchedulerState.ABSENT;
        }
        for (Map.Entry<Path, String> f : wanted.entrySet()) {
            try {
                if (!Files.isRegularFile(f.getKey())
                        || !Files.readString(f.getKey(), StandardCharsets.UTF_8).equals(f.getValue())) {
                    return SchedulerState.STALE;
                }
            } catch (IOException e) {
                return SchedulerState.STALE;
            }
        }
        return existing().stream().filter(Files::exists).allMatch(wanted::containsKey)
                ? SchedulerState.CURRENT : SchedulerState.STALE;
    }

    /** Writes the entry (atomically, file by file) and removes the other kind's files if present. */
    public void install() {
        Map<Path, String> wanted = files();
        for (Path p : existing()) {
            if (!wanted.containsKey(p)) {
                delete(p);
            }
        }
        for (Map.Entry<Path, String> f : wanted.entrySet()) {
            AtomicFiles.write(f.getKey(), f.getValue().getBytes(StandardCharsets.UTF_8), "rw-r--r--");
        }
    }

    public void remove() {
        existing().forEach(SchedulerEntry::delete);
    }

    /** The entry's files as they are now (null: absent), so a failed run can put them back. */
    public Map<Path, String> snapshot() {
        Map<Path, String> files = new LinkedHashMap<>();
        for (Path p : existing()) {
            try {
                files.put(p, Files.isRegularFile(p) ? Files.readString(p, StandardCharsets.UTF_8) : null);
            } catch (IOException e) {
                throw AtomicFiles.ioFailure("read", p, e);
            }
        }
        return files;
    }

    /** Puts the files of a {@link #snapshot} back: the undo of {@link #install} and {@link #remove}. */
    public void restore(Map<Path, String> snapshot) {
        snapshot.forEach((p, text) -> {
            if (text == null) {
                delete(p);
            } else {
                AtomicFiles.write(p, text.getBytes(StandardCharsets.UTF_8), "rw-r--r--");
            }
        });
    }

    /**
     * Checks, before a run changes anything, that the entry's files can be written or removed: their
     * directories exist (or can be created) and this user may write them.
     */
    public void checkWritable() {
        for (Path p : existing()) {
            if (files().containsKey(p) || Files.exists(p)) {
                Writability.requireWritableDirectory(p.getParent(), "the scheduler entry " + p,
                        "run as root (sudo), or leave update.auto off and schedule 'cmdop-update --scheduled' yourself");
            }
        }
    }

    /**
     * On the live machine (root {@code /}) with systemd, (re)loads and enables or disables the timer.
     * In a sandbox root there is no systemd to talk to, so only the files are managed.
     *
     * @return a warning for the operator when systemctl failed, else null
     */
    public String activate(boolean enable) {
        if (!root.equals(Path.of("/")) || !usesSystemd()) {
            return null;
        }
        List<List<String>> steps = enable
                ? List.of(List.of("systemctl", "daemon-reload"), List.of("systemctl", "enable", "--now", "cmdop-update.timer"))
                : List.of(List.of("systemctl", "disable", "--now", "cmdop-update.timer"), List.of("systemctl", "daemon-reload"));
        for (List<String> step : steps) {
            try {
                Process p = new ProcessBuilder(step).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                if (!p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS) || p.exitValue() != 0) {
                    p.destroyForcibly();
                    return "'" + String.join(" ", step) + "' failed; run it by hand to " + (enable ? "start" : "stop")
                            + " the scheduler";
                }
            } catch (IOException e) {
                return "could not run '" + String.join(" ", step) + "': " + e.getMessage();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "interrupted while running '" + String.join(" ", step) + "'";
            }
        }
        return null;
    }

    private List<Path> existing() {
        List<Path> all = new ArrayList<>();
        all.add(root.resolve(SERVICE));
        all.add(root.resolve(TIMER));
        all.add(root.resolve(CRON));
        return all;
    }

    private static void delete(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            throw AtomicFiles.ioFailure("remove", p, e);
        }
    }

    static String shellQuote(String word) {
        if (word.matches("[A-Za-z0-9_./=:@+-]+")) {
            return word;
        }
        return "'" + word.replace("'", "'\\''") + "'";
    }
}
