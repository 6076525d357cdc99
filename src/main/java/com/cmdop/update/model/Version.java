package com.cmdop.update.model;

import java.math.BigInteger;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An agent version: {@code v} + SemVer 2.0 ({@code v1.2.3}, {@code v1.3.0-beta.2}). Input without the
 * {@code v} is accepted and normalized. Ordering is SemVer precedence (build metadata is ignored for
 * ordering but kept in the text).
 */
public final class Version implements Comparable<Version> {
    // The regular expression published at semver.org, with an optional leading "v".
    private static final Pattern SEMVER = Pattern.compile(
            "^v?(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)"
                    + "(?:-((?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\\.(?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
                    + "(?:\\+([0-9a-zA-Z-]+(?:\\.[0-9a-zA-Z-]+)*))?$");
    private static final int MAX_LENGTH = 128;

    private final BigInteger major;
    private final BigInteger minor;
    private final BigInteger patch;
    private final List<String> preRelease;
    private final String text;

    private Version(BigInteger major, BigInteger minor, BigInteger patch, List<String> preRelease, String text) {
        this.major = major;
        this.minor = minor;
        this.patch = patch;
        this.preRelease = preRelease;
        this.text = text;
    }

    /** Parses a version; throws {@link IllegalArgumentException} with a message fit for the user. */
    public static Version parse(String input) {
        if (input == null || input.isBlank()) {
            throw new IllegalArgumentException("a version is required, such as v1.2.3");
        }
        String s = input.strip();
        Matcher m = s.length() <= MAX_LENGTH ? SEMVER.matcher(s) : null;
        if (m == null || !m.matches()) {
            throw new IllegalArgumentException("'" + abbreviate(s) + "' is not a version: expected v + SemVer "
                    + "such as v1.2.3 or v1.3.0-beta.2");
        }
        List<String> pre = m.group(4) == null ? List.of() : List.of(m.group(4).split("\\."));
        String canonical = s.startsWith("v") ? s : "v" + s;
        return new Version(new BigInteger(m.group(1)), new BigInteger(m.group(2)), new BigInteger(m.group(3)),
                pre, canonical);
    }

    public static boolean isValid(String input) {
        try {
            parse(input);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    public boolean isNewerThan(Version other) {
        return compareTo(other) > 0;
    }

    @Override
    public int compareTo(Version o) {
        int c = major.compareTo(o.major);
        if (c == 0) {
            c = minor.compareTo(o.minor);
        }
        if (c == 0) {
            c = patch.compareTo(o.patch);
        }
        if (c != 0) {
            return c;
        }
        // A version without pre-release fields has higher precedence than one with them.
        if (preRelease.isEmpty() || o.preRelease.isEmpty()) {
            return Boolean.compare(preRelease.isEmpty(), o.preRelease.isEmpty());
        }
        for (int i = 0; i < Math.min(preRelease.size(), o.preRelease.size()); i++) {
            c = comparePreReleaseField(preRelease.get(i), o.preRelease.get(i));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(preRelease.size(), o.preRelease.size());
    }

    private static int comparePreReleaseField(String a, String b) {
        boolean an = a.chars().allMatch(Character::isDigit);
        boolean bn = b.chars().allMatch(Character::isDigit);
        if (an && bn) {
            return new BigInteger(a).compareTo(new BigInteger(b));
        }
        if (an != bn) {
            return an ? -1 : 1; // numeric identifiers have lower precedence
        }
        return a.compareTo(b);
    }

    private static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Version v && text.equals(v.text);
    }

    @Override
    public int hashCode() {
        return Objects.hash(text);
    }

    /** The canonical text, always with the leading {@code v}. */
    @Override
    public String toString() {
        return text;
    }
}
