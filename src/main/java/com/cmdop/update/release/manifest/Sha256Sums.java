package com.cmdop.update.release.manifest;

import com.cmdop.update.model.error.ErrorCode;
import com.cmdop.update.model.error.IntegrityException;
import com.cmdop.update.model.error.InvalidInputException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code releases/<version>/SHA256SUMS} in the format of GNU {@code sha256sum}, so that
 * {@code sha256sum -c SHA256SUMS} checks a release by hand.
 *
 * <p>Writing: one line per file, {@code <64 lowercase hex><two spaces><name>\n}, sorted by name (byte
 * order), exactly what {@code sha256sum} prints. Parsing is strict (it runs on signed bytes only, and is
 * strict even so): each line is {@code <64 hex>  <name>} (text mode) or {@code <64 hex> *<name>} (binary
 * mode), hex in either case; names are bare file names ({@link ReleaseManifest#BARE_NAME}, otherwise
 * {@code BAD_PATH}); no blank lines, comments, CR, escaped names, BSD-style lines or duplicate names; at
 * most {@link #MAX_ENTRIES} lines and {@link #MAX_BYTES} bytes. The last newline is optional.
 */
public final class Sha256Sums {
    public static final String FILE_NAME = FeedLayout.SHA256SUMS;
    /** Far above any release (one line per platform); bounds what a reader holds in memory. */
    public static final int MAX_ENTRIES = 1024;
    public static final int MAX_BYTES = 256 * 1024;
    private static final Pattern LINE = Pattern.compile("^([0-9A-Fa-f]{64}) ([ *])(.*)$");
    private static final Pattern HEX = Pattern.compile("^[0-9a-f]{64}$");

    /** One checked file: a bare name and its lowercase hex SHA-256. */
    public record Entry(String name, String sha256) {}

    private final List<Entry> entries;

    private Sha256Sums(List<Entry> sortedEntries) {
        this.entries = List.copyOf(sortedEntries);
    }

    /**
     * The checksums of {@code entries}, sorted by name. Names must be bare and unique, digests 64
     * lowercase hex digits; otherwise {@link IllegalArgumentException} (a programming error: the
     * publisher builds the names).
     */
    public static Sha256Sums of(Collection<Entry> entries) {
        if (entries.isEmpty()) {
            throw new IllegalArgumentException("SHA256SUMS needs at least one file");
        }
        if (entries.size() > MAX_ENTRIES) {
            throw new IllegalArgumentException("SHA256SUMS holds at most " + MAX_ENTRIES + " files");
        }
        Map<String, Entry> byName = new LinkedHashMap<>();
        for (Entry e : entries) {
            if (e.name() == null || !ReleaseManifest.BARE_NAME.matcher(e.name()).matches()) {
                throw new IllegalArgumentException("'" + e.name() + "' is not a bare file name");
            }
            if (e.sha256() == null || !HEX.matcher(e.sha256()).matches()) {
                throw new IllegalArgumentException("the SHA-256 of " + e.name() + " is not 64 lowercase hex digits");
            }
            if (byName.putIfAbsent(e.name(), e) != null) {
                throw new IllegalArgumentException(e.name() + " is listed twice");
            }
        }
        List<Entry> sorted = new ArrayList<>(byName.values());
        sorted.sort(Comparator.comparing(Entry::name));
        return new Sha256Sums(sorted);
    }

    /** Parses the bytes of a SHA256SUMS file; {@code source} (a path or URL) names it in errors. */
    public static Sha256Sums parse(byte[] bytes, String source) {
        if (bytes.length > MAX_BYTES) {
            throw fail(source, null, "is larger than " + MAX_BYTES + " bytes; a SHA256SUMS lists a few files");
        }
        if (bytes.length == 0) {
            throw fail(source, null, "is empty; it must list at least one file");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw fail(source, null, "is not UTF-8 text");
        }
        if (text.indexOf('\r') >= 0) {
            throw fail(source, null, "has CR characters (Windows line endings); lines end with LF only");
        }
        if (text.indexOf('\0') >= 0) {
            throw fail(source, null, "has NUL characters");
        }
        String body = text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
        String[] lines = body.split("\n", -1);
        if (lines.length > MAX_ENTRIES) {
            throw fail(source, null, "has more than " + MAX_ENTRIES + " lines");
        }
        Map<String, Entry> byName = new LinkedHashMap<>();
        for (int i = 0; i < lines.length; i++) {
            int lineNo = i + 1;
            Matcher m = LINE.matcher(lines[i]);
            if (!m.matches()) {
                throw fail(source, lineNo, lines[i].isEmpty() ? "is blank; blank lines are not allowed"
                        : "is not '<64 hex digits>  <file name>' as sha256sum writes it");
            }
            String name = m.group(3);
            if (!ReleaseManifest.BARE_NAME.matcher(name).matches()) {
                throw badPath(source, lineNo, name);
            }
            Entry entry = new Entry(name, m.group(1).toLowerCase(Locale.ROOT));
            if (byName.putIfAbsent(name, entry) != null) {
                throw fail(source, lineNo, name + " is listed twice");
            }
        }
        List<Entry> sorted = new ArrayList<>(byName.values());
        sorted.sort(Comparator.comparing(Entry::name));
        return new Sha256Sums(sorted);
    }

    /** The lowercase hex SHA-256 listed for the bare file name {@code name}. */
    public Optional<String> lookup(String name) {
        return entries.stream().filter(e -> e.name().equals(name)).map(Entry::sha256).findFirst();
    }

    /**
     * The names listed with this SHA-256 (hex in either case): how {@code --verify ./cmdop} finds which
     * artifact a renamed binary is.
     */
    public List<String> namesWithSha256(String sha256Hex) {
        String wanted = sha256Hex == null ? "" : sha256Hex.toLowerCase(Locale.ROOT);
        return entries.stream().filter(e -> e.sha256().equals(wanted)).map(Entry::name).toList();
    }

    /** The file as {@code sha256sum} prints it: {@code <hex>  <name>\n} per entry, sorted by name. */
    public byte[] toBytes() {
        StringBuilder sb = new StringBuilder(entries.size() * 100);
        for (Entry e : entries) {
            sb.append(e.sha256()).append("  ").append(e.name()).append('\n');
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Sha256Sums other && entries.equals(other.entries);
    }

    @Override
    public int hashCode() {
        return entries.hashCode();
    }

    @Override
    public String toString() {
        return new String(toBytes(), StandardCharsets.UTF_8);
    }

    private static InvalidInputException fail(String source, Integer line, String message) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("source", source);
        if (line != null) {
            details.put("line", line);
        }
        return new InvalidInputException(ErrorCode.INVALID_INPUT, source + (line == null ? " " : ": line " + line + " ")
                + message, details);
    }

    private static IntegrityException badPath(String source, int line, String name) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("source", source);
        details.put("line", line);
        details.put("name", name);
        return new IntegrityException(ErrorCode.BAD_PATH, source + ": line " + line + " names '" + abbreviate(name)
                + "', which is not a bare file name (letters, digits, . _ + - only; no directories); refusing"
                + " the file: nothing was changed", details);
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }
}
