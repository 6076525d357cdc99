package com.cmdop.update.state;

import com.cmdop.update.model.SettingKey;
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

    /** Applies setting changes to the text, keeping comments and order, and writes the file atomically. */
    public void write(Map<SettingKey, Object> changes) {
        String edited = ConfigEditor.apply(text, changes, path.toString());
        AtomicFiles.write(path, edited.getBytes(StandardCharsets.UTF_8), "rw-r--r--");
    }
}
