package com.cmdop.update.state;

import com.cmdop.update.model.Channel;
import com.cmdop.update.model.DurationText;
import com.cmdop.update.model.SettingKey;

import com.cmdop.update.model.error.ErrorCode;
import com.cmdop.update.model.error.InvalidInputException;
import com.cmdop.update.model.Version;
import com.cmdop.update.release.feed.FeedLocation;
import com.cmdop.update.model.MaintenanceWindow;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Typed reading of setting values from parsed YAML/JSON, shared by config.yaml and desired states, so
 * that both accept and refuse exactly the same things. Each failure names the source, the key, what
 * was found and what is allowed.
 */
public final class SettingValues {
    public static final String INTERVAL_MIN = "15m";
    public static final String INTERVAL_MAX = "30d";
    private static final int MAX_TRUSTED_KEYS = 16;
    private static final int MAX_TEXT = 4096;

    private final String source;
    private final ErrorCode code;

    public SettingValues(String source, ErrorCode code) {
        this.source = source;
        this.code = code;
    }

    /** Reads a managed setting; {@code null} node or JSON null means "none" where that is allowed. */
    public Object read(SettingKey key, JsonNode node) {
        return switch (key) {
            case CHANNEL -> channel(key.id(), node);
            case AUTO -> bool(key.id(), node);
            case INTERVAL -> duration(key.id(), node, INTERVAL_MIN, INTERVAL_MAX);
            case PIN -> pin(key.id(), node);
            case WINDOW -> window(key.id(), node);
            case FEED -> feed(key.id(), node);
            case TRUSTED_KEYS -> trustedKeys(key.id(), node);
        };
    }

    public Channel channel(String field, JsonNode node) {
        String s = requireText(field, node, "one of " + Channel.ALLOWED);
        try {
            return Channel.parse(s);
        } catch (IllegalArgumentException e) {
            throw fail(field, e.getMessage());
        }
    }

    /** true/false, and on/off as SPEC section 5 allows (YAML 1.2 reads {@code on} as a string). */
    public boolean bool(String field, JsonNode node) {
        if (node != null && node.isBoolean()) {
            return node.booleanValue();
        }
        if (node != null && node.isTextual()) {
            switch (node.textValue().strip().toLowerCase(Locale.ROOT)) {
                case "true", "on" -> {
                    return true;
                }
                case "false", "off" -> {
                    return false;
                }
                default -> { }
            }
        }
        throw fail(field, "expected true, false, on or off, found " + show(node));
    }

    public Duration duration(String field, JsonNode node, String min, String max) {
        if (node != null && node.isNumber()) {
            throw fail(field, "expected a duration with a unit such as 6h (" + min + " .. " + max + "), found the number "
                    + node.asText() + ": write " + node.asText() + "h or " + node.asText() + "m");
        }
        String s = requireText(field, node, "a duration such as 6h (" + min + " .. " + max + ")");
        try {
            return DurationText.parseWithin(s, min, max);
        } catch (IllegalArgumentException e) {
            throw fail(field, e.getMessage());
        }
    }

    /** A version, or null for "not pinned" ({@code null}, {@code ""} or absent). */
    public Version pin(String field, JsonNode node) {
        if (node == null || node.isNull() || (node.isTextual() && node.textValue().isBlank())) {
            return null;
        }
        if (node.isNumber()) {
            throw fail(field, "expected a version string such as v1.2.3, found the number " + node.asText()
                    + ": quote it and give all three parts, e.g. \"v1.2.0\"");
        }
        String s = requireText(field, node, "a version such as v1.2.3, or null to unpin");
        try {
            return Version.parse(s);
        } catch (IllegalArgumentException e) {
            throw fail(field, e.getMessage() + "; use null or \"\" to unpin");
        }
    }

    public MaintenanceWindow window(String field, JsonNode node) {
        if (node == null || node.isNull() || (node.isTextual() && node.textValue().isBlank())) {
            return null;
        }
        String s = requireText(field, node, "a maintenance window: " + MaintenanceWindow.HELP);
        try {
            return MaintenanceWindow.parse(s);
        } catch (IllegalArgumentException e) {
            throw fail(field, e.getMessage());
        }
    }

    /** A feed location: https://, file://, http:// to loopback only, or a directory. */
    public String feed(String field, JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        String s = requireText(field, node, "a feed location: https://..., file://... or a directory").strip();
        if (s.isEmpty() || s.length() > MAX_TEXT || s.chars().anyMatch(Character::isISOControl)) {
            throw fail(field, "expected a feed location: https://..., file://... or a directory");
        }
        // the same parser that opens the feed, so a value accepted here is never refused later
        FeedLocation.parse(s, source, field, code);
        return s;
    }

    public List<String> trustedKeys(String field, JsonNode node) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw fail(field, "expected a list of minisign public keys (the base64 line of each .pub file), found "
                    + show(node));
        }
        if (node.size() > MAX_TRUSTED_KEYS) {
            throw fail(field, "lists " + node.size() + " keys; at most " + MAX_TRUSTED_KEYS + " are allowed");
        }
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode item = node.get(i);
            String itemField = field + "[" + i + "]";
            String s = requireText(itemField, item, "a minisign public key (base64 line of a .pub file)").strip();
            if (!s.matches("^[A-Za-z0-9+/]{56}$")) {
                throw fail(itemField, "'" + abbreviate(s) + "' is not a minisign public key: expected the 56-character "
                        + "base64 line of a .pub file (it starts with RW)");
            }
            if (!keys.contains(s)) {
                keys.add(s);
            }
        }
        return List.copyOf(keys);
    }

    /** An absolute machine path: starts with / or ~/ (expanded and re-rooted by {@link MachinePaths}). */
    public String path(String field, JsonNode node, String fallback) {
        if (node == null) {
            return fallback;
        }
        String s = requireText(field, node, "an absolute path such as " + fallback).strip();
        if (!(s.startsWith("/") || s.startsWith("~/")) || s.length() > MAX_TEXT || s.indexOf('\0') >= 0
                || List.of(s.split("/")).contains("..")) {
            throw fail(field, "'" + abbreviate(s) + "' is not an absolute path: write it like " + fallback
                    + " (or ~/... for a path in the user's home), without .. segments");
        }
        return s;
    }

    /** A command as an argv list (no shell); an empty list is allowed and means "do nothing". */
    public List<String> argv(String field, JsonNode node, List<String> fallback) {
        if (node == null) {
            return fallback;
        }
        if (!node.isArray()) {
            throw fail(field, "expected a command as a list of words with no shell, such as "
                    + "[systemctl, restart, cmdop-agent], or [] to skip restarts; found " + show(node));
        }
        List<String> argv = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            argv.add(requireText(field + "[" + i + "]", node.get(i), "a word of the command"));
        }
        return List.copyOf(argv);
    }

    public String requireText(String field, JsonNode node, String expected) {
        if (node == null || !node.isTextual()) {
            throw fail(field, "expected " + expected + ", found " + show(node));
        }
        if (node.textValue().length() > MAX_TEXT) {
            throw fail(field, "is longer than " + MAX_TEXT + " characters");
        }
        return node.textValue();
    }

    public InvalidInputException fail(String field, String message) {
        return InvalidInputException.field(code, source, field, message);
    }

    static String show(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return "nothing";
        }
        if (node.isNull()) {
            return "null";
        }
        if (node.isTextual()) {
            return "'" + abbreviate(node.textValue()) + "'";
        }
        if (node.isArray()) {
            return "a list";
        }
        if (node.isObject()) {
            return "a mapping";
        }
        if (node.isBoolean()) {
            return "the boolean " + node.asText();
        }
        return "the number " + node.asText();
    }

    private static String abbreviate(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "..." : s;
    }
}
