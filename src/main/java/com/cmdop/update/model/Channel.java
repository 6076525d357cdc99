package com.cmdop.update.model;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** A release channel. Names are the lower-case words used in config.yaml, flags and the feed. */
public enum Channel {
    STABLE, BETA, NIGHTLY;

    public static final String ALLOWED = Arrays.stream(values()).map(Channel::id).collect(Collectors.joining(", "));

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a channel name; the message lists the allowed names. */
    public static Channel parse(String s) {
        for (Channel c : values()) {
            if (c.id().equals(s)) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown channel '" + s + "': use one of " + ALLOWED);
    }

    @Override
    public String toString() {
        return id();
    }
}
