package com.cmdop.update.release.feed;


import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A misbehaving static feed server for tests, on 127.0.0.1 and an ephemeral port.
 *
 * <p>It serves the files of a directory over HTTP/1.1 (one request per connection, then
 * {@code Connection: close}), with an {@code ETag} (a hash of the content) and a
 * {@code Last-Modified} (the file's mtime), and answers {@code If-None-Match} /
 * {@code If-Modified-Since} with 304. Per feed-relative path you can switch on a {@link Fault}:
 * an error status, a slow, truncated, endless or oversized body, a server that accepts and never
 * answers, wrong bytes, a redirect, or any raw bytes. It records every request (method, target,
 * headers) and, per request, how many body bytes it managed to send and whether the client closed
 * the connection first, so tests can prove a client stopped reading at its cap.
 *
 * <p>It is written on a raw {@link ServerSocket} because {@code com.sun.net.httpserver} cannot lie
 * about Content-Length, never answer, or send bytes one at a time with a small send buffer. Accepted
 * sockets get a small send buffer ({@value #SEND_BUFFER} bytes) so "bytes sent" is close to "bytes the
 * client read".
 *
 * <p>Lifecycle: use try-with-resources. {@link #close()} closes every connection and waits a bounded
 * time for its daemon threads; a server that is never closed stops itself after its maximum lifetime
 * (default {@link #DEFAULT_MAX_LIFETIME}). Nothing here sleeps to poll: waits are on latches and
 * futures with timeouts.
 *
 * <pre>{@code
 * try (FaultyFeedServer server = FaultyFeedServer.serving(feedDir)) {
 *     server.fault("channels/stable.json", Fault.endless());
 *     FeedLocation feed = FeedLocation.parse(server.baseUri().toString());
 *     ...
 *     RecordedRequest r = server.awaitRequest(0, Duration.ofSeconds(5)).awaitDone(Duration.ofSeconds(5));
 *     assertThat(r.clientClosedEarly()).isTrue();
 * }
 * }</pre>
 */
public final class FaultyFeedServer implements AutoCloseable {
    public static final Duration DEFAULT_MAX_LIFETIME = Duration.ofSeconds(120);
    static final int SEND_BUFFER = 16 * 1024;
    private static final int MAX_HEAD = 32 * 1024;
    private static final int CHUNK = 8 * 1024;
    private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.RFC_1123_DATE_TIME;
    private static final AtomicInteger SERVERS = new AtomicInteger();

    /** What to do instead of (or in addition to) serving the file. Create with the static factories. */
    public static final class Fault {
        enum Kind { STATUS, SLOW, TRUNCATED, ENDLESS, OVERSIZED, NEVER_ANSWER, BYTES, REDIRECT, RAW }

        final Kind kind;
        final int status;
        final Duration interval;
        final long length;
        final boolean announceLength;
        final byte[] bytes;
        final String location;

        private Fault(Kind kind, int status, Duration interval, long length, boolean announceLength, byte[] bytes,
                String location) {
            this.kind = kind;
            this.status = status;
            this.interval = interval;
            this.length = length;
            this.announceLength = announceLength;
            this.bytes = bytes;
            this.location = location;
        }

        /** Answers this status with a short text body. */
        public static Fault status(int status) {
            return new Fault(Kind.STATUS, status, null, 0, true, null, null);
        }

        public static Fault notFound() {
            return status(404);
        }

        public static Fault serverError() {
            return status(500);
        }

        /** 200 with the file's true Content-Length, then the body one byte every {@code interval}. */
        public static Fault slow(Duration interval) {
            return new Fault(Kind.SLOW, 200, interval, 0, true, null, null);
        }

        /** Announces the file's full length, sends only its first half, then closes the connection. */
        public static Fault truncated() {
            return new Fault(Kind.TRUNCATED, 200, null, -1, true, null, null);
        }

        /** Announces the file's full length, sends only {@code bytesSent} bytes, then closes. */
        public static Fault truncated(long bytesSent) {
            return new Fault(Kind.TRUNCATED, 200, null, bytesSent, true, null, null);
        }

        /** 200, chunked, a body that never ends (until the client closes or the server stops). */
        public static Fault endless() {
            return endless(200);
        }

        /** An endless chunked body under any status: a client must not read an error page forever. */
        public static Fault endless(int status) {
            return new Fault(Kind.ENDLESS, status, null, Long.MAX_VALUE, false, null, null);
        }

        /** 200 with a 10 MiB body and no Content-Length (chunked): the client must stop at its cap. */
        public static Fault oversized() {
            return oversized(10L * 1024 * 1024, false);
        }

        /** 200 with a body of {@code length} bytes, announced in Content-Length or sent chunked. */
        public static Fault oversized(long length, boolean announceLength) {
            return new Fault(Kind.OVERSIZED, 200, null, length, announceLength, null, null);
        }

        /** Reads the request, then sends nothing until the client closes or the server stops. */
        public static Fault neverAnswer() {
            return new Fault(Kind.NEVER_ANSWER, 0, null, 0, false, null, null);
        }

        /** 200 with these bytes (and a matching Content-Length) instead of the file's. */
        public static Fault wrongBytes(byte[] bytes) {
            return new Fault(Kind.BYTES, 200, null, bytes.length, true, bytes.clone(), null);
        }

        /** A redirect ({@code 301/302/303/307/308}) to {@code location}, sent verbatim. */
        public static Fault redirect(int status, String location) {
            return new Fault(Kind.REDIRECT, status, null, 0, true, null, location);
        }

        /** Exactly these bytes as the whole response (status line, headers, body), then close. */
        public static Fault raw(byte[] response) {
            return new Fault(Kind.RAW, 0, null, response.length, false, response.clone(), null);
        }

        @Override
        public String toString() {
            return kind + (status > 0 ? " " + status : "");
        }
    }

    /** One request as the server saw it, and what became of its response. */
    public static final class RecordedRequest {
        private final String method;
        private final String target;
        private final String path;
        private final Map<String, List<String>> headers;
        private final CompletableFuture<Void> done = new CompletableFuture<>();
        private volatile long bytesSent;
        private volatile boolean clientClosedEarly;

        RecordedRequest(String method, String target, String path, Map<String, List<String>> headers) {
            this.method = method;
            this.target = target;
            this.path = path;
            this.headers = headers;
        }

        public String method() {
            return method;
        }

        /** The request target exactly as sent (still percent-encoded), e.g. {@code /releases/v1%2B2/x}. */
        public String target() {
            return target;
        }

        /** The decoded feed-relative path (no leading '/'), or the authority of a CONNECT. */
        public String path() {
            return path;
        }

        /** The first value of a header (case-insensitive), or null. */
        public String header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null || values.isEmpty() ? null : values.get(0);
        }

        public Map<String, List<String>> headers() {
            return headers;
        }

        /** Body bytes the server wrote successfully (bounded by what the client and buffers accepted). */
        public long bytesSent() {
            return bytesSent;
        }

        /** Whether the client closed the connection before the server finished (or gave up on) its response. */
        public boolean clientClosedEarly() {
            return clientClosedEarly;
        }

        public boolean isDone() {
            return done.isDone();
        }

        /** Waits until the server is finished with this request's connection. */
        public RecordedRequest awaitDone(Duration timeout) {
            try {
                done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                return this;
            } catch (TimeoutException e) {
                throw new AssertionError("the server was still busy with " + this + " after " + timeout);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public String toString() {
            return method + " " + target;
        }
    }

    private final Path root;
    private final ServerSocket serverSocket;
    private final Map<String, Fault> faults = new ConcurrentHashMap<>();
    private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final AtomicInteger connections = new AtomicInteger();
    private final Object requestsChanged = new Object();
    private final String name;

    private FaultyFeedServer(Path root, Duration maxLifetime) throws IOException {
        this.root = root.toAbsolutePath().normalize();
        this.name = "faulty-feed-" + SERVERS.incrementAndGet();
        this.serverSocket = new ServerSocket();
        serverSocket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        start(name + "-accept", this::acceptLoop);
        start(name + "-lifetime", () -> {
            try {
                if (!stopped.await(maxLifetime.toMillis(), TimeUnit.MILLISECONDS)) {
                    close();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    /** Starts a server for the files under {@code root}. */
    public static FaultyFeedServer serving(Path root) {
        return serving(root, DEFAULT_MAX_LIFETIME);
    }

    /** Starts a server that stops itself after {@code maxLifetime} if not closed before. */
    public static FaultyFeedServer serving(Path root, Duration maxLifetime) {
        try {
            return new FaultyFeedServer(root, maxLifetime);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code http://127.0.0.1:<port>/}: usable as an {@code update.feed} value. */
    public URI baseUri() {
        return URI.create("http://127.0.0.1:" + port() + "/");
    }

    public int port() {
        return serverSocket.getLocalPort();
    }

    /** Switches on a fault for one feed-relative path (e.g. {@code channels/stable.json}). */
    public FaultyFeedServer fault(String relativePath, Fault fault) {
        faults.put(relativePath, Objects.requireNonNull(fault));
        return this;
    }

    public FaultyFeedServer clearFault(String relativePath) {
        faults.remove(relativePath);
        return this;
    }

    public FaultyFeedServer clearFaults() {
        faults.clear();
        return this;
    }

    /** The requests recorded so far, in arrival order. */
    public List<RecordedRequest> requests() {
        return List.copyOf(requests);
    }

    /** Waits until request number {@code index} (0-based) has arrived. */
    public RecordedRequest awaitRequest(int index, Duration timeout) {
        long end = System.nanoTime() + timeout.toNanos();
        synchronized (requestsChanged) {
            while (requests.size() <= index) {
                long left = end - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("request #" + index + " did not arrive within " + timeout
                            + "; got " + requests);
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(requestsChanged, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
            return requests.get(index);
        }
    }

    /** Connections accepted so far (including ones that never sent a complete request). */
    public int connectionsAccepted() {
        return connections.get();
    }

    /** Stops accepting, closes every connection, waits (bounded) for the server's threads. Idempotent. */
    @Override
    public void close() {
        stopped.countDown();
        try {
            serverSocket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        for (Socket s : open) {
            closeQuietly(s);
        }
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        for (Thread t : threads) {
            if (t == Thread.currentThread()) {
                continue;
            }
            long left = end - System.nanoTime();
            if (left <= 0) {
                break;
            }
            try {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private boolean isStopped() {
        return stopped.getCount() == 0;
    }

    private void start(String threadName, Runnable body) {
        Thread t = new Thread(body, threadName);
        t.setDaemon(true);
        threads.add(t);
        t.start();
    }

    private void acceptLoop() {
        while (!isStopped()) {
            Socket socket;
            try {
                socket = serverSocket.accept();
            } catch (IOException e) {
                return; // closed
            }
            connections.incrementAndGet();
            open.add(socket);
            if (isStopped()) {
                closeQuietly(socket);
                return;
            }
            start(name + "-conn-" + connections.get(), () -> handle(socket));
        }
    }

    private void handle(Socket socket) {
        RecordedRequest request = null;
        try (socket) {
            socket.setSendBufferSize(SEND_BUFFER);
            socket.setTcpNoDelay(true);
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            request = readRequest(in);
            if (request == null) {
                return;
            }
            requests.add(request);
            synchronized (requestsChanged) {
                requestsChanged.notifyAll();
            }
            respond(request, socket, in, out);
            out.flush();
        } catch (IOException e) {
            if (request != null && !isStopped()) {
                request.clientClosedEarly = true;
            }
        } finally {
            open.remove(socket);
            if (request != null) {
                request.done.complete(null);
            }
        }
    }

    private RecordedRequest readRequest(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                return null;
            }
            head.write(b);
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
            if (head.size() > MAX_HEAD) {
                return null;
            }
        }
        String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
        String[] requestLine = lines[0].split(" ");
        if (requestLine.length != 3) {
            return null;
        }
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.computeIfAbsent(lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT),
                        k -> new ArrayList<>()).add(lines[i].substring(colon + 1).strip());
            }
        }
        String target = requestLine[1];
        String path;
        if (requestLine[0].equals("CONNECT")) {
            path = target;
        } else {
            String p = URI.create(target).getRawPath();
            path = URLDecoder.decode(p.replace("+", "%2B"), StandardCharsets.UTF_8);
            path = path.startsWith("/") ? path.substring(1) : path;
        }
        return new RecordedRequest(requestLine[0], target, path, headers);
    }

    private void respond(RecordedRequest request, Socket socket, InputStream in, OutputStream out) throws IOException {
        Fault fault = faults.get(request.path());
        if (fault == null) {
            serveFile(request, out);
            return;
        }
        switch (fault.kind) {
            case STATUS:
                sendStatus(out, fault.status, fault.status + " from " + name + "\n");
                break;
            case REDIRECT:
                writeHead(out, fault.status, Map.of("Location", fault.location, "Content-Length", "0"));
                break;
            case NEVER_ANSWER:
                // drain until the client gives up (read returns -1 or fails) or the server stops
                while (!isStopped() && in.read() >= 0) {
                    // the request has no body; anything more is ignored
                }
                if (!isStopped()) {
                    request.clientClosedEarly = true;
                }
                break;
            case RAW:
                out.write(fault.bytes);
                request.bytesSent = fault.bytes.length;
                break;
            case BYTES:
                writeHead(out, 200, Map.of("Content-Length", String.valueOf(fault.bytes.length),
                        "ETag", etag(fault.bytes)));
                writeCounted(request, out, fault.bytes, fault.bytes.length);
                break;
            case SLOW:
            case TRUNCATED: {
                byte[] content = readFile(request.path());
                if (content == null) {
                    sendStatus(out, 404, "not found\n");
                    return;
                }
                writeHead(out, 200, Map.of("Content-Length", String.valueOf(content.length)));
                if (fault.kind == Fault.Kind.TRUNCATED) {
                    long n = fault.length < 0 ? content.length / 2 : Math.min(fault.length, content.length);
                    writeCounted(request, out, content, (int) n);
                } else {
                    for (byte b : content) {
                        if (!awaitInterval(socket, in, fault.interval)) {
                            request.clientClosedEarly = !isStopped();
                            return;
                        }
                        out.write(b);
                        out.flush();
                        request.bytesSent++;
                    }
                }
                break;
            }
            case ENDLESS:
            case OVERSIZED:
                if (fault.announceLength) {
                    writeHead(out, fault.status, Map.of("Content-Length", String.valueOf(fault.length)));
                    writeFiller(request, out, fault.length, false);
                } else {
                    writeHead(out, fault.status, Map.of("Transfer-Encoding", "chunked"));
                    writeFiller(request, out, fault.length, true);
                }
                break;
            default:
                throw new IllegalStateException("unknown fault " + fault);
        }
    }

    private void serveFile(RecordedRequest request, OutputStream out) throws IOException {
        byte[] content = request.method().equals("GET") ? readFile(request.path()) : null;
        if (content == null) {
            sendStatus(out, 404, "not found\n");
            return;
        }
        Path file = root.resolve(request.path());
        String etag = etag(content);
        Instant modified = Files.getLastModifiedTime(file).toInstant().truncatedTo(ChronoUnit.SECONDS);
        String lastModified = HTTP_DATE.format(ZonedDateTime.ofInstant(modified, ZoneOffset.UTC));
        if (notModified(request, etag, modified)) {
            writeHead(out, 304, Map.of("ETag", etag, "Last-Modified", lastModified));
            return;
        }
        writeHead(out, 200, Map.of("Content-Length", String.valueOf(content.length), "ETag", etag,
                "Last-Modified", lastModified));
        writeCounted(request, out, content, content.length);
    }

    private static boolean notModified(RecordedRequest request, String etag, Instant modified) {
        String inm = request.header("If-None-Match");
        if (inm != null) {
            return Arrays.stream(inm.split(",")).map(String::strip).anyMatch(t -> t.equals(etag) || t.equals("*"));
        }
        String ims = request.header("If-Modified-Since");
        if (ims != null) {
            try {
                return !modified.isAfter(ZonedDateTime.parse(ims, HTTP_DATE).toInstant());
            } catch (DateTimeParseException e) {
                return false;
            }
        }
        return false;
    }

    /** The file under root, or null when it is missing, not a regular file, or outside root. */
    private byte[] readFile(String relativePath) throws IOException {
        Path file = root.resolve(relativePath).normalize();
        if (!file.startsWith(root) || !Files.isRegularFile(file)) {
            return null;
        }
        return Files.readAllBytes(file);
    }

    private void sendStatus(OutputStream out, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        writeHead(out, status, Map.of("Content-Length", String.valueOf(bytes.length), "Content-Type", "text/plain"));
        out.write(bytes);
    }

    private static void writeHead(OutputStream out, int status, Map<String, String> headers) throws IOException {
        StringBuilder head = new StringBuilder("HTTP/1.1 ").append(status).append(' ').append(reason(status)).append("\r\n");
        headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
        head.append("Connection: close\r\n\r\n");
        out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    private void writeCounted(RecordedRequest request, OutputStream out, byte[] content, int length) throws IOException {
        for (int off = 0; off < length; off += CHUNK) {
            int n = Math.min(CHUNK, length - off);
            out.write(content, off, n);
            request.bytesSent += n;
        }
    }

    /** Writes {@code length} filler bytes (Long.MAX_VALUE: until stopped), chunked or not. */
    private void writeFiller(RecordedRequest request, OutputStream out, long length, boolean chunked) throws IOException {
        byte[] filler = new byte[CHUNK];
        Arrays.fill(filler, (byte) 'x');
        byte[] chunkHead = (Integer.toHexString(CHUNK) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] crlf = {'\r', '\n'};
        long left = length;
        while (left > 0 && !isStopped()) {
            int n = (int) Math.min(CHUNK, left);
            if (chunked) {
                out.write(n == CHUNK ? chunkHead : (Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            }
            out.write(filler, 0, n);
            if (chunked) {
                out.write(crlf);
            }
            request.bytesSent += n;
            if (length != Long.MAX_VALUE) {
                left -= n;
            }
        }
        if (chunked && left == 0) {
            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        }
    }

    /**
     * Waits {@code interval} by reading from the client with that read timeout: the wait ends early,
     * returning false, when the client closes the connection (or the server stops and closes it), so
     * a slow response notices at once that nobody listens any more.
     */
    private boolean awaitInterval(Socket socket, InputStream in, Duration interval) throws IOException {
        socket.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, interval.toMillis())));
        try {
            return in.read() >= 0 && !isStopped(); // a request has no body: any byte is ignored
        } catch (SocketTimeoutException e) {
            return !isStopped();
        } finally {
            socket.setSoTimeout(0);
        }
    }

    static String etag(byte[] content) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(content);
            return "\"" + HexFormat.of().formatHex(digest, 0, 8) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String reason(int status) {
        switch (status) {
            case 200: return "OK";
            case 301: return "Moved Permanently";
            case 302: return "Found";
            case 303: return "See Other";
            case 304: return "Not Modified";
            case 307: return "Temporary Redirect";
            case 308: return "Permanent Redirect";
            case 403: return "Forbidden";
            case 404: return "Not Found";
            case 500: return "Internal Server Error";
            case 502: return "Bad Gateway";
            case 503: return "Service Unavailable";
            default: return "Status";
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    @Override
    public String toString() {
        return name + " " + baseUri() + " serving " + root;
    }
}
