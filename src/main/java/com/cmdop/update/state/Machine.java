package com.cmdop.update.state;

import com.cmdop.update.model.Settings;

import com.cmdop.update.model.error.ErrorCode;
import com.cmdop.update.model.error.UpdateException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** One machine as seen at the start of a run: where everything is, and config.yaml as read. */
public record Machine(MachinePaths paths, ConfigFile config) {

    /**
     * Opens the machine under {@code root}; {@code configOverride} (--config) is used as given.
     *
     * @throws UpdateException USAGE when the root is not a directory
     */
    public static Machine open(Path root, Path configOverride, String home) {
        return open(root, configOverride, home, Layout.SYSTEM);
    }

    /** The same, with the default paths of {@code layout} (the system's, or a user's XDG directories). */
    public static Machine open(Path root, Path configOverride, String home, Layout layout) {
        if (!Files.isDirectory(root)) {
            throw new UpdateException(ErrorCode.USAGE, "--root " + root + ": no such directory; give the machine "
                    + "root (default /) or a sandbox directory that exists", Map.of("field", "--root",
                    "path", root.toString()));
        }
        Path realRoot = root.toAbsolutePath().normalize();
        MachinePaths probe = new MachinePaths(realRoot, null, home, layout);
        Path config = configOverride != null ? configOverride : probe.resolve(layout.config());
        return new Machine(new MachinePaths(realRoot, config, home, layout), ConfigFile.load(config, layout.defaults()));
    }

    public Settings settings() {
        return config.settings();
    }

    /** Re-reads config.yaml (under the lock, to plan against what is there now). */
    public Machine reload() {
        return new Machine(paths, ConfigFile.load(paths.config(), paths.layout().defaults()));
    }
}
