package com.cmdop.update.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Snapshots of a directory tree (path -> mtime, inode, size), to prove that a run wrote nothing. */
public final class Trees {
    private Trees() {}

    public static Map<String, String> snapshot(Path root) {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            s.forEach(p -> {
                try {
                    FileTime t = Files.getLastModifiedTime(p);
                    files.put(root.relativize(p).toString(), t.toInstant() + " ino=" + Files.getAttribute(p, "unix:ino") + " " + (Files.isDirectory(p) ? "dir"
                            : Files.size(p)));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files;
    }
}
