package com.cmdop.update.release.feed;

import com.cmdop.update.model.error.ErrorCode;
import com.cmdop.update.model.error.UpdateException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.http.HttpResponse.BodySubscriber;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Receives a response body into the caller's sink with a byte cap and the idle and total timeouts.
 *
 * <p>Why it exists: in JDK 17 {@code HttpRequest.timeout()} only bounds the wait for the response
 * headers, so a server that sends headers and then one byte every 20 s would keep a stock body
 * handler busy forever, and {@code ofByteArray()} would buffer an endless body until the heap runs
 * out. Here one chunk is requested at a time ({@code request(1)}), so at most one chunk beyond the
 * cap is ever received before the subscription is cancelled (which closes the connection), and a
 * watchdog on a shared scheduler fails the body when no chunk arrived for {@code idle} or the
 * request's deadline passed. The watchdog reschedules itself from the last activity; it never polls.
 *
 * <p>Thread safety: sink writes and the transition to "done" happen under this object's lock, so
 * once {@link #abort} (or any failure) returns, the sink is never written again: the caller may
 * close or delete it. Subscription cancellation happens outside the lock, so a JDK thread calling
 * back into us cannot deadlock with it.
 */
final class CappedBodySubscriber implements BodySubscriber<Long> {
    /** Thrown through the JDK's futures to carry our typed error back to the waiting caller. */
    static final class Abort extends IOException {
        private static final long serialVersionUID = 1L;
        final transient UpdateException error;

        Abort(UpdateException error) {
            super(error.getMessage());
            this.error = error;
        }
    }

    private final OutputStream sink;
    private final long limit;
    private final boolean exact;
    private final long contentLength; // -1: not announced
    private final FeedErrors.Target target;
    private final Duration idle;
    private final long idleNanos;
    private final Duration total;
    /** "total", or "run" when the run's budget ends before this request's own total. */
    private final String totalName;
    private final long deadlineNanos;
    private final ScheduledExecutorService scheduler;
    private final CompletableFuture<Long> result = new CompletableFuture<>();

    // guarded by this
    private Flow.Subscription subscription;
    private long received;
    private boolean done;
    private UpdateException failure;
    private ScheduledFuture<?> timer;
    private byte[] scratch;

    private volatile long lastActivityNanos;

    /**
     * @param limit the cap (fetch) or the exact expected length (fetchTo)
     * @param exact whether fewer than {@code limit} bytes is a truncation
     * @param total, totalName the time limit that ends at {@code deadlineNanos}, and its name for messages
     * @param deadlineNanos {@link System#nanoTime()} value at which the whole request's time is up
     */
    CappedBodySubscriber(OutputStream sink, long limit, boolean exact, long contentLength, FeedErrors.Target target,
            Duration idle, Duration total, String totalName, long deadlineNanos, ScheduledExecutorService scheduler) {
        this.sink = sink;
        this.limit = limit;
        this.exact = exact;
        this.contentLength = contentLength;
        this.target = target;
        this.idle = idle;
        this.idleNanos = idle.toNanos();
        this.total = total;
        this.totalName = totalName;
        this.deadlineNanos = deadlineNanos;
        this.scheduler = scheduler;
        this.lastActivityNanos = System.nanoTime();
        synchronized (this) {
            schedule(lastActivityNanos);
        }
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        boolean cancel;
        synchronized (this) {
            cancel = done || subscription != null;
            if (!cancel) {
                subscription = s;
            }
        }
        if (cancel) {
            s.cancel();
        } else {
            s.request(1);
        }
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
        UpdateException error = null;
        Flow.Subscription s;
        synchronized (this) {
            if (done) {
                return;
            }
            lastActivityNanos = System.nanoTime();
            for (ByteBuffer b : items) {
                int n = b.remaining();
                if (received + n > limit) {
                    error = FeedErrors.lengthExceeded(target, limit,
                            "the server sent more than " + limit + " bytes"
                                    + (contentLength >= 0 ? " although it announced " + contentLength : ""));
                    break;
                }
                try {
                    write(b);
                } catch (IOException e) {
                    error = FeedErrors.localWriteFailure(target, e);
                    break;
                } catch (RuntimeException e) {
                    // the caller's sink is at fault; end the transfer now instead of leaving the
                    // JDK to cancel it behind our back and the caller to wait for the deadline
                    error = new UpdateException(ErrorCode.INTERNAL,
                            target + ": the download sink failed (" + FeedErrors.describe(e) + ")", target.details(), e);
                    break;
                }
                received += n;
            }
            lastActivityNanos = System.nanoTime();
            s = subscription;
        }
        if (error != null) {
            fail(error);
        } else {
            s.request(1);
        }
    }

    private void write(ByteBuffer b) throws IOException {
        if (b.hasArray()) {
            sink.write(b.array(), b.arrayOffset() + b.position(), b.remaining());
            b.position(b.limit());
            return;
        }
        if (scratch == null) {
            scratch = new byte[16 * 1024];
        }
        while (b.hasRemaining()) {
            int n = Math.min(scratch.length, b.remaining());
            b.get(scratch, 0, n);
            sink.write(scratch, 0, n);
        }
    }

    @Override
    public void onError(Throwable t) {
        long got;
        synchronized (this) {
            if (done) {
                return;
            }
            got = received;
        }
        UpdateException error = contentLength >= 0 || exact
                ? FeedErrors.truncated(target, contentLength >= 0 ? contentLength : limit, got, t)
                : FeedErrors.connectionLost(target, got, t);
        fail(error);
    }

    @Override
    public void onComplete() {
        UpdateException error = null;
        long got;
        synchronized (this) {
            if (done) {
                return;
            }
            got = received;
            if (exact && got < limit) {
                error = FeedErrors.truncated(target, limit, got, null);
            } else {
                done = true;
                cancelTimer();
            }
        }
        if (error != null) {
            fail(error);
        } else {
            result.complete(got);
        }
    }

    @Override
    public CompletionStage<Long> getBody() {
        return result;
    }

    /** Stops the transfer, if still running; once this returns the sink is never written again. */
    void abort(UpdateException reason) {
        fail(reason);
    }

    /** The typed failure that ended this body, or null. */
    synchronized UpdateException failure() {
        return failure;
    }

    private void fail(UpdateException error) {
        Flow.Subscription s;
        synchronized (this) {
            if (done) {
                return;
            }
            done = true;
            failure = error;
            cancelTimer();
            s = subscription;
        }
        if (s != null) {
            s.cancel(); // closes the connection: the rest of the body is never read
        }
        result.completeExceptionally(new Abort(error));
    }

    // --- watchdog -------------------------------------------------------------------------------

    /** Arms the watchdog for the earlier of the idle deadline and the total deadline. Caller holds the lock. */
    private void schedule(long now) {
        long idleAt = lastActivityNanos + idleNanos;
        long at = idleAt - deadlineNanos < 0 ? idleAt : deadlineNanos;
        long delay = Math.max(0, at - now);
        try {
            timer = scheduler.schedule(this::check, delay, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // the client was closed during the request: the caller's own deadline still bounds it
            timer = null;
        }
    }

    private void check() {
        long now = System.nanoTime();
        UpdateException error = null;
        synchronized (this) {
            if (done) {
                return;
            }
            if (now - deadlineNanos >= 0) {
                error = FeedErrors.timeout(target, totalName, total,
                        "the transfer did not finish in time (" + received + " bytes received)");
            } else if (now - (lastActivityNanos + idleNanos) >= 0) {
                error = FeedErrors.timeout(target, "idle", idle,
                        "no data received for " + FeedTimeouts.format(idle) + " after " + received + " bytes");
            } else {
                schedule(now);
            }
        }
        if (error != null) {
            fail(error);
        }
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
