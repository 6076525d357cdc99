package com.cmdop.update.schedule;

import com.cmdop.update.io.AtomicFiles;
import com.cmdop.update.io.Writability;
import com.cmdop.update.plan.ActualState.SchedulerState;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A scheduler entry made of files (SPEC section 6): systemd units ({@code cmdop-update.service} +
 * {@code .timer}) under the system's or the user's unit directory, or a cron.d file. The interval itself
 * is not in the entry: {@code --scheduled} reads it from config.yaml and exits at once when no check is
 * due, so changing the interval never rewrites the entry. {@link Schedulers#of} builds it.
 */
public final class SchedulerEntry implements Scheduler {
    public static final String CRON = "etc/cron.d/cmdop-update";
    static final String UNIT = "cmdop-update.timer";

    private final String kind;
    private final Map<Path, String> wanted;
    private final List<Path> managed;
    private final List<String> systemctl;
    private final String hint;
    private final Path logDir;

    /**
     * @param kind      as {@code status} shows it
     * @param wanted    the entry's files with their exact content
     * @param managed   every file an entry of this machine may consist of (the other kind's are removed)
     * @param systemctl the systemctl command to enable the timer with ({@code [systemctl]} or
     *                  {@code [systemctl, --user]}), or null when nothing is to be told (cron, a sandbox root)
     * @param hint      what to do when the files cannot be written
     * @param logDir    for a cron entry, the agent log's directory (created with the entry: cron's redirection
     *                  needs it); else null
     */
    SchedulerEntry(String kind, Map<Path, String> wanted, List<Path> managed, List<String> systemctl, String hint,
            Path logDir) {
        this.kind = kind;
        this.wanted = Map.copyOf(wanted);
        this.managed = List.copyOf(managed);
        this.systemctl = systemctl == null ? null : List.copyOf(systemctl);
        this.hint = hint;
        this.logDir = logDir;
    }

    @Override
    public String kind() {
        return kind;
    }

    @Override
    public String location() {
        return wanted.keySet().iterator().next().getParent().toString();
    }

    /** The files the entry consists of on this machine, with their exact content. */
    public Map<Path, String> files() {
        return wanted;
    }

    @Override
    public SchedulerState state() {
        boolean any = managed.stream().anyMatch(Files::exists);
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
        return managed.stream().filter(Files::exists).allMatch(wanted::containsKey)
                ? SchedulerState.CURRENT : SchedulerState.STALE;
    }

    /** Writes the entry (atomically, file by file) and removes the other kind's files if present. */
    @Override
    public void install() {
        for (Path p : managed) {
            if (!wanted.containsKey(p)) {
                delete(p);
            }
        }
        for (Map.Entry<Path, String> f : wanted.entrySet()) {
            AtomicFiles.createDirectories(f.getKey().getParent());
            AtomicFiles.write(f.getKey(), f.getValue().getBytes(StandardCharsets.UTF_8), "rw-r--r--");
        }
        if (logDir != null) {
            AtomicFiles.createDirectories(logDir);
        }
    }

    @Override
    public void remove() {
        managed.forEach(SchedulerEntry::delete);
    }

    @Override
    public Runnable snapshot() {
        Map<Path, String> files = new LinkedHashMap<>();
        for (Path p : managed) {
            try {
                files.put(p, Files.isRegularFile(p) ? Files.readString(p, StandardCharsets.UTF_8) : null);
            } catch (IOException e) {
                throw AtomicFiles.ioFailure("read", p, e);
            }
        }
        return () -> files.forEach((p, text) -> {
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
    @Override
    public void checkWritable() {
        for (Path p : managed) {
            if (wanted.containsKey(p) || Files.exists(p)) {
                Writability.requireWritableDirectory(p.getParent(), "the scheduler entry " + p, hint);
            }
        }
    }

    /**
     * With systemd on the live machine, (re)loads and enables or disables the timer. In a sandbox root
     * there is no systemd to talk to, so only the files are managed.
     *
     * @return a warning for the operator when systemctl failed, else null
     */
    @Override
    public String activate(boolean enable) {
        if (systemctl == null) {
            return null;
        }
        List<List<String>> steps = enable
                ? List.of(with("daemon-reload"), with("enable", "--now", UNIT))
                : List.of(with("disable", "--now", UNIT), with("daemon-reload"));
        for (List<String> step : steps) {
            String problem = Commands.run(step, null);
            if (problem != null) {
                return problem + "; run it by hand to " + (enable ? "start" : "stop") + " the scheduler";
            }
        }
        return null;
    }

    private List<String> with(String... args) {
        List<String> argv = new java.util.ArrayList<>(systemctl);
        argv.addAll(List.of(args));
        return argv;
    }

    private static void delete(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            throw AtomicFiles.ioFailure("remove", p, e);
        }
    }
}
