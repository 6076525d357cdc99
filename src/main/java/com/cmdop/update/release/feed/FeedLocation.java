package com.cmdop.update.release.feed;


import com.cmdop.update.model.error.ErrorCode;
import com.cmdop.update.model.error.IntegrityException;
import com.cmdop.update.model.error.InvalidInputException;
import com.cmdop.update.model.error.UpdateException;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Where a feed lives: the parsed value of {@code update.feed}.
 *
 * <p>Accepted forms:
 * <ul>
 *   <li>{@code https://host[:port]/path}: a remote feed;</li>
 *   <li>{@code http://...} only when the host is loopback (127.0.0.0/8, ::1, localhost): plain http
 *       to anything else is refused at parse time, because the transport must not be the weak link
 *       even if signatures would catch tampering (a downgrade would still leak what we fetch);</li>
 *   <li>{@code file:///path} (or {@code file://localhost/path});</li>
 *   <li>a directory path, absolute or relative, used as given and never re-rooted under {@code --root}.</li>
 * </ul>
 * Parsing touches neither the file system nor the network.
 */
public final class FeedLocation {
    /** The config key every message names, so the operator knows what to fix. */
    public static final String CONFIG_KEY = "update.feed";

    private static final Pattern HAS_SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*:.*", Pattern.DOTALL);

    /** How the feed is reached. */
    public enum Kind {
        /** https, or http to loopback. */
        HTTP,
        /** a local directory, given as a path or a file:// URL. */
        DIRECTORY
    }

    private final Kind kind;
    private final String original;
    private final URI baseUri; // HTTP only: normalised, path ends with '/'
    private final Path directory; // DIRECTORY only

    private FeedLocation(Kind kind, String original, URI baseUri, Path directory) {
        this.kind = kind;
        this.original = original;
        this.baseUri = baseUri;
        this.directory = directory;
    }

    /**
     * Parses an {@code update.feed} value.
     *
     * @throws InvalidInputException with {@link ErrorCode#INVALID_CONFIG} naming {@code update.feed}
     */
    public static FeedLocation parse(String value) {
        return parse(value, null, CONFIG_KEY, ErrorCode.INVALID_CONFIG);
    }

    /**
     * Parses a feed value given elsewhere than config.yaml (a desired state's {@code feed}), with the
     * same rules, failing with {@code code} and naming {@code source} and {@code field}.
     */
    public static FeedLocation parse(String value, String source, String field, ErrorCode code) {
        try {
            return parseOrThrow(value);
        } catch (Problem p) {
            throw InvalidInputException.field(code, source, field, p.getMessage());
        }
    }

    /** What is wrong with a value, before it is turned into the error of the caller's context. */
    private static final class Problem extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Problem(String message) {
            super(message, null, false, false);
        }
    }

    private static FeedLocation parseOrThrow(String value) {
        if (value == null || value.isBlank()) {
            throw invalid(value, "is empty; set it to an https:// URL, a file:// URL or a directory");
        }
        String v = value.strip();
        for (int i = 0; i < v.length(); i++) {
            if (v.charAt(i) < 0x20 || v.charAt(i) == 0x7f) {
                throw invalid(value, "contains a control character");
            }
        }
        if (!HAS_SCHEME.matcher(v).matches()) {
            return directory(value, v);
        }
        URI uri;
        try {
            uri = new URI(v);
        } catch (URISyntaxException e) {
            throw invalid(value, "is not a valid URL (" + e.getReason() + ")");
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        switch (scheme) {
            case "https":
                return http(value, uri, "https");
            case "http":
                if (!Loopback.isLoopbackHost(uri.getHost())) {
                    throw invalid(value, "uses plain http:// to " + hostOf(uri)
                            + "; remote feeds must be https:// (plain http:// is allowed only to loopback:"
                            + " 127.0.0.1, ::1, localhost)");
                }
                return http(value, uri, "http");
            case "file":
                return file(value, uri);
            default:
                throw invalid(value, "has the unsupported scheme '" + scheme
                        + "'; use https://, file:// or a directory path");
        }
    }

    private static FeedLocation http(String value, URI uri, String scheme) {
        if (uri.isOpaque() || uri.getHost() == null || uri.getHost().isEmpty()) {
            throw invalid(value, "has no host; write it as " + scheme + "://host/path");
        }
        if (uri.getRawUserInfo() != null) {
            throw invalid(value, "contains credentials (user:password@); they are not supported and would"
                    + " end up in logs: remove them");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw invalid(value, "has a query or fragment (?...#...); give the feed's base URL only");
        }
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        if (!path.endsWith("/")) {
            path = path + "/";
        }
        int port = uri.getPort();
        if (port == defaultPort(scheme)) {
            port = -1;
        }
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        try {
            URI base = new URI(scheme + "://" + host + (port < 0 ? "" : ":" + port) + path).normalize();
            if (base.getRawPath().contains("/../") || base.getRawPath().startsWith("/..")) {
                throw invalid(value, "has '..' in its path; give the feed's base URL without '..'");
            }
            return new FeedLocation(Kind.HTTP, value, base, null);
        } catch (URISyntaxException e) {
            throw invalid(value, "is not a valid URL (" + e.getReason() + ")");
        }
    }

    private static FeedLocation file(String value, URI uri) {
        if (uri.isOpaque()) {
            throw invalid(value, "is not a valid file URL; write file:///absolute/path");
        }
        String authority = uri.getRawAuthority();
        if (authority != null && !authority.isEmpty() && !authority.equalsIgnoreCase("localhost")) {
            throw invalid(value, "names the host '" + authority
                    + "'; file:// URLs must be local: write file:///absolute/path");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw invalid(value, "has a query or fragment; write file:///absolute/path");
        }
        String path = uri.getPath();
        if (path == null || path.isEmpty()) {
            throw invalid(value, "has no path; write file:///absolute/path");
        }
        return directory(value, path);
    }

    private static FeedLocation directory(String value, String path) {
        try {
            return new FeedLocation(Kind.DIRECTORY, value, null, Path.of(path));
        } catch (InvalidPathException e) {
            throw invalid(value, "is not a valid directory path (" + e.getReason() + ")");
        }
    }

    private static int defaultPort(String scheme) {
        return scheme.equals("https") ? 443 : 80;
    }

    private static String hostOf(URI uri) {
        return uri.getHost() == null ? "(no host)" : uri.getHost();
    }

    private static Problem invalid(String value, String problem) {
        return new Problem("'" + (value == null ? "" : value.strip()) + "' " + problem);
    }

    public Kind kind() {
        return kind;
    }

    /** The directory as given (possibly relative, resolved against the working directory); only for {@link Kind#DIRECTORY}. */
    public Path directory() {
        requireKind(Kind.DIRECTORY);
        return directory;
    }

    /** True for http:// to a loopback host: such a feed is never reached through a proxy. */
    public boolean isLoopbackHttp() {
        return kind == Kind.HTTP && baseUri.getScheme().equals("http");
    }

    /**
     * The URL of a feed-relative path: segments are validated (BAD_PATH otherwise) and percent-encoded,
     * then appended to the base path. Never {@code URI.resolve}: a segment must not be able to act as
     * a scheme, an authority or a parent reference.
     */
    public URI resolveUri(String relativePath) {
        requireKind(Kind.HTTP);
        List<String> segments = FeedPaths.segments(relativePath);
        StringBuilder path = new StringBuilder(baseUri.getRawPath());
        for (int i = 0; i < segments.size(); i++) {
            if (i > 0) {
                path.append('/');
            }
            path.append(FeedPaths.encodeSegment(segments.get(i)));
        }
        return URI.create(baseUri.getScheme() + "://" + baseUri.getRawAuthority() + path);
    }

    /**
     * The file of a feed-relative path inside a directory feed, as a real path (symlinks resolved).
     *
     * <p>Segments are validated first (BAD_PATH). Then the real path of the file must lie inside the
     * real path of the feed directory: a symlink in the feed that points outside it is refused with
     * BAD_PATH, like {@code ..} would be.
     *
     * @throws IntegrityException BAD_PATH for a bad segment or an escaping symlink
     * @throws UpdateException FEED_UNAVAILABLE when the feed directory or the file does not exist,
     *     PERMISSION_DENIED when it cannot be read
     */
    public Path resolvePath(String relativePath) {
        requireKind(Kind.DIRECTORY);
        List<String> segments = FeedPaths.segments(relativePath);
        Path base;
        try {
            base = directory.toRealPath();
        } catch (NoSuchFileException e) {
            throw new UpdateException(ErrorCode.FEED_UNAVAILABLE,
                    "feed directory " + directory + " does not exist; check " + CONFIG_KEY,
                    Map.of("path", directory.toString()));
        } catch (IOException e) {
            throw FeedErrors.localReadFailure(directory, e);
        }
        Path candidate = base;
        for (String segment : segments) {
            candidate = candidate.resolve(segment);
        }
        Path real;
        try {
            real = candidate.toRealPath();
        } catch (NoSuchFileException e) {
            throw FeedErrors.notFound(FeedErrors.Target.file(candidate), relativePath, 0);
        } catch (IOException e) {
            throw FeedErrors.localReadFailure(candidate, e);
        }
        if (!real.startsWith(base)) {
            throw new IntegrityException(ErrorCode.BAD_PATH,
                    "refusing feed path " + FeedPaths.quote(relativePath) + ": " + candidate
                            + " resolves to " + real + ", outside the feed directory " + base
                            + " (a symlink points out of the feed; remove it or publish the file itself)",
                    Map.of("path", relativePath, "resolved", real.toString(), "feed", base.toString()));
        }
        return real;
    }

    /**
     * A stable text naming this feed, used as part of cache keys: the normalised base URL, or
     * {@code dir:} and the absolute normalised directory.
     */
    public String cacheKey() {
        return kind == Kind.HTTP ? baseUri.toString() : "dir:" + directory.toAbsolutePath().normalize();
    }

    private void requireKind(Kind expected) {
        if (kind != expected) {
            throw new IllegalStateException("feed " + original + " is " + kind + ", not " + expected);
        }
    }

    @Override
    public String toString() {
        return kind == Kind.HTTP ? baseUri.toString() : directory.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FeedLocation && ((FeedLocation) o).cacheKey().equals(cacheKey());
    }

    @Override
    public int hashCode() {
        return cacheKey().hashCode();
    }
}
