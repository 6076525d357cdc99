package com.cmdop.update.state;

import com.cmdop.update.model.Setting;
import com.cmdop.update.model.Settings;

import com.cmdop.update.model.error.ErrorCode;
import com.cmdop.update.model.error.InvalidInputException;
import com.cmdop.update.model.error.UpdateException;
import com.cmdop.update.io.AtomicFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** config.yaml as read at the start of a run: its text (kept for comment-preserving edits) and settings. */
public record ConfigFile(Path path, String text, boolean exists, Settings settings) {

    public static ConfigFile load(Path path) {
        return load(path, Settings.DEFAULTS);
    }

    /** The same, where a missing key means its value in {@code defaults} (the layout's paths). */
    public static ConfigFile load(Path path, Settings defaults) {
        if (!Files.exists(path)) {
            return new ConfigFile(path, "", false, defaults);
        }
        if (Files.isDirectory(path)) {
            throw new InvalidInputException(ErrorCode.INVALID_CONFIG, path + " is a directory; --config must name "
                    + "the config.yaml file", Map.of("source", path.toString()));
        }
        Path real = requireSafe(path);
        String text;
        try {
            if (Files.size(real) > StrictYaml.MAX_CHARS) {
                throw new InvalidInputException(ErrorCode.INVALID_CONFIG, path + " is larger than "
                        + StrictYaml.MAX_CHARS / 1024 + " KiB; is this the right file?", Map.of("source", path.toString()));
            }
            // a strict decoder: a binary file must not be half-read as settings
            text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(Files.readAllBytes(real))).toString();
        } catch (CharacterCodingException e) {
            throw new InvalidInputException(ErrorCode.INVALID_CONFIG, path + " is not UTF-8 text",
                    Map.of("source", path.toString()));
        } catch (IOException e) {
            throw AtomicFiles.ioFailure("read", path, e);
        }
        return new ConfigFile(path, text, true, ConfigReader.parse(text, path.toString(), defaults));
    }

    private static final int GROUP_OTHER_WRITE = 0022;
    private static final int STICKY = 01000;

    /**
     * Refuses a config.yaml that someone other than root or the user running this could change, like
     * sshd's StrictModes (issue #9): the file is run as root's instructions ({@code service.restart},
     * {@code feed}, {@code trusted_keys}, {@code install_path}). Refused (UNSAFE_DIRECTORY, exit 77): the
     * file, or the file a symlink resolves to, group- or world-writable, or owned by another non-root user;
     * the directory holding it (and the directory holding the symlink) group- or world-writable (unless
     * sticky, with the file owned by root or this user) or owned by another non-root user. A symlink is
     * followed (configuration management often links /etc/cmdop/config.yaml), and the file it resolves to is
     * what is checked and read. Where the file system has no POSIX owners nothing is checked.
     *
     * @return the resolved file, to be read instead of the path (so the link is not followed twice)
     */
    static Path requireSafe(Path path) {
        Path real;
        try {
            if (Files.isSymbolicLink(path)) {
                Path linkDir = path.toAbsolutePath().getParent();
                if (linkDir != null) {
                    requireSafeEntry(linkDir, true, path);
                }
            }
            real = path.toRealPath();
            requireSafeEntry(real, false, path);
            Path dir = real.getParent();
            if (dir != null) {
                requireSafeEntry(dir, true, path);
            }
        } catch (IOException e) {
            throw AtomicFiles.ioFailure("inspect", path, e);
        }
        return real;
    }

    private static void requireSafeEntry(Path p, boolean directory, Path given) throws IOException {
        int mode;
        long owner;
        try {
            mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            owner = ((Number) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS)).longValue();
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            return; // no POSIX ownership here (Windows): nothing to check
        }
        long uid = currentUid();
        boolean ownerOk = owner == 0 || owner == uid;
        boolean othersWrite = (mode & GROUP_OTHER_WRITE) != 0;
        boolean stickyDir = directory && (mode & STICKY) != 0;
        if (ownerOk && (!othersWrite || stickyDir)) {
            return;
        }
        String modeText = String.format("%04o", mode & 07777);
        String fix = othersWrite && !stickyDir
                ? "chmod go-w " + p + (ownerOk ? "" : " and chown root " + p)
                : "chown root " + p;
        String what = directory ? "its directory " + p : p.equals(given) ? "it" : "the file it resolves to, " + p;
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("source", given.toString());
        d.put("path", p.toString());
        d.put("mode", modeText);
        d.put("owner_uid", owner);
        throw new UpdateException(ErrorCode.UNSAFE_DIRECTORY, "refusing to read " + given + ": " + what
                + " (mode " + modeText + ", owner uid " + owner + ") "
                + (othersWrite && !stickyDir ? "is writable by other users" : "is owned by another user")
                + ", who could make root run their commands through config.yaml; " + fix
                + " (config.yaml must be changeable only by root or its owner), then retry; nothing was changed", d);
    }

    private static long currentUid() {
        try {
            return new com.sun.security.auth.module.UnixSystem().getUid();
        } catch (RuntimeException | LinkageError e) {
            return "root".equals(System.getProperty("user.name")) ? 0 : -1;
        }
    }

    /**
     * The file's text with setting changes applied, keeping comments and order; computed and checked
     * before a run changes anything, so a layout that cannot be edited fails the run with nothing done.
     */
    public String edited(Map<Setting<?>, Object> changes) {
        return ConfigEditor.apply(text, changes, path.toString());
    }

    /** Puts the file back as it was read: the undo of {@link #write}. */
    public void restore() {
        if (exists) {
            write(text);
        } else {
            try {
                Files.deleteIfExists(path);
            } catch (IOException e) {
                throw AtomicFiles.ioFailure("remove", path, e);
            }
        }
    }

    /** Replaces the file atomically with {@code newText} (as computed by {@link #edited}). */
    public void write(String newText) {
        AtomicFiles.write(path, newText.getBytes(StandardCharsets.UTF_8), "rw-r--r--");
    }
}
