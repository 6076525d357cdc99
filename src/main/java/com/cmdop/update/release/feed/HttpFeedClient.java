package com.cmdop.update.release.feed;


import com.cmdop.update.model.error.ErrorCode;
import com.cmdop.update.model.error.UpdateException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Authenticator;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URL;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocketFactory;

/**
 * A feed over https (or http to loopback), on the blocking {@link HttpURLConnection} of java.base.
 *
 * <p>Why not the JDK {@code java.net.http.HttpClient}: it hands a body over in 16 KiB buffers, a fresh
 * one per chunk, through executor threads; a 256 MiB artifact cost 3-5x {@code curl | sha256sum} and
 * ~105 MiB of memory. Here the caller's thread reads the body into one reused 1 MiB buffer and writes it
 * to the sink (which hashes it) in writes of up to that size: no extra threads, no per-chunk garbage.
 *
 * <ul>
 *   <li>TLS with the JDK's default trust store (on Linux distributions: the system CA bundle) and
 *       {@code HttpsURLConnection}'s default hostname verification; HTTP/1.1; {@code Accept-Encoding:
 *       identity}, and a Content-Encoding other than identity is refused.</li>
 *   <li>Redirects are followed by us, not the JDK, at most {@value #MAX_REDIRECTS}, and only to the
 *       same scheme: https to http is refused, and so is http to anything but loopback.</li>
 *   <li>Caps: a Content-Length over the cap is refused before the body is read; without one, reading
 *       stops at the cap (at most one byte past it is ever asked for). Error pages, redirects and
 *       refused bodies are never read: the connection is closed instead.</li>
 *   <li>Timeouts ({@link FeedTimeouts}): connect ({@code setConnectTimeout}); idle, the socket's read
 *       timeout, which bounds the wait for the headers and every gap in the body; total, a deadline over
 *       all redirects, and run, the budget of every request of this client (one client serves one run),
 *       which ends a request early when it is spent first (the timeout is then named "run"). Both
 *       deadlines are checked after every read, bound the connect and read timeouts when less time is
 *       left than they are, and are enforced for https by a watchdog that closes the connection's socket
 *       (see {@link TrackedTlsSockets}: {@code disconnect()} cannot end a blocked read in JDK 17). Plain
 *       http, which only ever goes to loopback, has no watchdog: a read blocked when the deadline passes
 *       ends at the latest after the idle timeout.</li>
 *   <li>Status: 200 bytes; 304 not modified (only to a conditional request); 404/410 not found;
 *       anything else FEED_UNAVAILABLE with {@code details.status}.</li>
 *   <li>Proxy: the {@link EnvProxySelector}'s first proxy for each URL, passed to
 *       {@code openConnection(Proxy)} ({@code Proxy.NO_PROXY} when direct), so the process-wide
 *       {@code ProxySelector} and the {@code http(s).proxyHost} properties are never consulted; loopback
 *       feeds never use a proxy. https through an http proxy is a CONNECT tunnel.</li>
 * </ul>
 *
 * <p>{@code HttpURLConnection}'s process-wide hooks are switched off per connection: no
 * {@code ResponseCache} ({@code setUseCaches(false)}), no credentials from the default
 * {@code Authenticator} (an own one that has none), no user interaction. Keep-alive: a body read to its
 * end leaves its https connection to the JDK's keep-alive cache, so the several small requests of a run
 * share one connection; any failure or early stop closes the connection instead (the socket first, for
 * https), so a partly read body never goes back to the cache. Plain http asks for {@code Connection:
 * close}: the JDK would otherwise drain an abandoned body of up to 512 KiB on a background thread to
 * reuse its connection. The JDK's transparent re-send of a GET is refused for https (at most one new
 * connection per request); over loopback http it may re-send once a request whose connection failed
 * before the status line (an idempotent GET to this machine).
 *
 * <p>Threads: none of its own for a transfer; one daemon watchdog thread, started by the first https
 * request and ended by {@link #close()}, which also closes the client's idle connections.
 */
public final class HttpFeedClient implements FeedClient {
    static final int MAX_REDIRECTS = 5;
    static final String USER_AGENT = "cmdop-update";
    /** The one buffer an artifact is read into and written from, per client. */
    static final int BUFFER_BYTES = 1024 * 1024;
    /** The buffer of an in-memory fetch (manifests, signatures: at most 1 MiB, mostly a few KiB). */
    private static final int SMALL_BUFFER_BYTES = 64 * 1024;
    /** Asked for credentials by a 401 or 407, it has none: the process-wide Authenticator is never asked. */
    private static final Authenticator NO_CREDENTIALS = new Authenticator() { };

    private static final AtomicInteger CLIENTS = new AtomicInteger();

    private final FeedLocation location;
    private final FeedTimeouts timeouts;
    /** Null for a loopback feed: never a proxy. */
    private final ProxySelector proxies;
    private final SSLContext tlsContext;
    private final String threadName;
    /** When the run's budget for feed transfers ({@link FeedTimeouts#run()}) is spent: one client, one run. */
    private final long runDeadline;
    /** One transfer at a time: they share the buffer and the TLS socket bookkeeping. */
    private final Object transferLock = new Object();
    private final Object lifecycle = new Object();
    // guarded by lifecycle
    private TrackedTlsSockets tls;
    private ScheduledThreadPoolExecutor watchdog;
    // guarded by transferLock
    private byte[] buffer;
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
        this.proxies = location.isLoopbackHttp() ? null : proxies;
        this.tlsContext = tls;
        this.threadName = "cmdop-feed-" + CLIENTS.incrementAndGet() + "-watchdog";
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
        /** Set instead of the rest for a redirect we may follow. */
        final URI redirect;

        Outcome(URI uri, boolean notModified, Validators validators, URI redirect) {
            this.uri = uri;
            this.notModified = notModified;
            this.validators = validators;
            this.redirect = redirect;
        }
    }

    /** The time limits of one logical request (all its redirects). */
    private static final class Limits {
        final long deadline;
        final Duration total;
        /** "total", or "run" when the run's budget ends before this request's own total. */
        final String totalName;

        Limits(long deadline, Duration total, String totalName) {
            this.deadline = deadline;
            this.total = total;
            this.totalName = totalName;
        }
    }

    /** One logical request: redirects followed, body delivered into {@code sink}. */
    private Outcome exchange(URI first, String relativePath, long limit, boolean exact, Validators conditional,
            OutputStream sink, Duration ownTotal) {
        synchronized (transferLock) {
            ensureOpen();
            long deadline = System.nanoTime() + ownTotal.toNanos();
            // the run's budget, shared by every request of the run, ends this one when it is spent first
            boolean runBinds = runDeadline - deadline < 0;
            Limits limits = runBinds
                    ? new Limits(runDeadline, timeouts.run(), "run")
                    : new Limits(deadline, ownTotal, "total");
            URI uri = first;
            for (int redirects = 0; ; redirects++) {
                FeedErrors.Target target = FeedErrors.Target.url(uri);
                if (limits.deadline - System.nanoTime() <= 0) {
                    throw FeedErrors.timeout(target, limits.totalName, limits.total, runBinds
                            ? "the run's feed transfers did not finish in time" : "the request did not finish in time");
                }
                Outcome outcome = attempt(uri, target, relativePath, limit, exact, conditional, sink, limits);
                if (outcome.redirect == null) {
                    return outcome;
                }
                if (redirects >= MAX_REDIRECTS) {
                    throw FeedErrors.unreachable(target, "more than " + MAX_REDIRECTS + " redirects", null);
                }
                uri = outcome.redirect;
            }
        }
    }

    /** One HTTP request and response. The connection is closed unless the response ended cleanly. */
    private Outcome attempt(URI uri, FeedErrors.Target target, String relativePath, long limit, boolean exact,
            Validators conditional, OutputStream sink, Limits limits) {
        long remaining = limits.deadline - System.nanoTime();
        // connect and read timeouts: the configured ones, or what is left of the deadline if that is less
        boolean connectIsOwn = timeouts.connect().toNanos() <= remaining;
        Duration connectWait = connectIsOwn ? timeouts.connect() : Duration.ofNanos(remaining);
        boolean readIsIdle = timeouts.idle().toNanos() <= remaining;
        Duration readWait = readIsIdle ? timeouts.idle() : Duration.ofNanos(remaining);
        String headerTimeoutName = readIsIdle ? "idle" : limits.totalName;

        TrackedTlsSockets sockets = isHttps(uri) ? tlsSockets() : null;
        HttpURLConnection conn = open(uri, target, sockets, conditional, connectWait, readWait);
        Transfer transfer = new Transfer(sockets);
        ScheduledFuture<?> alarm = sockets == null ? null : arm(transfer, limits.deadline);
        boolean clean = false;
        try {
            int status = statusOf(conn, transfer, target, limits, connectIsOwn, connectWait, headerTimeoutName,
                    readWait);
            if (status == 200) {
                Validators validators = validatorsOf(conn, Validators.NONE);
                readBody(conn, transfer, target, limit, exact, sink, limits);
                clean = true;
                return new Outcome(uri, false, validators, null);
            }
            if (status == 304) {
                if (conditional.isEmpty()) {
                    throw FeedErrors.badStatus(target, status); // not modified since... what? a broken server
                }
                clean = true; // no body: the connection may serve the next request
                return new Outcome(uri, true, validatorsOf(conn, conditional), null);
            }
            if (isRedirect(status)) {
                return new Outcome(uri, false, null, redirectTarget(uri, conn.getHeaderField("Location"), status));
            }
            if (status == 404 || status == 410) {
                throw FeedErrors.notFound(target, relativePath, status);
            }
            throw FeedErrors.badStatus(target, status);
        } finally {
            if (alarm != null) {
                alarm.cancel(false);
            }
            if (clean) {
                release(conn);
            } else {
                abandon(conn, sockets);
            }
        }
    }

    private static boolean isHttps(URI uri) {
        return "https".equalsIgnoreCase(uri.getScheme());
    }

    private HttpURLConnection open(URI uri, FeedErrors.Target target, TrackedTlsSockets sockets,
            Validators conditional, Duration connectWait, Duration readWait) {
        try {
            URL url = uri.toURL();
            HttpURLConnection conn = (HttpURLConnection) url.openConnection(proxyFor(uri));
            if (conn instanceof HttpsURLConnection) {
                if (sockets == null) {
                    throw new IllegalStateException("https connection without TLS sockets: " + uri);
                }
                // the default hostname verifier stays: the JDK then checks the name during the handshake
                ((HttpsURLConnection) conn).setSSLSocketFactory(sockets);
            }
            conn.setInstanceFollowRedirects(false);
            conn.setUseCaches(false);
            conn.setAllowUserInteraction(false);
            conn.setAuthenticator(NO_CREDENTIALS);
            conn.setConnectTimeout(millis(connectWait));
            conn.setReadTimeout(millis(readWait));
            conn.setRequestMethod("GET");
            conn.setRequestProperty("User-Agent", USER_AGENT);
            conn.setRequestProperty("Accept", "*/*");
            // signatures are over the published bytes: ask for them as they are
            conn.setRequestProperty("Accept-Encoding", "identity");
            if (sockets == null) {
                conn.setRequestProperty("Connection", "close");
            }
            if (conditional.etag() != null) {
                conn.setRequestProperty("If-None-Match", conditional.etag());
            }
            if (conditional.lastModified() != null) {
                conn.setRequestProperty("If-Modified-Since", conditional.lastModified());
            }
            return conn;
        } catch (IllegalArgumentException | IOException e) {
            // only reachable through a redirect to a URL, or a cached validator, that cannot be requested
            throw FeedErrors.unreachable(target, "cannot request this URL (" + FeedErrors.describe(e) + ")", e);
        }
    }

    private Proxy proxyFor(URI uri) {
        if (proxies == null) {
            return Proxy.NO_PROXY;
        }
        List<Proxy> chosen = proxies.select(uri);
        Proxy first = chosen == null || chosen.isEmpty() ? null : chosen.get(0);
        // never null: HttpURLConnection would then ask the process-wide ProxySelector
        return first == null || first.type() == Proxy.Type.DIRECT ? Proxy.NO_PROXY : first;
    }

    /** Connects and waits for the status line and headers; maps every failure to a typed error. */
    private int statusOf(HttpURLConnection conn, Transfer transfer, FeedErrors.Target target, Limits limits,
            boolean connectIsOwn, Duration connectWait, String headerTimeoutName, Duration readWait) {
        try {
            conn.connect();
        } catch (SocketTimeoutException e) {
            // a TCP connect that timed out, or (https) a TLS handshake or proxy tunnel the server left unanswered
            UpdateException s = stopped(transfer, target, limits, 0);
            throw s != null ? s : isConnectTimeout(e)
                    ? FeedErrors.timeout(target, connectIsOwn ? "connect" : limits.totalName, connectWait,
                            "could not connect to the server in time")
                    : headerTimeout(target, headerTimeoutName, readWait);
        } catch (IOException | RuntimeException e) {
            UpdateException s = stopped(transfer, target, limits, 0);
            throw s != null ? s : mapTransportFailure(target, e, timeouts.connect(), headerTimeoutName, readWait);
        }
        int status;
        try {
            status = conn.getResponseCode();
        } catch (IOException | RuntimeException e) {
            UpdateException s = stopped(transfer, target, limits, 0);
            throw s != null ? s : mapTransportFailure(target, e, timeouts.connect(), headerTimeoutName, readWait);
        }
        if (status < 0) {
            throw FeedErrors.unreachable(target, "the server's answer is not HTTP", null);
        }
        return status;
    }

    private static boolean isConnectTimeout(SocketTimeoutException e) {
        String m = e.getMessage();
        return m != null && m.toLowerCase(Locale.ROOT).contains("connect timed out");
    }

    private static UpdateException headerTimeout(FeedErrors.Target target, String name, Duration wait) {
        return FeedErrors.timeout(target, name, wait, "no response from the server within " + FeedTimeouts.format(wait));
    }

    /** The deadline's error when the watchdog stopped this transfer or the deadline has passed, else null. */
    private static UpdateException stopped(Transfer transfer, FeedErrors.Target target, Limits limits, long received) {
        if (transfer.fired || System.nanoTime() - limits.deadline >= 0) {
            return FeedErrors.timeout(target, limits.totalName, limits.total,
                    "the transfer did not finish in time (" + received + " bytes received)");
        }
        return null;
    }

    /**
     * Reads a 200 body into {@code sink}: refused on its headers when they announce something else than
     * we may read, else read into one buffer, at most one byte past the cap, and written in writes of up
     * to the buffer's size.
     */
    private void readBody(HttpURLConnection conn, Transfer transfer, FeedErrors.Target target, long limit,
            boolean exact, OutputStream sink, Limits limits) {
        String encoding = conn.getHeaderField("Content-Encoding");
        encoding = encoding == null ? "identity" : encoding.strip();
        if (!encoding.isEmpty() && !encoding.equalsIgnoreCase("identity")) {
            // decoding is not ours to do, and passing the encoded bytes on would look like
            // tampering to the signature check: say what the server did instead
            Map<String, Object> d = target.details();
            d.put("content_encoding", encoding);
            throw new UpdateException(ErrorCode.FEED_UNAVAILABLE, target + ": the server sent the file with"
                    + " Content-Encoding " + FeedPaths.quote(encoding) + " although it was asked for the"
                    + " identity encoding; configure the feed server or CDN not to compress these files", d);
        }
        long contentLength = contentLength(conn);
        if (contentLength > limit) {
            throw FeedErrors.lengthExceeded(target, limit, "the server announced Content-Length " + contentLength);
        }
        if (exact && contentLength >= 0 && contentLength < limit) {
            throw FeedErrors.truncated(target, limit, contentLength, null);
        }
        byte[] buf = exact ? largeBuffer() : new byte[(int) Math.min(SMALL_BUFFER_BYTES, limit + 1)];
        long received = 0;
        InputStream in;
        try {
            in = conn.getInputStream();
        } catch (IOException e) {
            UpdateException s = stopped(transfer, target, limits, 0);
            throw s != null ? s : FeedErrors.connectionLost(target, 0, e);
        }
        boolean eof = false;
        while (!eof) {
            int filled = 0;
            while (filled < buf.length) {
                // never ask for more than one byte past the cap
                int want = (int) Math.min(buf.length - filled, limit - received - filled + 1);
                int n;
                try {
                    n = in.read(buf, filled, want);
                } catch (SocketTimeoutException e) {
                    UpdateException s = stopped(transfer, target, limits, received + filled);
                    throw s != null ? s : FeedErrors.timeout(target, "idle", timeouts.idle(), "no data received for "
                            + FeedTimeouts.format(timeouts.idle()) + " after " + (received + filled) + " bytes");
                } catch (IOException e) {
                    UpdateException s = stopped(transfer, target, limits, received + filled);
                    if (s != null) {
                        throw s;
                    }
                    throw contentLength >= 0 || exact
                            ? FeedErrors.truncated(target, contentLength >= 0 ? contentLength : limit,
                                    received + filled, e)
                            : FeedErrors.connectionLost(target, received + filled, e);
                }
                if (n < 0) {
                    eof = true;
                    break;
                }
                filled += n;
                if (received + filled > limit) {
                    throw FeedErrors.lengthExceeded(target, limit, "the server sent more than " + limit + " bytes"
                            + (contentLength >= 0 ? " although it announced " + contentLength : ""));
                }
                UpdateException s = stopped(transfer, target, limits, received + filled);
                if (s != null) {
                    throw s; // a server that trickles, never idle for long, still ends at the deadline
                }
            }
            if (filled > 0) {
                write(sink, buf, filled, target);
                received += filled;
            }
        }
        long expected = exact ? limit : contentLength;
        if (expected >= 0 && received < expected) {
            // a socket the watchdog closed may read as the end of the stream rather than fail
            UpdateException s = stopped(transfer, target, limits, received);
            throw s != null ? s : FeedErrors.truncated(target, expected, received, null);
        }
        if (transfer.fired && expected < 0) {
            // without a length, an end of stream after the watchdog closed the socket is no end of the body
            throw stopped(transfer, target, limits, received);
        }
    }

    private static void write(OutputStream sink, byte[] buf, int n, FeedErrors.Target target) {
        try {
            sink.write(buf, 0, n);
        } catch (IOException e) {
            throw FeedErrors.localWriteFailure(target, e);
        } catch (RuntimeException e) {
            // the caller's sink is at fault: end the transfer now, and say so
            throw new UpdateException(ErrorCode.INTERNAL,
                    target + ": the download sink failed (" + FeedErrors.describe(e) + ")", target.details(), e);
        }
    }

    private byte[] largeBuffer() {
        if (buffer == null) {
            buffer = new byte[BUFFER_BYTES];
        }
        return buffer;
    }

    /** -1 when absent, unparsable, or the body is chunked (then the cap still applies while reading). */
    private static long contentLength(HttpURLConnection conn) {
        if (conn.getHeaderField("Transfer-Encoding") != null) {
            return -1;
        }
        String value = conn.getHeaderField("Content-Length");
        if (value == null) {
            return -1;
        }
        try {
            long n = Long.parseLong(value.strip());
            return n >= 0 ? n : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** A response that ended cleanly: its connection may go back to the keep-alive cache. */
    private static void release(HttpURLConnection conn) {
        try {
            conn.getInputStream().close();
        } catch (IOException | RuntimeException e) {
            conn.disconnect();
        }
    }

    /**
     * Closes the connection of a response we stop reading, or never read: the socket first (https), so
     * the JDK neither reads the rest of the body nor returns the connection to its keep-alive cache.
     */
    private static void abandon(HttpURLConnection conn, TrackedTlsSockets sockets) {
        if (sockets != null) {
            sockets.abort();
        }
        try {
            conn.disconnect();
        } catch (RuntimeException ignored) {
            // closing anyway
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

    private static Validators validatorsOf(HttpURLConnection conn, Validators fallback) {
        String etag = conn.getHeaderField("ETag");
        String lastModified = conn.getHeaderField("Last-Modified");
        return new Validators(etag != null ? etag : fallback.etag(),
                lastModified != null ? lastModified : fallback.lastModified());
    }

    /** Maps a failure before the body (connect, TLS, proxy tunnel, headers) to FEED_UNAVAILABLE. */
    static UpdateException mapTransportFailure(FeedErrors.Target target, Throwable t, Duration connectTimeout,
            String headerTimeoutName, Duration headerWait) {
        if (t instanceof SocketTimeoutException) {
            if (isConnectTimeout((SocketTimeoutException) t)) {
                return FeedErrors.timeout(target, "connect", connectTimeout, "could not connect to the server in time");
            }
            return headerTimeout(target, headerTimeoutName, headerWait);
        }
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof UnknownHostException) {
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

    /** What the watchdog may stop: the TLS sockets of the transfer in progress. */
    private static final class Transfer {
        final TrackedTlsSockets sockets;
        volatile boolean fired;

        Transfer(TrackedTlsSockets sockets) {
            this.sockets = sockets;
        }

        void stop() {
            fired = true;
            sockets.abort();
        }
    }

    /** Schedules the closing of {@code transfer}'s sockets at {@code deadline}; null if the client is closed. */
    private ScheduledFuture<?> arm(Transfer transfer, long deadline) {
        ScheduledThreadPoolExecutor w;
        synchronized (lifecycle) {
            if (closed) {
                return null;
            }
            if (watchdog == null) {
                watchdog = new ScheduledThreadPoolExecutor(1, r -> {
                    Thread t = new Thread(r, threadName);
                    t.setDaemon(true);
                    return t;
                });
                watchdog.setRemoveOnCancelPolicy(true);
                watchdog.setKeepAliveTime(5, TimeUnit.SECONDS);
                watchdog.allowCoreThreadTimeOut(true);
            }
            w = watchdog;
        }
        transfer.sockets.beginRequest();
        try {
            return w.schedule(transfer::stop, Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            return null; // closed meanwhile: close() has closed the sockets
        }
    }

    private TrackedTlsSockets tlsSockets() {
        synchronized (lifecycle) {
            ensureOpen();
            if (tls == null) {
                SSLSocketFactory base = tlsContext != null ? tlsContext.getSocketFactory()
                        : (SSLSocketFactory) SSLSocketFactory.getDefault();
                tls = new TrackedTlsSockets(base);
            }
            return tls;
        }
    }

    private static int millis(Duration d) {
        // rounded up and at least 1: 0 would mean "no timeout"
        long ms = Math.max(1, (d.toNanos() + 999_999) / 1_000_000);
        return (int) Math.min(Integer.MAX_VALUE, ms);
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("this feed client is closed");
        }
    }

    @Override
    public void close() {
        ScheduledThreadPoolExecutor w;
        TrackedTlsSockets sockets;
        synchronized (lifecycle) {
            closed = true;
            w = watchdog;
            sockets = tls;
        }
        if (w != null) {
            w.shutdownNow();
        }
        if (sockets != null) {
            sockets.close(); // idle keep-alive connections too
        }
    }

    /** Waits until the client's own threads have ended after {@link #close()} (for tests). */
    boolean awaitTermination(Duration timeout) throws InterruptedException {
        ScheduledThreadPoolExecutor w;
        synchronized (lifecycle) {
            w = watchdog;
        }
        return w == null || w.awaitTermination(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public String toString() {
        return "HttpFeedClient[" + location + "]";
    }
}
