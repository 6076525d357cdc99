package com.cmdop.update.cli;

import com.cmdop.update.exec.AppContext;
import picocli.CommandLine.Command;

/** {@code release keygen|publish|promote|resign|verify}: the publisher side (SPEC section 8). */
@Command(name = "release",
        versionProvider = ToolVersion.class,
        sortOptions = false,
        usageHelpAutoWidth = true,
        header = "Publisher side: make keys, publish signed releases to a static feed, move channels.",
        synopsisHeading = "%nUsage: ",
        customSynopsis = "cmdop-update release keygen|publish|promote|resign|verify [OPTIONS]",
        description = {
            "",
            "A feed is a directory of static files (serve it with any web server over https):",
            "  channels/<channel>.json(.minisig)            which version a channel points at, signed, expiring",
            "  releases/<version>/release.json(.minisig)    artifacts with length and SHA-256, advisories",
            "  releases/<version>/SHA256SUMS(.minisig)      for sha256sum -c and cmdop-update --verify",
            "  releases/<version>/cmdop_<version>_<os>_<arch>   the agent binaries",
            "Signatures are minisign (Ed25519): everything signed here verifies with minisign -V.",
            "Keys: CMDOP_KEY_PASSWORD holds the password of an encrypted key; without it you are asked on a",
            "terminal. See docs/publishing.md."},
        optionListHeading = "%nOptions:%n",
        commandListHeading = "%nCommands:%n",
        footerHeading = "%nExamples:%n",
        footer = {
            "  cmdop-update release keygen --out ~/.cmdop-publish",
            "  cmdop-update release publish --feed /srv/feed --key ~/.cmdop-publish/cmdop.key --version v1.2.3 \\",
            "      --artifact linux-amd64=dist/cmdop-linux-amd64 --artifact linux-arm64=dist/cmdop-linux-arm64 \\",
            "      --channel nightly",
            "  cmdop-update release promote --feed /srv/feed --key ~/.cmdop-publish/cmdop.key --version v1.2.3 --channel beta",
            "  cmdop-update release resign --feed /srv/feed --key ~/.cmdop-publish/cmdop.key --expires 30d",
            "  cmdop-update release verify --pubkey cmdop.pub /srv/feed/channels/stable.json",
            "",
            "Exit status: 0 ok (2 with --detailed-exitcode when files were written), 64 usage, 65 bad input",
            "(missing file, wrong password, version not published, published version with other content),",
            "74 I/O, 75 another publisher holds the feed's lock, 80 a signature or hash did not verify."},
        subcommands = {ReleaseKeygenCommand.class, ReleasePublishCommand.class, ReleasePromoteCommand.class,
            ReleaseResignCommand.class, ReleaseVerifyCommand.class})
public final class ReleaseCommand extends BaseCommand {
    public ReleaseCommand(AppContext ctx) {
        super(ctx);
    }

    @Override
    protected String commandName() {
        return "release";
    }

    @Override
    protected void run(Report report) {
        throw usage("release needs a subcommand: keygen, publish, promote, resign or verify"
                + " (cmdop-update release --help lists them)");
    }
}
