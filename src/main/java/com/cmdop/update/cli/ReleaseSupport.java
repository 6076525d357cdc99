package com.cmdop.update.cli;

import com.cmdop.update.exec.AppContext;
import com.cmdop.update.model.error.ErrorCode;
import com.cmdop.update.model.error.UpdateException;
import com.cmdop.update.publish.KeyPasswords;
import com.cmdop.update.publish.SigningKey;
import com.cmdop.update.model.Version;
import com.cmdop.update.model.Channel;
import java.io.Console;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;

/** What the release subcommands share: reading flags into typed values, the key and its password. */
final class ReleaseSupport {
    private ReleaseSupport() {}

    /** The password sources of this run: CMDOP_KEY_PASSWORD, else the terminal when there is one. */
    static KeyPasswords passwords(AppContext ctx) {
        Console console = ctx.stderrIsTerminal() ? System.console() : null;
        KeyPasswords.Prompt prompt = console == null ? null : text -> console.readPassword("%s", text);
        return new KeyPasswords(ctx.env(), prompt);
    }

    static SigningKey readKey(AppContext ctx, Path keyFile) {
        return SigningKey.read(keyFile, passwords(ctx).forExistingKey());
    }

    static Version version(String flag, String text) {
        try {
            return Version.parse(text);
        } catch (IllegalArgumentException e) {
            throw new UpdateException(ErrorCode.USAGE, flag + ": " + e.getMessage(), Map.of("field", flag));
        }
    }

    static Channel channel(String flag, String text) {
        try {
            return Channel.parse(text);
        } catch (IllegalArgumentException e) {
            throw new UpdateException(ErrorCode.USAGE, flag + ": " + e.getMessage(), Map.of("field", flag));
        }
    }

    /** Prints "  label  value" lines with aligned values. */
    static void line(PrintStream out, String label, Object value) {
        out.println("  " + Output.padRight(label, 14) + value);
    }
}
