package com.cmdop.update.release.feed;


import com.cmdop.update.model.error.ErrorCode;
import com.cmdop.update.model.error.UpdateException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.ProxySelector;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodySubscriber;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;

/**
 * A feed over https (or http to loopback), on the JDK {@link HttpClient}.
 *
 * <ul>
 *   <li>TLS with the JDK's default trust store (on Linux distributions: the system CA bundle) and
 *       hostname verification; HTTP/1.1.</li>
 *   <li>Redirects are followed by us, not the JDK, at most {@value #MAX_REDIRECTS}, and only to the
 *       same scheme: https to http is refused, and so is http to anything but loopback.</li>
 *   <li>Caps: a Content-Length over the cap is refused before the body is read; without one, reading
 *       stops after the first chunk that crosses the cap (see {@link CappedBodySubscriber}).</li>
 *   <li>Timeouts ({@link FeedTimeouts}): connect; idle, which bounds the wait for the headers (through
 *       {@code HttpRequest.timeout}) and every gap in the body (through our watchdog); total, a
 *       deadline over all redirects, enforced by the watchdog and, as a safety net, by the wait; run, the
 *       budget of every request of this client (one client serves one run), which ends a request early
 *       when it is spent first (the timeout is then named "run").</li>
 *   <li>Status: 200 bytes; 304 not modified (only to a conditional request); 404/410 not found;
 *       anything else FEED_UNAVAILABLE with {@code details.status}.</li>
 * </ul>
 * Threads: one daemon pool for the JDK client and one daemon watchdog thread, both shut down by
 * {@link #close()}. The JDK's own selector thread is a daemon too and ends with the client.
 */
public final class HttpFeedClient implements FeedClient {
    static final int MAX_REDIRECTS = 5;
    static final String USER_AGENT = "cmdop-update";
    /** Extra wait beyond the deadline before the safety net fires; the watchdog should always win. */
    private static final long GRACE_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

    private static final AtomicInteger CLIENTS = new AtomicInteger();

    private final FeedLocation location;
    private final FeedTimeouts timeouts;
    private final ExecutorService executor;
    private final ScheduledThreadPoolExecutor watchdog;
    private final HttpClient http;
    /** When the run's budget for feed transfers ({@link FeedTimeouts#run()}) is spent: one client, one run. */
    private final long runDeadline;
    private volatile boolean closed;

    /**
     * @param proxies normally {@link EnvProxySelector#fromEnvironment}; ignored for loopback feeds
     */
    public HttpFeedClient(FeedLocation location, FeedTimeouts timeouts, ProxySelector proxies) {
        this(location, timeouts, proxies, null);
    }

    /** With a TLS context of its own (tests: a throwaway CA); null means the JDK default (system trust store). */
    HttpFeedClient(FeedLocation location, FeedTimeouts timeouts, ProxySelector proxies, SSLContext tls) {
        Objects.requireNonNull(proxies, "proxies");
        Objects.requireNonNull(timeouts, "timeouts");
        if (location.kind() != FeedLocation.Kind.HTTP) {
            throw new IllegalArgumentException("not an http(s) feed: " + location);
        }
        this.location = location;
        this.timeouts = timeouts;
        this.runDeadline = System.nanoTime() + timeouts.run().toNanos();
        int id = CLIENTS.incrementAndGet();
        this.executor = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 5, TimeUnit.SECONDS, new SynchronousQueue<>(),
                daemonThreads("cmdop-feed-" + id + "-http"));
        this.watchdog = new ScheduledThreadPoolExecutor(1, daemonThreads("cmdop-feed-" + id + "-watchdog"));
        this.watchdog.setRemoveOnCancelPolicy(true);
        this.watchdog.setKeepAliveTime(5, TimeUnit.SECONDS);
        this.watchdog.allowCoreThreadTimeOut(true);
        HttpClient.Builder builder = HttpClient.newBuilder();
        if (tls != null) {
            builder.sslContext(tls);
        }
        this.http = builder
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(timeouts.connect())
                .proxy(location.isLoopbackHttp() ? HttpClient.Builder.NO_PROXY : proxies)
                .executor(executor)
                .build();
    }

    @Override
    public FeedLocation location() {
        return location;
    }

    @Override
    public FetchResult fetch(String relativePath, long maxBytes, Validators conditional) {
        checkInMemoryCap(maxBytes);
        URI uri = location.resolveUri(relativePath);
        Validators sent = conditional == null ? Validators.NONE : conditional;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        Outcome outcome = exchange(uri, relativePath, maxBytes, false, sent, buffer, timeouts.manifestTotal());
        if (outcome.notModified) {
            return FetchResult.notModified(outcome.validators, outcome.uri.toString());
        }
        return FetchResult.ofBytes(buffer.toByteArray(), outcome.validators, outcome.uri.toString());
    }

    @Override
    public void fetchTo(String relativePath, long exactLength, OutputStream sink) {
        if (exactLength < 0) {
            throw new IllegalArgumentException("exactLength must not be negative");
        }
        URI uri = location.resolveUri(relativePath);
        exchange(uri, relativePath, exactLength, true, Validators.NONE, sink, timeouts.artifactTotal(exactLength));
    }

    static void checkInMemoryCap(long maxBytes) {
        if (maxBytes < 0 || maxBytes > FeedLimits.IN_MEMORY_MAX_BYTES) {
            throw new IllegalArgumentException("fetch() holds the body in memory: maxBytes must be 0.."
                    + FeedLimits.IN_MEMORY_MAX_BYTES + "; stream larger files with fetchTo()");
        }
    }

    private static final class Outcome {
        final URI uri;
        final boolean notModified;
        final Validators validators;

        Outcome(URI uri, boolean notModified, Validators validators) {
            this.uri = uri;
            this.notModified = notModified;
            this.validators = validators;
        }
    }

    /** One logical request: redirects followed, body delivered into {@code sink}. */
    private Outcome exchange(URI first, String relativePath, long limit, boolean exact, Validators conditional,
            OutputStream sink, Duration ownTotal) {
        long start = System.nanoTime();
        long deadline = start + ownTotal.toNanos();
        // the run's budget, shared by every request of the run, ends this one when it is spent first
        boolean runBinds = runDeadline - deadline < 0;
        String totalName = runBinds ? "run" : "total";
        Duration total = runBinds ? timeouts.run() : ownTotal;
        if (runBinds) {
            deadline = runDeadline;
        }
        URI uri = first;
        for (int redirects = 0; ; redirects++) {
            FeedErrors.Target target = FeedErrors.Target.url(uri);
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                throw FeedErrors.timeout(target, totalName, total, runBinds
                        ? "the run's feed transfers did not finish in time" : "the request did not finish in time");
            }
            // HttpRequest.timeout bounds the wait for the response headers: nothing received yet,
            // so that is the idle timeout, unless less of the total time is left.
            boolean headerWaitIsIdle = timeouts.idle().toNanos() <= remaining;
            Duration headerWait = headerWaitIsIdle ? timeouts.idle() : Duration.ofNanos(remaining);
            HttpRequest request = buildRequest(uri, target, headerWait, conditional);
            Handler handler = new Handler(sink, limit, exact, target, total, totalName, deadline);
            HttpResponse<Long> response = await(
                    send(request, handler, target), handler, target, deadline, total, totalName,
                    headerWaitIsIdle ? "idle" : totalName, headerWait);
            int status = response.statusCode();
            HttpHeaders headers = response.headers();
            if (status == 200) {
                if (handler.refusal != null) {
                    throw handler.refusal;
                }
                return new Outcome(uri, false, validatorsOf(headers, Validators.NONE));
            }
            if (status == 304) {
                if (conditional.isEmpty()) {
                    throw FeedErrors.badStatus(target, status); // not modified since... what? a broken server
                }
                return new Outcome(uri, true, validatorsOf(headers, conditional));
            }
            if (isRedirect(status)) {
                if (redirects >= MAX_REDIRECTS) {
                    throw FeedErrors.unreachable(target, "more than " + MAX_REDIRECTS + " redirects", null);
                }
                uri = redirectTarget(uri, headers.firstValue("Location").orElse(null), status);
                continue;
            }
            if (status == 404 || status == 410) {
                throw FeedErrors.notFound(target, relativePath, status);
            }
            throw FeedErrors.badStatus(target, status);
        }
    }

    private static HttpRequest buildRequest(URI uri, FeedErrors.Target target, Duration headerWait,
            Validators conditional) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                    .GET()
                    .timeout(headerWait)
                    .header("User-Agent", USER_AGENT)
                    // signatures are over the published bytes: ask for them as they are
                    .header("Accept-Encoding", "identity");
            if (conditional.etag() != null) {
                request.header("If-None-Match", conditional.etag());
            }
            if (conditional.lastModified() != null) {
                request.header("If-Modified-Since", conditional.lastModified());
            }
            return request.build();
        } catch (IllegalArgumentException e) {
            // only reachable through a redirect to a URL the JDK client will not request
            throw FeedErrors.unreachable(target, "cannot request this URL (" + FeedErrors.describe(e) + ")", e);
        }
    }

    private CompletableFuture<HttpResponse<Long>> send(HttpRequest request, Handler handler, FeedErrors.Target target) {
        if (closed) {
            throw new IllegalStateException("this feed client is closed");
        }
        try {
            return http.sendAsync(request, handler);
        } catch (IllegalArgumentException e) {
            throw FeedErrors.unreachable(target, "cannot request this URL (" + FeedErrors.describe(e) + ")", e);
        }
    }

    private static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    /** Where a redirect points, if we may follow it: same scheme, http only to loopback, no credentials. */
    static URI redirectTarget(URI from, String location, int status) {
        FeedErrors.Target target = FeedErrors.Target.url(from);
        if (location == null || location.isBlank()) {
            throw FeedErrors.badStatus(target, status);
        }
        URI to;
        try {
            to = from.resolve(location.strip());
        } catch (IllegalArgumentException e) {
            throw refusedRedirect(from, location, "the Location header is not a valid URL");
        }
        String scheme = to.getScheme() == null ? "" : to.getScheme().toLowerCase(Locale.ROOT);
        String fromScheme = from.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equalsIgnoreCase(from.getScheme())) {
            throw refusedRedirect(from, location, "it changes the scheme from " + fromScheme + " to "
                    + (scheme.isEmpty() ? "(none)" : scheme) + "; the feed must be served over https throughout");
        }
        if (to.getHost() == null || to.getRawUserInfo() != null) {
            throw refusedRedirect(from, location, "it has no host or contains credentials");
        }
        if (scheme.equals("http") && !Loopback.isLoopbackHost(to.getHost())) {
            throw refusedRedirect(from, location, "plain http is allowed only to loopback");
        }
        return to;
    }

    private static UpdateException refusedRedirect(URI from, String location, String why) {
        return new UpdateException(ErrorCode.FEED_UNAVAILABLE,
                from + ": refused the redirect to " + FeedPaths.quote(location) + ": " + why
                        + "; fix the feed server or point " + FeedLocation.CONFIG_KEY + " at the final URL",
                Map.of("url", from.toString(), "location", location));
    }

    private static Validators validatorsOf(HttpHeaders headers, Validators fallback) {
        String etag = headers.firstValue("ETag").orElse(fallback.etag());
        String lastModified = headers.firstValue("Last-Modified").orElse(fallback.lastModified());
        return new Validators(etag, lastModified);
    }

    /**
     * Waits for the exchange. The watchdog and {@code HttpRequest.timeout} normally end it; the wait
     * itself is bounded by the deadline plus a grace period as a safety net. Whatever happens, the
     * body is stopped before this returns or throws, so the sink is never written afterwards.
     */
    private HttpResponse<Long> await(CompletableFuture<HttpResponse<Long>> future, Handler handler,
            FeedErrors.Target target, long deadline, Duration total, String totalName, String headerTimeoutName,
            Duration headerWait) {
        boolean ok = false;
        try {
            long wait = deadline - System.nanoTime() + GRACE_NANOS;
            HttpResponse<Long> response = future.get(Math.max(0, wait), TimeUnit.NANOSECONDS);
            ok = true;
            return response;
        } catch (TimeoutException e) {
            throw FeedErrors.timeout(target, totalName, total, "the request did not finish in time");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UpdateException(ErrorCode.FEED_UNAVAILABLE, target + ": interrupted while fetching",
                    target.details(), e);
        } catch (ExecutionException e) {
            UpdateException typed = handler.failure();
            if (typed != null) {
                throw typed;
            }
            throw transportFailure(target, unwrap(e), headerTimeoutName, headerWait);
        } finally {
            if (!ok) {
                future.cancel(true);
                handler.stop(FeedErrors.unreachable(target, "the request was abandoned", null));
            }
        }
    }

    private static Throwable unwrap(Throwable t) {
        Throwable c = t;
        while ((c instanceof ExecutionException || c instanceof CompletionException) && c.getCause() != null) {
            c = c.getCause();
        }
        return c;
    }

    /** Maps a failure before or outside the body (connect, TLS, headers) to FEED_UNAVAILABLE. */
    UpdateException transportFailure(FeedErrors.Target target, Throwable t, String headerTimeoutName,
            Duration headerWait) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof CappedBodySubscriber.Abort) {
                return ((CappedBodySubscriber.Abort) c).error;
            }
        }
        return mapTransportFailure(target, t, timeouts.connect(), headerTimeoutName, headerWait);
    }

    static UpdateException mapTransportFailure(FeedErrors.Target target, Throwable t, Duration connectTimeout,
            String headerTimeoutName, Duration headerWait) {
        if (t instanceof HttpConnectTimeoutException) {
            return FeedErrors.timeout(target, "connect", connectTimeout, "could not connect to the server in time");
        }
        if (t instanceof HttpTimeoutException) {
            return FeedErrors.timeout(target, headerTimeoutName, headerWait,
                    "no response from the server within " + FeedTimeouts.format(headerWait));
        }
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof UnresolvedAddressException || c instanceof UnknownHostException) {
                return FeedErrors.unreachable(target, "cannot resolve the host name (DNS)", t);
            }
        }
        if (t instanceof ConnectException) {
            return FeedErrors.unreachable(target, "cannot connect to the server (" + FeedErrors.describe(t) + ")", t);
        }
        if (t instanceof SSLException) {
            return FeedErrors.unreachable(target, "the TLS handshake failed (" + FeedErrors.describe(t)
                    + "); the server's certificate must be valid for its host name and chain to a CA in the"
                    + " system trust store", t);
        }
        if (t instanceof IOException) {
            return FeedErrors.unreachable(target, "the connection failed (" + FeedErrors.describe(t) + ")", t);
        }
        return FeedErrors.unreachable(target, "the request failed (" + FeedErrors.describe(t) + ")", t);
    }

    /**
     * Chooses the body subscriber once the status and headers are known: the capped one for a 200
     * whose Content-Length (if any) fits, else one that cancels at once, so that an error page, a
     * redirect or an oversized announced body is never read.
     */
    private final class Handler implements HttpResponse.BodyHandler<Long> {
        private final OutputStream sink;
        private final long limit;
        private final boolean exact;
        private final FeedErrors.Target target;
        private final Duration total;
        private final String totalName;
        private final long deadline;
        private volatile CappedBodySubscriber body;
        private volatile UpdateException refusal;

        Handler(OutputStream sink, long limit, boolean exact, FeedErrors.Target target, Duration total,
                String totalName, long deadline) {
            this.sink = sink;
            this.limit = limit;
            this.exact = exact;
            this.target = target;
            this.total = total;
            this.totalName = totalName;
            this.deadline = deadline;
        }

        @Override
        public BodySubscriber<Long> apply(HttpResponse.ResponseInfo info) {
            if (info.statusCode() != 200) {
                return new Discarding();
            }
            String encoding = info.headers().firstValue("Content-Encoding").orElse("identity").strip();
            if (!encoding.isEmpty() && !encoding.equalsIgnoreCase("identity")) {
                // decoding is not ours to do, and passing the encoded bytes on would look like
                // tampering to the signature check: say what the server did instead
                Map<String, Object> d = target.details();
                d.put("content_encoding", encoding);
                refusal = new UpdateException(ErrorCode.FEED_UNAVAILABLE, target + ": the server sent the file with"
                        + " Content-Encoding " + FeedPaths.quote(encoding) + " although it was asked for the"
                        + " identity encoding; configure the feed server or CDN not to compress these files", d);
                return new Discarding();
            }
            long contentLength = contentLength(info.headers());
            if (contentLength > limit) {
                refusal = FeedErrors.lengthExceeded(target, limit,
                        "the server announced Content-Length " + contentLength);
                return new Discarding();
            }
            if (exact && contentLength >= 0 && contentLength < limit) {
                refusal = FeedErrors.truncated(target, limit, contentLength, null);
                return new Discarding();
            }
            CappedBodySubscriber s = new CappedBodySubscriber(sink, limit, exact, contentLength, target,
                    timeouts.idle(), total, totalName, deadline, watchdog);
            body = s;
            return s;
        }

        UpdateException failure() {
            CappedBodySubscriber s = body;
            return s == null ? null : s.failure();
        }

        void stop(UpdateException reason) {
            CappedBodySubscriber s = body;
            if (s != null) {
                s.abort(reason);
            }
        }
    }

    /** -1 when absent or unparsable (then the cap still applies while reading). */
    private static long contentLength(HttpHeaders headers) {
        try {
            OptionalLong value = headers.firstValueAsLong("Content-Length");
            return value.isPresent() && value.getAsLong() >= 0 ? value.getAsLong() : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Cancels the body at once: closes the connection instead of reading a body we do not want. */
    private static final class Discarding implements BodySubscriber<Long> {
        private final CompletableFuture<Long> result = new CompletableFuture<>();

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            subscription.cancel();
            result.complete(-1L);
        }

        @Override
        public void onNext(List<ByteBuffer> item) {
            // cancelled: nothing is expected, nothing is kept
        }

        @Override
        public void onError(Throwable throwable) {
            result.complete(-1L);
        }

        @Override
        public void onComplete() {
            result.complete(-1L);
        }

        @Override
        public CompletionStage<Long> getBody() {
            return result;
        }
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    @Override
    public void close() {
        closed = true;
        watchdog.shutdownNow();
        executor.shutdown();
    }

    /** Waits until the client's own threads have ended after {@link #close()} (for tests). */
    boolean awaitTermination(Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        return watchdog.awaitTermination(timeout.toNanos(), TimeUnit.NANOSECONDS)
                && executor.awaitTermination(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    @Override
    public String toString() {
        return "HttpFeedClient[" + location + "]";
    }
}
