package com.cmdop.update.cli;

import com.cmdop.update.exec.AppContext;
import com.cmdop.update.publish.KeyGenerator;
import com.cmdop.update.publish.KeyPasswords;
import java.io.PrintStream;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code release keygen --out DIR [--force] [--unencrypted]}: a new minisign key pair for a feed. */
@Command(name = "keygen",
        versionProvider = ToolVersion.class,
        sortOptions = false,
        usageHelpAutoWidth = true,
        header = "Make the publisher's minisign key pair: DIR/cmdop.key (secret, mode 0600) and DIR/cmdop.pub.",
        description = {
            "",
            "The secret key is encrypted with scrypt (as minisign -G does) using the password in",
            "CMDOP_KEY_PASSWORD, or one typed twice at the terminal. With neither, it refuses unless",
            "--unencrypted says to write the key without a password (as minisign -G -W does).",
            "Prints the key id and the line to put into update.trusted_keys on every machine.",
            "Existing keys are never replaced without --force. Keys made by minisign -G work as well."},
        optionListHeading = "%nOptions:%n",
        footerHeading = "%nExamples:%n",
        footer = {
            "  cmdop-update release keygen --out ~/.cmdop-publish                  asks for a password twice",
            "  CMDOP_KEY_PASSWORD=... cmdop-update release keygen --out keys --json  for scripts",
            "  cmdop-update release keygen --out keys --unencrypted                 no password (keep it safe)"})
public final class ReleaseKeygenCommand extends BaseCommand {
    @Option(names = "--out", paramLabel = "DIR", required = true,
            description = "Directory for cmdop.key and cmdop.pub (created with mode 0700 if missing).")
    Path out;

    @Option(names = "--force", description = "Replace an existing cmdop.key / cmdop.pub in DIR.")
    boolean force;

    @Option(names = "--unencrypted",
            description = "Write the secret key without a password (needed when there is no terminal and no "
                    + KeyPasswords.ENV + ").")
    boolean unencrypted;

    public ReleaseKeygenCommand(AppContext ctx) {
        super(ctx);
    }

    @Override
    protected String commandName() {
        return "release keygen";
    }

    @Override
    protected void run(Report report) {
        Path dir = absolute(out);
        KeyGenerator.checkTarget(dir, force);
        KeyPasswords passwords = ReleaseSupport.passwords(ctx);
        if (unencrypted && passwords.fromEnvironment()) {
            report.warn(KeyPasswords.ENV + " is set but --unencrypted was given: the key is written without a"
                    + " password");
        }
        char[] password = passwords.forNewKey(unencrypted);
        KeyGenerator.Result r = new KeyGenerator(new SecureRandom()).generate(dir, force, password);
        if (!r.encrypted()) {
            report.warn(r.secretKey() + " is not encrypted: anyone who can read it can publish to your machines;"
                    + " keep it readable by the publisher only (it is mode 0600)");
        }
        report.status(Report.CHANGED).changed(true)
                .msg("new key " + r.keyId() + " in " + r.secretKey() + (r.encrypted() ? " (encrypted)" : " (not encrypted)")
                        + " and " + r.publicKey());
        report.put("key_id", r.keyId());
        report.put("public_key", r.publicKeyBase64());
        report.put("encrypted", r.encrypted());
        report.put("files", List.of(r.secretKey().toString(), r.publicKey().toString()));
    }

    @Override
    protected void renderText(Report report) {
        if (globals().quiet()) {
            return;
        }
        PrintStream o = ctx.out();
        o.println(report.msg());
        ReleaseSupport.line(o, "key id", report.extra("key_id"));
        ReleaseSupport.line(o, "public key", report.extra("public_key"));
        o.println();
        o.println("Trust it on every machine (config.yaml):");
        o.println("  update:");
        o.println("    trusted_keys:");
        o.println("      - " + report.extra("public_key"));
        o.println("Keep " + KeyGenerator.SECRET_FILE + " secret and backed up: it is what makes your releases"
                + " trusted.");
        o.flush();
    }
}
