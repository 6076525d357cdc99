package com.cmdop.update.model;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Pattern;

/** The value types of the settings: each reads a raw value strictly and says what it expected. */
public final class ValueTypes {
    static final int MAX_TEXT = 4096;
    static final int MAX_TRUSTED_KEYS = 16;
    /** More words than any real command has: a bound on what a config or desired state can make us hold. */
    static final int MAX_COMMAND_WORDS = 256;
    private static final Pattern PUBLIC_KEY = Pattern.compile("^[A-Za-z0-9+/]{56}$");

    private ValueTypes() {}

    public static final ValueType<Channel> CHANNEL = textual("one of " + Channel.ALLOWED, false, Channel::parse,
            Channel::id, null);

    /** true/false, and on/off as SPEC section 5 allows (YAML 1.2 reads {@code on} as a string). */
    public static final ValueType<Boolean> ON_OFF = new ValueType<>() {
        @Override
        public Boolean parse(Object raw) {
            if (raw instanceof Boolean b) {
                return b;
            }
            if (raw instanceof String s) {
                switch (s.strip().toLowerCase(Locale.ROOT)) {
                    case "true", "on" -> {
                        return true;
                    }
                    case "false", "off" -> {
                        return false;
                    }
                    default -> { }
                }
            }
            throw new InvalidValueException("expected true, false, on or off, found " + show(raw));
        }

        @Override
        public Object toJson(Boolean value) {
            return value;
        }

        @Override
        public String expected() {
            return "true, false, on or off";
        }
    };

    /** A duration with a unit between {@code min} and {@code max}, such as 6h; a bare number is refused. */
    public static ValueType<Duration> duration(String min, String max) {
        return textual("a duration such as 6h (" + min + " .. " + max + ")", false,
                text -> DurationText.parseWithin(text, min, max), DurationText::format,
                n -> "expected a duration with a unit such as 6h (" + min + " .. " + max + "), found the number " + n
                        + ": write " + n + "h or " + n + "m");
    }

    /** A version, or null for "none" ({@code null}, {@code ""}). */
    public static final ValueType<Version> VERSION_OR_NONE = textual("a version such as v1.2.3, or null to unpin",
            true, text -> {
                try {
                    return Version.parse(text);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(e.getMessage() + "; use null or \"\" to unpin");
                }
            }, Version::toString, n -> "expected a version string such as v1.2.3, found the number " + n
                    + ": quote it and give all three parts, e.g. \"v1.2.0\"");

    /** A maintenance window, or null for "none". */
    public static final ValueType<MaintenanceWindow> WINDOW_OR_NONE = textual("a maintenance window: "
            + MaintenanceWindow.HELP, true, MaintenanceWindow::parse, MaintenanceWindow::toString, null);

    /**
     * Where the feed is: https://, file://, http:// to loopback, or a directory. This checks the text; the
     * reader of settings also parses it with the feed's own parser, so a value accepted is never refused later.
     */
    public static final ValueType<String> FEED_OR_NONE = new ValueType<>() {
        @Override
        public String parse(Object raw) {
            if (raw == null) {
                return null;
            }
            String s = text(raw, this).strip();
            if (s.isEmpty() || s.chars().anyMatch(Character::isISOControl)) {
                throw new InvalidValueException("expected " + expected());
            }
            return s;
        }

        @Override
        public Object toJson(String value) {
            return value;
        }

        @Override
        public String expected() {
            return "a feed location: https://..., file://... or a directory";
        }
    };

    /**
     * The http proxy of {@code update.proxy}: {@code http://HOST:PORT}, or null for none (then the environment's
     * HTTPS_PROXY applies). The feed's TLS runs end to end through the proxy's CONNECT tunnel; a proxy spoken
     * to over TLS ({@code https://}) or with credentials is refused, as the HTTP client cannot use it.
     */
    public static final ValueType<String> PROXY_OR_NONE = textual("an http proxy URL such as "
            + "http://proxy.example.com:3128, or null", true, text -> {
                String p = text.strip();
                java.net.URI uri;
                try {
                    uri = new java.net.URI(p);
                } catch (java.net.URISyntaxException e) {
                    throw new IllegalArgumentException("'" + abbreviate(p) + "' is not a URL (" + e.getReason()
                            + "); write it as http://proxy.example.com:3128");
                }
                String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
                if (scheme.equals("https")) {
                    throw new IllegalArgumentException("'" + abbreviate(p) + "': a proxy spoken to over TLS is not "
                            + "supported; write http://HOST:PORT (the feed's https still runs end to end through the "
                            + "proxy's CONNECT tunnel)");
                }
                if (!scheme.equals("http") || uri.getRawAuthority() == null) {
                    throw new IllegalArgumentException("'" + abbreviate(p) + "' is not an http proxy URL; write it as "
                            + "http://proxy.example.com:3128");
                }
                if (uri.getRawUserInfo() != null) {
                    throw new IllegalArgumentException("contains credentials; proxy authentication is not supported: "
                            + "use a proxy that admits this machine without a password");
                }
                if (uri.getHost() == null || uri.getHost().isEmpty()) {
                    throw new IllegalArgumentException("'" + abbreviate(p) + "' has no host; write it as "
                            + "http://proxy.example.com:3128");
                }
                if (uri.getPort() < 1 || uri.getPort() > 65535) {
                    throw new IllegalArgumentException("'" + abbreviate(p) + "' has no port (1-65535); write it as "
                            + "http://" + uri.getHost() + ":3128");
                }
                String path = uri.getRawPath();
                if ((path != null && !path.isEmpty() && !path.equals("/")) || uri.getRawQuery() != null
                        || uri.getRawFragment() != null) {
                    throw new IllegalArgumentException("'" + abbreviate(p) + "' has a path or query; write it as "
                            + "http://" + uri.getHost() + ":" + uri.getPort());
                }
                return "http://" + uri.getRawAuthority();
            }, Function.identity(), null);

    /** The publisher keys: a list of minisign public keys (the base64 line of each .pub file). */
    public static final ValueType<List<String>> PUBLIC_KEYS = new ValueType<>() {
        @Override
        public List<String> parse(Object raw) {
            if (raw == null) {
                return List.of();
            }
            List<String> keys = new ArrayList<>();
            for (String s : list(raw, this, MAX_TRUSTED_KEYS, "keys", (i, item) -> {
                if (!(item instanceof String)) {
                    throw new InvalidValueException("[" + i + "]", "expected a minisign public key (base64 line of a "
                            + ".pub file), found " + show(item));
                }
                String key = ((String) item).strip();
                if (!PUBLIC_KEY.matcher(key).matches()) {
                    throw new InvalidValueException("[" + i + "]", "'" + abbreviate(key) + "' is not a minisign "
                            + "public key: expected the 56-character base64 line of a .pub file (it starts with RW)");
                }
                return key;
            })) {
                if (!keys.contains(s)) {
                    keys.add(s);
                }
            }
            return List.copyOf(keys);
        }

        @Override
        public Object toJson(List<String> value) {
            return value == null ? null : List.copyOf(value);
        }

        @Override
        public boolean same(List<String> a, List<String> b) {
            return a == null || b == null ? a == b : new HashSet<>(a).equals(new HashSet<>(b));
        }

        @Override
        public String describe(List<String> value) {
            int n = value == null ? 0 : value.size();
            return n + (n == 1 ? " key" : " keys");
        }

        @Override
        public String expected() {
            return "a list of minisign public keys (the base64 line of each .pub file)";
        }
    };

    /** An absolute machine path: starts with / or ~/ (expanded and re-rooted by the machine's paths). */
    public static ValueType<String> path(String example) {
        return textual("an absolute path such as " + example, false, text -> pathText(text, example),
                Function.identity(), null);
    }

    private static String pathText(String text, String example) {
        String p = text.strip();
        if (!(p.startsWith("/") || p.startsWith("~/")) || p.indexOf('\0') >= 0
                || List.of(p.split("/")).contains("..")) {
            throw new IllegalArgumentException("'" + abbreviate(p) + "' is not an absolute path: write it like "
                    + example + " (or ~/... for a path in the user's home), without .. segments");
        }
        return p;
    }

    /** The word that turns a file setting off ({@code service.heartbeat_file: none}). */
    public static final String NONE = "none";

    /** As {@link #path}, or {@code none} to turn the file off. */
    public static ValueType<String> pathOrNone(String example) {
        return textual("an absolute path such as " + example + ", or " + NONE, false,
                text -> text.strip().equals(NONE) ? NONE : pathText(text, example), Function.identity(), null);
    }

    /** As {@link #path}, or null for "no file" ({@code null}, {@code ""}): a setting that is off by default. */
    public static ValueType<String> pathOrNull(String example) {
        return textual("an absolute path such as " + example + ", or null", true, text -> pathText(text, example),
                Function.identity(), null);
    }

    /** A command as an argv list (no shell); an empty list is allowed and means "do nothing". */
    public static final ValueType<List<String>> COMMAND = command("[] to skip restarts",
            "[systemctl, restart, cmdop-agent]");

    /**
     * A command as an argv list (no shell), such as {@code example}; {@code []} is allowed and means what
     * {@code empty} says.
     */
    public static ValueType<List<String>> command(String empty, String example) {
        return new ValueType<>() {
            @Override
            public List<String> parse(Object raw) {
                return list(raw, this, MAX_COMMAND_WORDS, "words", (i, item) -> {
                    if (!(item instanceof String word) || word.length() > MAX_TEXT) {
                        throw new InvalidValueException("[" + i + "]", "expected a word of the command, found "
                                + show(item));
                    }
                    return word;
                });
            }

            @Override
            public Object toJson(List<String> value) {
                return value == null ? null : List.copyOf(value);
            }

            @Override
            public String expected() {
                return "a command as a list of words with no shell, such as " + example + ", or " + empty;
            }
        };
    }

    /** Reads one item of a list: {@code index} for messages; throws InvalidValueException naming {@code [i]}. */
    @FunctionalInterface
    private interface ItemReader {
        String read(int index, Object item);
    }

    /**
     * The one list reader of the list-valued types: a YAML/JSON list of at most {@code max} items, each read by
     * {@code item} (which names its index in errors).
     */
    private static List<String> list(Object raw, ValueType<?> type, int max, String items, ItemReader item) {
        if (!(raw instanceof List<?> list)) {
            throw new InvalidValueException("expected " + type.expected() + ", found " + show(raw));
        }
        if (list.size() > max) {
            throw new InvalidValueException("lists " + list.size() + " " + items + "; at most " + max + " are allowed");
        }
        List<String> out = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            out.add(item.read(i, list.get(i)));
        }
        return List.copyOf(out);
    }

    /**
     * A value written as text and read by {@code parser} (whose IllegalArgumentException says what is wrong).
     *
     * @param noneAllowed   whether null or blank text means "none" (null)
     * @param format        the text form of a value, for JSON and YAML
     * @param numberMessage what to say for a bare number (YAML reads {@code 5} as one), or null for the usual message
     */
    private static <T> ValueType<T> textual(String expected, boolean noneAllowed, Function<String, T> parser,
            Function<T, String> format, Function<Number, String> numberMessage) {
        return new ValueType<>() {
            @Override
            public T parse(Object raw) {
                if (noneAllowed && isNone(raw)) {
                    return null;
                }
                if (raw instanceof Number n && numberMessage != null) {
                    throw new InvalidValueException(numberMessage.apply(n));
                }
                String s = text(raw, this);
                try {
                    return parser.apply(s);
                } catch (IllegalArgumentException e) {
                    throw new InvalidValueException(e.getMessage());
                }
            }

            @Override
            public Object toJson(T value) {
                return value == null ? null : format.apply(value);
            }

            @Override
            public String expected() {
                return expected;
            }
        };
    }

    /** {@code null} or blank text: "none" for the types that allow it. */
    static boolean isNone(Object raw) {
        return raw == null || (raw instanceof String s && s.isBlank());
    }

    /** The raw value as text, or the type's "expected ..., found ..." message. */
    static String text(Object raw, ValueType<?> type) {
        if (!(raw instanceof String s)) {
            throw new InvalidValueException("expected " + type.expected() + ", found " + show(raw));
        }
        if (s.length() > MAX_TEXT) {
            throw new InvalidValueException("is longer than " + MAX_TEXT + " characters");
        }
        return s;
    }

    /** How a raw value is named in messages: 'text', the number 5, a list, a mapping, null, nothing. */
    public static String show(Object raw) {
        if (raw == null) {
            return "null";
        }
        if (raw instanceof String s) {
            return "'" + abbreviate(s) + "'";
        }
        if (raw instanceof List<?>) {
            return "a list";
        }
        if (raw instanceof java.util.Map<?, ?>) {
            return "a mapping";
        }
        if (raw instanceof Boolean b) {
            return "the boolean " + b;
        }
        return "the number " + raw;
    }

    static String abbreviate(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "..." : s;
    }
}
