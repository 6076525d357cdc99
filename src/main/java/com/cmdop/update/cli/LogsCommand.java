package com.cmdop.update.cli;

import com.cmdop.update.io.SafeText;
import com.cmdop.update.exec.AppContext;
import com.cmdop.update.io.AtomicFiles;
import com.cmdop.update.state.Machine;
import com.cmdop.update.model.Settings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Predicate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code logs [-f] [-n N] [--audit]}: the {@code update:} lines of the agent log (SPEC section 10), or the
 * audit log's JSON lines. Reads only: no lock, no writes. The last N lines are found by reading the file
 * backwards, so a large agent log costs only its tail. {@code -f} then polls the file for new lines
 * (following truncation and rotation) until the process is interrupted (Ctrl-C).
 */
@Command(name = "logs",
        versionProvider = ToolVersion.class,
        sortOptions = false,
        usageHelpAutoWidth = true,
        header = "Show the update lines of the agent log, or the audit log; -f follows. Reads only.",
        optionListHeading = "%nOptions:%n",
        footerHeading = "%nExamples:%n",
        footer = {
            "  cmdop-update logs                           the last 20 update lines of the agent log",
            "  cmdop-update logs -f                        ... and new ones as they come (Ctrl-C stops)",
            "  cmdop-update logs --audit -n 100 --json     the last 100 audit events, in the JSON envelope"})
public final class LogsCommand extends BaseCommand {
    static final int MAX_LINES = 100_000;
    static final Duration POLL = Duration.ofMillis(250);

    @Option(names = {"-f", "--follow"}, description = "Keep printing new lines as they are written (not with --json).")
    boolean follow;

    @Option(names = {"-n", "--lines"}, paramLabel = "N", defaultValue = "20",
            description = "How many of the last lines to show (default ${DEFAULT-VALUE}).")
    int lines;

    @Option(names = "--audit", description = "The audit log (JSON lines, event=agent_update) instead of the agent log.")
    boolean audit;

    public LogsCommand(AppContext ctx) {
        super(ctx);
    }

    @Override
    protected String commandName() {
        return "logs";
    }

    @Override
    public Integer call() {
        if (follow && globals().json()) {
            throw usage("-f and --json conflict: --json prints one document, -f never ends");
        }
        if (lines < 0 || lines > MAX_LINES) {
            throw usage("-n takes 0 .. " + MAX_LINES + ", not " + lines);
        }
        Path file = file(openMachine());
        Tail tail = Tail.read(file, lines, filter());
        if (!follow) {
            Report report = newReport(commandName());
            report.msg(tail.exists() ? "last " + tail.lines().size() + " " + what() + " of " + file
                    : "no " + what() + " yet: " + file + " does not exist");
            report.put("file", file.toString());
            report.put("lines", tail.lines());
            return render(report);
        }
        PrintStream out = ctx.out();
        tail.lines().forEach(l -> out.println(SafeText.forTerminal(l))); // a log line may hold anything
        out.flush();
        new Follower(file, tail.end(), filter(), line -> {
            out.println(SafeText.forTerminal(line));
            out.flush();
        }, d -> Thread.sleep(d.toMillis()), () -> Thread.currentThread().isInterrupted()).run();
        return 0;
    }

    @Override
    protected void run(Report report) {
        throw new IllegalStateException("call() renders logs itself");
    }

    @Override
    protected void renderText(Report report) {
        if (globals().quiet()) {
            return;
        }
        @SuppressWarnings("unchecked")
        List<String> found = (List<String>) report.extra("lines");
        found.forEach(l -> ctx.out().println(SafeText.forTerminal(l)));
        ctx.out().flush();
        if (found.isEmpty()) {
            ctx.err().println(report.msg());
        }
    }

    private Path file(Machine machine) {
        Settings s = machine.settings();
        return audit ? machine.paths().auditLog(s) : machine.paths().agentLog(s);
    }

    private String what() {
        return audit ? "audit events" : "update lines";
    }

    private Predicate<String> filter() {
        return audit ? l -> l.contains("\"event\":\"agent_update\"") : l -> l.contains(" update: ");
    }

    /**
     * The last matching complete lines of a file, and the offset just after the last complete line (where
     * following continues).
     */
    record Tail(boolean exists, List<String> lines, long end) {
        private static final int CHUNK = 64 * 1024;
        private static final int MAX_LINE = 1024 * 1024;

        static Tail read(Path file, int n, Predicate<String> filter) {
            try (SeekableByteChannel ch = Files.newByteChannel(file)) {
                long size = ch.size();
                Deque<String> found = new ArrayDeque<>();
                long pos = size;
                long end = -1;
                byte[] rest = new byte[0];
                while (pos > 0 && (found.size() < n || end < 0)) {
                    int len = (int) Math.min(CHUNK, pos);
                    pos -= len;
                    byte[] buf = new byte[len + rest.length];
                    ch.position(pos);
                    ByteBuffer bb = ByteBuffer.wrap(buf, 0, len);
                    while (bb.hasRemaining() && ch.read(bb) >= 0) {
                        // fill the chunk
                    }
                    System.arraycopy(rest, 0, buf, len, rest.length);
                    int lineEnd = buf.length;
                    for (int i = buf.length - 1; i >= 0; i--) {
                        if (buf[i] != '\n') {
                            continue;
                        }
                        if (end < 0) {
                            end = pos + i + 1; // bytes after the last newline are an unfinished line
                        } else if (found.size() < n) {
                            addIfMatching(found, new String(buf, i + 1, lineEnd - i - 1, StandardCharsets.UTF_8), filter);
                        }
                        lineEnd = i;
                        if (found.size() >= n) {
                            break;
                        }
                    }
                    rest = Arrays.copyOfRange(buf, Math.max(0, lineEnd - MAX_LINE), lineEnd);
                }
                if (pos == 0 && end >= 0 && found.size() < n && rest.length > 0) {
                    addIfMatching(found, new String(rest, StandardCharsets.UTF_8), filter);
                }
                return new Tail(true, List.copyOf(found), end < 0 ? 0 : end);
            } catch (NoSuchFileException e) {
                return new Tail(false, List.of(), 0);
            } catch (IOException e) {
                throw AtomicFiles.ioFailure("read", file, e);
            }
        }

        private static void addIfMatching(Deque<String> found, String line, Predicate<String> filter) {
            if (!line.isEmpty() && filter.test(line)) {
                found.addFirst(line);
            }
        }
    }

    /** Sleeps between polls; tests replace it. */
    @FunctionalInterface
    interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    /**
     * Polls a log file from an offset and hands each new complete matching line to a consumer. A file that
     * shrinks or is replaced (rotation) is read again from its start; a missing file is waited for.
     */
    static final class Follower {
        private final Path file;
        private final Predicate<String> filter;
        private final Consumer<String> sink;
        private final Sleeper sleeper;
        private final BooleanSupplier stop;
        private long offset;
        private Object fileKey;
        private final ByteArrayOutputStream partial = new ByteArrayOutputStream();

        Follower(Path file, long offset, Predicate<String> filter, Consumer<String> sink, Sleeper sleeper,
                BooleanSupplier stop) {
            this.file = file;
            this.offset = offset;
            this.filter = filter;
            this.sink = sink;
            this.sleeper = sleeper;
            this.stop = stop;
            this.fileKey = key();
        }

        void run() {
            while (!stop.getAsBoolean()) {
                poll();
                try {
                    sleeper.sleep(POLL);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }

        void poll() {
            Object key = key();
            long size;
            try {
                size = Files.size(file);
            } catch (IOException e) {
                return; // not there (yet, or while being rotated)
            }
            if (!Objects.equals(key, fileKey) || size < offset) {
                fileKey = key;
                offset = 0;
                partial.reset();
            }
            if (size == offset) {
                return;
            }
            try (SeekableByteChannel ch = Files.newByteChannel(file)) {
                ch.position(offset);
                ByteBuffer bb = ByteBuffer.allocate((int) Math.min(size - offset, 1 << 20));
                int n = ch.read(bb);
                if (n <= 0) {
                    return;
                }
                offset += n;
                emit(bb.array(), n);
            } catch (IOException e) {
                // read again at the next poll
            }
        }

        private void emit(byte[] b, int n) {
            List<String> complete = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                if (b[i] == '\n') {
                    complete.add(partial.toString(StandardCharsets.UTF_8));
                    partial.reset();
                } else if (partial.size() < Tail.MAX_LINE) {
                    partial.write(b[i]);
                }
            }
            complete.stream().filter(l -> !l.isEmpty() && filter.test(l)).forEach(sink);
        }

        private Object key() {
            try {
                return Files.readAttributes(file, BasicFileAttributes.class).fileKey();
            } catch (IOException e) {
                return null;
            }
        }
    }
}
