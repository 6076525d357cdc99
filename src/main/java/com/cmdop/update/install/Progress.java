package com.cmdop.update.install;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.function.LongSupplier;

/**
 * A download progress bar on stderr (SPEC section 4): only when stderr is a terminal and never with
 * --json; the caller decides by passing a stream or null. Redrawn at most every 100 ms, on one line.
 */
public final class Progress {
    private static final long REDRAW_NANOS = 100_000_000L;
    private static final int WIDTH = 30;

    private final PrintStream err;
    private final String label;
    private final long total;
    private final LongSupplier nanoTime;
    private long done;
    private long lastDraw = Long.MIN_VALUE;

    Progress(PrintStream err, String label, long total, LongSupplier nanoTime) {
        this.err = err;
        this.label = label;
        this.total = total;
        this.nanoTime = nanoTime;
    }

    /** A bar on {@code err}, or nothing at all when {@code err} is null. */
    public static Progress on(PrintStream err, String label, long total) {
        return new Progress(err, label, total, System::nanoTime);
    }

    OutputStream wrap(OutputStream out) {
        if (err == null) {
            return out;
        }
        return new FilterOutputStream(out) {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
                advance(len);
            }
        };
    }

    void advance(long n) {
        done += n;
        long now = nanoTime.getAsLong();
        if (lastDraw == Long.MIN_VALUE || now - lastDraw >= REDRAW_NANOS) {
            lastDraw = now;
            draw();
        }
    }

    void done() {
        if (err != null && lastDraw != Long.MIN_VALUE) {
            draw();
            err.println();
            err.flush();
        }
    }

    private void draw() {
        double f = total <= 0 ? 0 : Math.min(1.0, (double) done / total);
        int filled = (int) Math.round(f * WIDTH);
        err.print("\r" + label + " [" + "#".repeat(filled) + " ".repeat(WIDTH - filled) + "] "
                + String.format(java.util.Locale.ROOT, "%3d%% %.1f/%.1f MiB", Math.round(f * 100), mib(done), mib(total)));
        err.flush();
    }

    private static double mib(long bytes) {
        return bytes / 1048576.0;
    }
}
