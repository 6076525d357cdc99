package com.cmdop.update.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The options every command takes (SPEC section 2). Mixed into each command, so they may be given
 * before or after the subcommand name; {@link BaseCommand#globals()} merges them down the chain.
 */
public class GlobalOptions {
    @Option(names = "--root", paramLabel = "DIR",
            description = "Machine root: every machine path is resolved inside it (env CMDOP_ROOT; default /).")
    Path root;

    @Option(names = "--config", paramLabel = "FILE",
            description = "config.yaml to use, as given (default <root>/etc/cmdop/config.yaml).")
    Path config;

    @Option(names = "--user",
            description = "User mode: the XDG paths of this user (~/.config/cmdop/config.yaml, ~/.local/bin/cmdop, "
                    + "~/.local/state/cmdop/) and a user scheduler; the default when not root and neither --root nor "
                    + "--config is given.")
    boolean user;

    @Option(names = "--json", description = "Print exactly one JSON document on stdout, also on failure.")
    boolean json;

    @Option(names = "--detailed-exitcode",
            description = "Exit 2 instead of 0 when something changed, drift was found or an update is waiting.")
    boolean detailedExitCode;

    @Option(names = {"-q", "--quiet"}, description = "Print nothing on success (errors still go to stderr).")
    boolean quiet;

    @Option(names = {"-v", "--verbose"}, description = "Explain more; stack traces for internal errors.")
    boolean verbose;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Option(names = {"-V", "--tool-version"}, versionHelp = true,
            description = "Print cmdop-update's own version and exit (--version installs an agent version).")
    boolean toolVersion;

    /** Values given on a later (deeper) command override earlier ones; flags add up. */
    void overlay(GlobalOptions o) {
        if (o.root != null) {
            root = o.root;
        }
        if (o.config != null) {
            config = o.config;
        }
        user |= o.user;
        json |= o.json;
        detailedExitCode |= o.detailedExitCode;
        quiet |= o.quiet;
        verbose |= o.verbose;
    }

    public Path root() {
        return root;
    }

    public Path config() {
        return config;
    }

    public boolean user() {
        return user;
    }

    public boolean json() {
        return json;
    }

    public boolean detailedExitCode() {
        return detailedExitCode;
    }

    public boolean quiet() {
        return quiet;
    }

    public boolean verbose() {
        return verbose;
    }
}
