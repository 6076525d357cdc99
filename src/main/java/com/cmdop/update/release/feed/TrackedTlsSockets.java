package com.cmdop.update.release.feed;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLSocketFactory;

/**
 * The TLS socket factory of one {@link HttpFeedClient}: the JDK default (or a test context) underneath,
 * with three things added that {@code HttpsURLConnection} does not offer.
 *
 * <ul>
 *   <li><b>Abort.</b> It remembers every socket it made (and the plain socket under a tunnel through a
 *       proxy), so the client's watchdog can close them: in JDK 17 {@code HttpURLConnection.disconnect()}
 *       from another thread waits until a blocked body read returns, i.e. until the read timeout (the
 *       idle timeout) fires; closing the socket ends that read at once. {@link #close()} closes them all,
 *       idle keep-alive connections included.</li>
 *   <li><b>No silent re-send.</b> {@code HttpURLConnection} re-sends a GET on a new connection when the
 *       first one fails before the status line. At most one new connection per request is allowed here
 *       ({@link #beginRequest()}): a request that reused an idle keep-alive connection the server had
 *       already closed still gets its one fresh connection; a fresh connection that fails is not retried.</li>
 *   <li><b>No direct fallback.</b> When layering TLS over a proxy tunnel fails, {@code HttpsClient} tries
 *       a direct connection to the host "as a last resort", around the proxy. The connecting
 *       {@code createSocket(host, port...)} methods are refused, so that never happens.</li>
 * </ul>
 *
 * <p>Connections are pooled by the JDK per socket factory, so an instance of this class, one per client,
 * also keeps one client's keep-alive connections from being used by another.
 */
final class TrackedTlsSockets extends SSLSocketFactory {
    private final SSLSocketFactory delegate;
    // guarded by this
    private final List<Socket> sockets = new ArrayList<>();
    private int createdThisRequest;
    private boolean refusing;

    TrackedTlsSockets(SSLSocketFactory delegate) {
        this.delegate = delegate;
    }

    /** A new request: forgets closed sockets and allows one new connection again. */
    synchronized void beginRequest() {
        sockets.removeIf(Socket::isClosed);
        createdThisRequest = 0;
        refusing = false;
    }

    /** Closes every open socket of this client and refuses new ones until the next request. */
    void abort() {
        List<Socket> open;
        synchronized (this) {
            refusing = true;
            open = new ArrayList<>(sockets);
            sockets.clear();
        }
        for (Socket s : open) {
            try {
                s.close();
            } catch (IOException | RuntimeException ignored) {
                // closing anyway
            }
        }
    }

    /** Closes every socket, idle keep-alive ones included, and refuses new ones for good. */
    void close() {
        abort();
    }

    private synchronized void admit() throws SocketException {
        if (refusing) {
            throw new SocketException("the request was stopped");
        }
        if (++createdThisRequest > 1) {
            throw new SocketException("the connection failed before the server answered; not re-sending the"
                    + " request on another connection");
        }
    }

    private synchronized <S extends Socket> S track(S s) {
        sockets.add(s);
        return s;
    }

    @Override
    public Socket createSocket() throws IOException {
        admit();
        return track(delegate.createSocket());
    }

    @Override
    public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
        admit();
        track(s); // the plain socket of a proxy tunnel: closing it ends a read at once
        return track(delegate.createSocket(s, host, port, autoClose));
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        throw new SocketException("direct TLS connections outside the configured route are not made");
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        throw new SocketException("direct TLS connections outside the configured route are not made");
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        throw new SocketException("direct TLS connections outside the configured route are not made");
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        throw new SocketException("direct TLS connections outside the configured route are not made");
    }

    @Override
    public String[] getDefaultCipherSuites() {
        return delegate.getDefaultCipherSuites();
    }

    @Override
    public String[] getSupportedCipherSuites() {
        return delegate.getSupportedCipherSuites();
    }
}
