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
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.apache.commons.io.input.ReversedLinesFileReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code logs [-f] [-n N] [--audit]}: the {@code update:} lines of the agent log (SPEC section 10), or the
 * audit log's JSON lines. Reads only: no lock, no writes. The last N lines are found by reading the file
 * backwards (commons-io's ReversedLinesFileReader), so a large agent log costs only its tail. {@code -f}
 * then polls the file for new lines (following truncation and rotation) until the process is interrupted
 * (Ctrl-C).
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
     * following continues). Read from the end with commons-io's {@link ReversedLinesFileReader}, so a large
     * agent log costs only its tail. The bytes are decoded as ISO-8859-1 (one char per byte, and a newline
     * byte never occurs inside a UTF-8 sequence), so an unfinished last line's length is its byte length;
     * each line is then decoded as UTF-8.
     */
    record Tail(boolean exists, List<String> lines, long end) {
        private static final int BLOCK = 64 * 1024;
        private static final int ATTEMPTS = 3;

        static Tail read(Path file, int n, Predicate<String> filter) {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                for (int attempt = 1; ; attempt++) {
                    long size = ch.size();
                    if (size == 0) {
                        return new Tail(true, List.of(), 0); // the reader cannot read an empty file
                    }
                    ch.position(0);
                    ReversedLinesFileReader reader = ReversedLinesFileReader.builder().setChannel(ch)
                            .setCharset(StandardCharsets.ISO_8859_1).setBufferSize(BLOCK).get();
                    if (ch.size() != size && attempt < ATTEMPTS) {
                        continue; // the file grew while the reader measured it: measure again
                    }
                    return read(ch, reader, size, n, filter);
                }
            } catch (NoSuchFileException e) {
                return new Tail(false, List.of(), 0);
            } catch (IOException e) {
                throw AtomicFiles.ioFailure("read", file, e);
            }
        }

        private static Tail read(FileChannel ch, ReversedLinesFileReader reader, long size, int n,
                Predicate<String> filter) throws IOException {
            ByteBuffer last = ByteBuffer.allocate(1);
            ch.read(last, size - 1);
            byte lastByte = last.get(0);
            long end = size;
            String line = reader.readLine();
            if (lastByte != '\n' && lastByte != '\r' && line != null) {
                end -= line.length(); // being written: not a line yet
                line = reader.readLine();
            }
            Deque<String> found = new ArrayDeque<>();
            for (; line != null && found.size() < n; line = reader.readLine()) {
                String text = new String(line.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
                if (!text.isEmpty() && filter.test(text)) {
                    found.addFirst(text);
                }
            }
            return new Tail(true, List.copyOf(found), end);
        }
    }

    /** Sleeps between polls; tests replace it. */
    @FunctionalInterface
    interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    /**
     * Polls a log file from an offset and hands each new complete matching line to a consumer. A file that
     * shrinks or is replaced (rotation, detected by its file key, i.e. inode) is read again from its start;
     * a missing file is waited for.
     *
     * <p>Why not commons-io's {@code Tailer} (2.22.0): a file that goes missing while followed (logrotate
     * renames it, then creates the new one) ends the Tailer with a NoSuchFileException; a rotation to a new
     * file that is already as long as the old read offset is not noticed (it keeps reading the renamed
     * file), because it detects rotation only by a shrinking size; it cannot start at an offset (only at
     * the start or the end, which would split a line being written); it buffers a line without bound; and
     * it sleeps on its own, so tests could not step it. See docs/decisions.md.
     */
    static final class Follower {
        private static final int MAX_LINE = 1024 * 1024;
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
                } else if (partial.size() < MAX_LINE) {
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
