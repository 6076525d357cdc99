package com.cmdop.update.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A machine root for in-process CLI tests: its files at the default paths, and the CLI run against it
 * with {@code --root} and {@code --json}.
 */
public final class Sandbox {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path root;
    private final Cli cli;

    public Sandbox(Path root, Cli cli) {
        this.root = root;
        this.cli = cli;
    }

    /** {@code cmdop-update --root ROOT --json ARGS...} */
    public Cli.Result run(String... args) {
        return runWithStdin("", args);
    }

    public Cli.Result runWithStdin(String stdin, String... args) {
        String[] all = new String[args.length + 3];
        all[0] = "--root";
        all[1] = root.toString();
        all[2] = "--json";
        System.arraycopy(args, 0, all, 3, args.length);
        return cli.runWithStdin(stdin, all);
    }

    public Path root() {
        return root;
    }

    public Path config() {
        return root.resolve("etc/cmdop/config.yaml");
    }

    public Path agent() {
        return root.resolve("usr/local/bin/cmdop");
    }

    public Path stateFile() {
        return root.resolve("var/lib/cmdop/update/state.json");
    }

    public void writeConfig(String text) {
        write(config(), text);
    }

    public void writeState(String json) {
        write(stateFile(), json);
    }

    public JsonNode state() {
        try {
            return JSON.readTree(stateFile().toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(Path p, String text) {
        try {
            Files.createDirectories(p.getParent());
            Files.writeString(p, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
