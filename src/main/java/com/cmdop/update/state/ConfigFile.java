package com.cmdop.update.state;

import com.cmdop.update.model.Setting;
import com.cmdop.update.model.Settings;

import com.cmdop.update.model.error.ErrorCode;
import com.cmdop.update.model.error.InvalidInputException;
import com.cmdop.update.io.AtomicFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** config.yaml as read at the start of a run: its text (kept for comment-preserving edits) and settings. */
public record ConfigFile(Path path, String text, boolean exists, Settings settings) {

    public static ConfigFile load(Path path) {
        if (!Files.exists(path)) {
            return new ConfigFile(path, "", false, Settings.DEFAULTS);
        }
        if (Files.isDirectory(path)) {
            throw new InvalidInputException(ErrorCode.INVALID_CONFIG, path + " is a directory; --config must name "
                    + "the config.yaml file", Map.of("source", path.toString()));
        }
        String text;
        try {
            if (Files.size(path) > StrictYaml.MAX_CHARS) {
                throw new InvalidInputException(ErrorCode.INVALID_CONFIG, path + " is larger than "
                        + StrictYaml.MAX_CHARS / 1024 + " KiB; is this the right file?", Map.of("source", path.toString()));
            }
            // a strict decoder: a binary file must not be half-read as settings
            text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(Files.readAllBytes(path))).toString();
        } catch (CharacterCodingException e) {
            throw new InvalidInputException(ErrorCode.INVALID_CONFIG, path + " is not UTF-8 text",
                    Map.of("source", path.toString()));
        } catch (IOException e) {
            throw AtomicFiles.ioFailure("read", path, e);
        }
        return new ConfigFile(path, text, true, ConfigReader.parse(text, path.toString()));
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
