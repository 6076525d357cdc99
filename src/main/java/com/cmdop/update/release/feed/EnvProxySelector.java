package com.cmdop.update.release.feed;


import com.cmdop.update.model.error.ErrorCode;
import com.cmdop.update.model.error.InvalidInputException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A {@link ProxySelector} built from the proxy environment variables, the way fleet operators set
 * them for curl and most tools.
 *
 * <ul>
 *   <li>{@code https_proxy} / {@code HTTPS_PROXY} (lower case wins, as in curl): the proxy for
 *       https:// feeds, written {@code http://host:port}, {@code host:port} or {@code http://host}
 *       (port 80). Only plain-http proxies (CONNECT tunnels) are supported, which is what the JDK
 *       client can speak; {@code https://} or {@code socks5://} proxies and credentials in the URL are
 *       refused with INVALID_CONFIG rather than silently ignored.</li>
 *   <li>{@code http_proxy} / {@code HTTP_PROXY} are never used: plain http is only allowed to
 *       loopback feeds, and loopback never goes through a proxy.</li>
 *   <li>{@code no_proxy} / {@code NO_PROXY}: comma (or space) separated; {@code *} disables the
 *       proxy; {@code example.com} and {@code .example.com} match that domain and its subdomains;
 *       an IP literal matches itself, {@code 10.0.0.0/8} style CIDR blocks match addresses in them;
 *       an entry with {@code :port} matches only that port.</li>
 * </ul>
 * Matching is on the URL's host text only: no DNS lookups.
 */
public final class EnvProxySelector extends ProxySelector {
    private static final List<Proxy> DIRECT = List.of(Proxy.NO_PROXY);

    private final InetSocketAddress httpsProxy; // null: direct
    private final String httpsProxySource; // the variable it came from, for messages
    private final List<NoProxyRule> noProxy;

    private EnvProxySelector(InetSocketAddress httpsProxy, String source, List<NoProxyRule> noProxy) {
        this.httpsProxy = httpsProxy;
        this.httpsProxySource = source;
        this.noProxy = noProxy;
    }

    /**
     * Reads the proxy settings from {@code env} (normally {@code System.getenv()}).
     *
     * @throws InvalidInputException INVALID_CONFIG when HTTPS_PROXY is set but unusable
     */
    public static EnvProxySelector fromEnvironment(Map<String, String> env) {
        String source = null;
        String value = null;
        for (String name : List.of("https_proxy", "HTTPS_PROXY")) {
            String v = env.get(name);
            if (v != null && !v.isBlank()) {
                source = name;
                value = v.strip();
                break;
            }
        }
        InetSocketAddress proxy = value == null ? null : parseProxy(source, value);
        String noProxyValue = env.get("no_proxy");
        if (noProxyValue == null) {
            noProxyValue = env.get("NO_PROXY");
        }
        return new EnvProxySelector(proxy, source, parseNoProxy(noProxyValue));
    }

    /**
     * The proxy of {@code update.proxy} when it is set (it wins over HTTPS_PROXY), else the environment's;
     * NO_PROXY applies either way.
     *
     * @param configured the setting's value ({@code http://HOST:PORT}, already checked), or null
     */
    public static EnvProxySelector of(String configured, Map<String, String> env) {
        if (configured == null) {
            return fromEnvironment(env);
        }
        String noProxyValue = env.get("no_proxy");
        if (noProxyValue == null) {
            noProxyValue = env.get("NO_PROXY");
        }
        return new EnvProxySelector(parseProxy("update.proxy", configured), "update.proxy", parseNoProxy(noProxyValue));
    }

    /** The proxy for {@code uri}, or empty when it is reached directly. */
    public Optional<InetSocketAddress> proxyFor(URI uri) {
        if (httpsProxy == null || uri == null || !"https".equalsIgnoreCase(uri.getScheme())) {
            return Optional.empty();
        }
        String host = normalizeHost(uri.getHost());
        if (host == null || Loopback.isLoopbackHost(host)) {
            return Optional.empty();
        }
        int port = uri.getPort() < 0 ? 443 : uri.getPort();
        for (NoProxyRule rule : noProxy) {
            if (rule.matches(host, port)) {
                return Optional.empty();
            }
        }
        return Optional.of(httpsProxy);
    }

    @Override
    public List<Proxy> select(URI uri) {
        if (uri == null) {
            throw new IllegalArgumentException("uri is null");
        }
        return proxyFor(uri).map(a -> List.of(new Proxy(Proxy.Type.HTTP, a))).orElse(DIRECT);
    }

    @Override
    public void connectFailed(URI uri, SocketAddress sa, IOException ioe) {
        // there is a single proxy; the failure is reported by the request itself
    }

    @Override
    public String toString() {
        return httpsProxy == null ? "direct" : httpsProxySource + "=" + httpsProxy.getHostString() + ":"
                + httpsProxy.getPort() + " (no_proxy: " + noProxy.size() + " rules)";
    }

    private static InetSocketAddress parseProxy(String name, String value) {
        String v = value.contains("://") ? value : "http://" + value;
        URI uri;
        try {
            uri = new URI(v);
        } catch (URISyntaxException e) {
            throw invalid(name, value, "is not a valid proxy URL (" + e.getReason() + ")");
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http")) {
            throw invalid(name, value, "uses a " + scheme + ":// proxy; only http:// proxies (CONNECT) are supported");
        }
        if (uri.getRawUserInfo() != null) {
            throw invalid(name, value, "contains credentials; proxy authentication is not supported,"
                    + " use a proxy that admits this machine without a password");
        }
        String host = normalizeHost(uri.getHost());
        if (host == null) {
            throw invalid(name, value, "has no host; write it as http://proxy.example.com:3128");
        }
        String path = uri.getRawPath();
        if ((path != null && !path.isEmpty() && !path.equals("/")) || uri.getRawQuery() != null) {
            throw invalid(name, value, "has a path or query; write it as http://proxy.example.com:3128");
        }
        int port = uri.getPort() < 0 ? 80 : uri.getPort();
        // unresolved: the proxy name is resolved when connecting, not when the environment is read
        return InetSocketAddress.createUnresolved(host, port);
    }

    private static InvalidInputException invalid(String name, String value, String problem) {
        return new InvalidInputException(ErrorCode.INVALID_CONFIG,
                "environment variable " + name + "='" + redact(value) + "' " + problem
                        + " (or unset it, or add the feed host to NO_PROXY)",
                Map.of("field", name));
    }

    /** The value with any {@code user:password@} replaced by {@code ***@}: messages end up in logs. */
    static String redact(String value) {
        int at = value.lastIndexOf('@');
        if (at < 0) {
            return value;
        }
        int start = value.indexOf("://");
        start = start < 0 ? 0 : start + 3;
        return at < start ? value : value.substring(0, start) + "***" + value.substring(at);
    }

    static List<NoProxyRule> parseNoProxy(String value) {
        List<NoProxyRule> rules = new ArrayList<>();
        if (value == null) {
            return rules;
        }
        for (String raw : value.split("[,\\s]+")) {
            String entry = raw.strip().toLowerCase(Locale.ROOT);
            if (!entry.isEmpty()) {
                NoProxyRule rule = NoProxyRule.parse(entry);
                if (rule != null) {
                    rules.add(rule);
                }
            }
        }
        return List.copyOf(rules);
    }

    /** Lower case, brackets and one trailing dot removed; null when empty. */
    static String normalizeHost(String host) {
        if (host == null || host.isEmpty()) {
            return null;
        }
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        return h.isEmpty() ? null : h;
    }

    /** One NO_PROXY entry. */
    static final class NoProxyRule {
        private final boolean all;
        private final String domain; // suffix match on a label boundary
        private final byte[] network; // IP or CIDR
        private final int prefixBits;
        private final int port; // -1: any

        private NoProxyRule(boolean all, String domain, byte[] network, int prefixBits, int port) {
            this.all = all;
            this.domain = domain;
            this.network = network;
            this.prefixBits = prefixBits;
            this.port = port;
        }

        /** Returns null for an entry that can never match (it is ignored, like curl does). */
        static NoProxyRule parse(String entry) {
            if (entry.equals("*")) {
                return new NoProxyRule(true, null, null, 0, -1);
            }
            String e = entry;
            int port = -1;
            // host:port or [v6]:port; a bare IPv6 address has several colons and no port
            if (e.startsWith("[")) {
                int close = e.indexOf(']');
                if (close < 0) {
                    return null;
                }
                String rest = e.substring(close + 1);
                if (rest.startsWith(":")) {
                    port = parsePort(rest.substring(1));
                    if (port < 0) {
                        return null;
                    }
                }
                e = e.substring(1, close);
            } else if (e.indexOf(':') >= 0 && e.indexOf(':') == e.lastIndexOf(':')) {
                int colon = e.indexOf(':');
                port = parsePort(e.substring(colon + 1));
                if (port < 0) {
                    return null;
                }
                e = e.substring(0, colon);
            }
            int slash = e.indexOf('/');
            String addressPart = slash < 0 ? e : e.substring(0, slash);
            byte[] address = parseAddress(addressPart);
            if (address != null) {
                int bits = address.length * 8;
                if (slash >= 0) {
                    try {
                        bits = Integer.parseInt(e.substring(slash + 1));
                    } catch (NumberFormatException ex) {
                        return null;
                    }
                    if (bits < 0 || bits > address.length * 8) {
                        return null;
                    }
                }
                return new NoProxyRule(false, null, address, bits, port);
            }
            if (slash >= 0) {
                return null;
            }
            String domain = e.startsWith("*.") ? e.substring(2) : e.startsWith(".") ? e.substring(1) : e;
            if (domain.endsWith(".")) {
                domain = domain.substring(0, domain.length() - 1);
            }
            return domain.isEmpty() ? null : new NoProxyRule(false, domain, null, 0, port);
        }

        boolean matches(String host, int hostPort) {
            if (all) {
                return true;
            }
            if (port >= 0 && port != hostPort) {
                return false;
            }
            if (domain != null) {
                return host.equals(domain) || host.endsWith("." + domain);
            }
            byte[] address = parseAddress(host);
            if (address == null || address.length != network.length) {
                return false;
            }
            int fullBytes = prefixBits / 8;
            for (int i = 0; i < fullBytes; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefixBits % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (address[fullBytes] & mask) == (network[fullBytes] & mask);
        }

        private static int parsePort(String text) {
            try {
                int p = Integer.parseInt(text);
                return p >= 0 && p <= 65535 ? p : -1;
            } catch (NumberFormatException e) {
                return -1;
            }
        }

        private static byte[] parseAddress(String text) {
            int[] v4 = Loopback.parseIpv4(text);
            if (v4 != null) {
                return new byte[] {(byte) v4[0], (byte) v4[1], (byte) v4[2], (byte) v4[3]};
            }
            return Loopback.parseIpv6(text);
        }
    }
}
