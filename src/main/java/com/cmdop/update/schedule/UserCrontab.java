package com.cmdop.update.schedule;

import com.cmdop.update.io.AtomicFiles;
import com.cmdop.update.model.error.UpdateException;
import com.cmdop.update.plan.ActualState.SchedulerState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The scheduler entry of a user without a systemd user manager (SPEC section 11): a block between marker
 * lines in the user's crontab. The user's other lines are kept as they are; only the block is written,
 * replaced or removed. A user timer left from before is removed when the block is written.
 */
final class UserCrontab implements Scheduler {
    private final CrontabStore store;
    private final List<String> block;
    private final List<Path> otherKind;
    private final Path logDir;

    /**
     * @param block     the block's lines, markers included
     * @param otherKind the user's systemd unit files, removed when the crontab entry is installed
     * @param logDir    the agent log's directory, created with the entry: cron's redirection needs it
     */
    UserCrontab(CrontabStore store, List<String> block, List<Path> otherKind, Path logDir) {
        this.store = store;
        this.block = List.copyOf(block);
        this.otherKind = List.copyOf(otherKind);
        this.logDir = logDir;
    }

    @Override
    public String kind() {
        return "crontab";
    }

    @Override
    public String location() {
        return store.location();
    }

    @Override
    public SchedulerState state() {
        boolean units = otherKind.stream().anyMatch(Files::exists);
        List<String> found;
        try {
            found = blockIn(lines(store.read()));
        } catch (UpdateException e) {
            // no crontab to read (no cron here): nothing is scheduled; installing one says why it cannot
            return units ? SchedulerState.STALE : SchedulerState.ABSENT;
        }
        if (found == null) {
            return units ? SchedulerState.STALE : SchedulerState.ABSENT;
        }
        return found.equals(block) && !units ? SchedulerState.CURRENT : SchedulerState.STALE;
    }

    @Override
    public void install() {
        AtomicFiles.createDirectories(logDir);
        replaceBlock(block);
    }

    @Override
    public void remove() {
        replaceBlock(List.of());
    }

    /** Writes the crontab with the block replaced (only when that changes it), and drops a user timer. */
    private void replaceBlock(List<String> replacement) {
        String text = store.read();
        String next = with(text, replacement);
        if (!next.equals(text)) {
            store.write(next);
        }
        otherKind.forEach(UserCrontab::delete);
    }

    @Override
    public Runnable snapshot() {
        String before = store.read();
        return () -> {
            if (!store.read().equals(before)) {
                store.write(before);
            }
        };
    }

    @Override
    public void checkWritable() {
        store.checkWritable();
    }

    @Override
    public String activate(boolean enable) {
        return null; // cron reads crontabs by itself
    }

    /** {@code text} with the marked block replaced by {@code replacement} (in place, else appended). */
    static String with(String text, List<String> replacement) {
        List<String> lines = lines(text);
        List<String> out = new ArrayList<>();
        boolean inBlock = false;
        boolean placed = false;
        for (String line : lines) {
            if (!inBlock && line.equals(EntryText.BEGIN)) {
                inBlock = true;
                if (!placed) {
                    out.addAll(replacement);
                    placed = true;
                }
            } else if (inBlock) {
                inBlock = !line.equals(EntryText.END);
            } else {
                out.add(line);
            }
        }
        if (!placed) {
            out.addAll(replacement);
        }
        return out.isEmpty() ? "" : String.join("\n", out) + "\n";
    }

    /** The marked block in {@code lines}, markers included, or null when there is none. */
    private static List<String> blockIn(List<String> lines) {
        int begin = lines.indexOf(EntryText.BEGIN);
        if (begin < 0) {
            return null;
        }
        int end = lines.subList(begin, lines.size()).indexOf(EntryText.END);
        return end < 0 ? lines.subList(begin, lines.size()) : lines.subList(begin, begin + end + 1);
    }

    private static List<String> lines(String text) {
        if (text.isEmpty()) {
            return List.of();
        }
        String body = text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
        return List.of(body.split("\n", -1));
    }

    private static void delete(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            throw AtomicFiles.ioFailure("remove", p, e);
        }
    }
}
