package com.cmdop.update.cli;

import com.cmdop.update.exec.AppContext;
import com.cmdop.update.model.Version;
import com.cmdop.update.publish.Expiry;
import com.cmdop.update.publish.KeyPasswords;
import com.cmdop.update.publish.SigningKey;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * The options the release subcommands share, as picocli mixins ({@code @Mixin}): one declaration of each
 * flag's name, label, help text and parsing, so publish, promote and resign cannot drift apart.
 */
final class ReleaseOptions {
    private ReleaseOptions() {}

    /** {@code --feed DIR} (required). */
    static final class FeedDir {
        @Option(names = "--feed", paramLabel = "DIR", required = true,
                description = "The feed directory (release publish creates it if missing).")
        Path feed;

        /** The feed directory, resolved against the working directory like every command-line path. */
        Path resolve(AppContext ctx) {
            return ctx.cwd().resolve(feed).normalize();
        }
    }

    /** {@code --key FILE} (required): the publisher's secret key, with its password from env or terminal. */
    static final class Key {
        @Option(names = "--key", paramLabel = "FILE", required = true,
                description = "The publisher's minisign secret key (release keygen or minisign -G); what is already"
                        + " in the feed must verify with its public half. An encrypted key's password comes from "
                        + KeyPasswords.ENV + " or the terminal.")
        Path key;

        /** Reads and, if encrypted, decrypts the key. */
        SigningKey read(AppContext ctx) {
            return ReleaseSupport.readKey(ctx, ctx.cwd().resolve(key).normalize());
        }
    }

    /** {@code --version V} (required): a release version, a usage error (64) when it is not v + SemVer. */
    static final class ReleaseVersion {
        @Option(names = "--version", paramLabel = "V", required = true,
                description = "The release's version: v + SemVer, such as v1.2.3 or v1.3.0-beta.2.")
        String version;

        Version parse() {
            return ReleaseSupport.version("--version", version);
        }
    }

    /** {@code --expires D}: how long a channel manifest written now stays valid. */
    static final class Expires {
        @Option(names = "--expires", paramLabel = "D",
                description = "How long the channel manifests written now stay valid, " + Expiry.MIN + " .. "
                        + Expiry.MAX + " (default " + Expiry.DEFAULT + ").")
        String expires;

        boolean given() {
            return expires != null;
        }

        /** The expiry, the default when not given; out of range is a usage error (64). */
        Duration parse() {
            return Expiry.parse(expires);
        }
    }
}
