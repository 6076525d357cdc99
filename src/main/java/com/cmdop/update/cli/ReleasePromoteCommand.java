package com.cmdop.update.cli;

import com.cmdop.update.exec.AppContext;
import com.cmdop.update.publish.ChannelPublisher;
import com.cmdop.update.publish.SigningKey;
import com.cmdop.update.model.Version;
import com.cmdop.update.model.Channel;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code release promote}: points a channel at a release that is already in the feed. */
@Command(name = "promote",
        versionProvider = ToolVersion.class,
        sortOptions = false,
        usageHelpAutoWidth = true,
        header = "Point a channel at a published release: writes channels/C.json and its signature.",
        description = {
            "",
            "First verifies the release with the key's public half: release.json's signature, every artifact's",
            "length and SHA-256, SHA256SUMS and its signature (exit 80 if anything was changed after publishing).",
            "The new channel manifest gets the previous sequence + 1, published = now, expires = now + --expires.",
            "A channel that already points at this release is left as it is (use release resign to renew it).",
            "Promotion nightly -> beta -> stable is promote to each channel in turn."},
        optionListHeading = "%nOptions:%n",
        footerHeading = "%nExamples:%n",
        footer = {
            "  cmdop-update release promote --feed /srv/feed --key keys/cmdop.key --version v1.3.0 --channel beta",
            "  cmdop-update release promote --feed /srv/feed --key keys/cmdop.key --version v1.3.0 --channel stable \\",
            "      --expires 14d --json"})
public final class ReleasePromoteCommand extends BaseCommand {
    @Mixin
    ReleaseOptions.FeedDir feed = new ReleaseOptions.FeedDir();

    @Mixin
    ReleaseOptions.Key key = new ReleaseOptions.Key();

    @Mixin
    ReleaseOptions.ReleaseVersion version = new ReleaseOptions.ReleaseVersion();

    @Option(names = "--channel", paramLabel = "C", required = true, description = "stable, beta or nightly.")
    String channel;

    @Mixin
    ReleaseOptions.Expires expires = new ReleaseOptions.Expires();

    public ReleasePromoteCommand(AppContext ctx) {
        super(ctx);
    }

    @Override
    protected String commandName() {
        return "release promote";
    }

    @Override
    protected void run(Report report) {
        Version v = version.parse();
        Channel c = ReleaseSupport.channel("--channel", channel);
        Duration expiry = expires.parse();
        Path feedDir = feed.resolve(ctx);
        SigningKey signingKey = key.read(ctx);
        ChannelPublisher.ChannelUpdate u = new ChannelPublisher(ctx.lockWait())
                .promote(feedDir, signingKey, v, c, expiry, ctx.clock().instant());
        u.warnings().forEach(report::warn);
        report.status(u.changed() ? Report.CHANGED : Report.UNCHANGED).changed(u.changed());
        report.msg(u.changed()
                ? "channel " + c + " -> " + v + " (sequence " + u.manifest().sequence() + ", expires "
                        + u.manifest().expires() + ")"
                : "channel " + c + " already points at " + v + " (sequence " + u.manifest().sequence()
                        + ", expires " + u.manifest().expires() + "); nothing to write");
        report.put("key_id", signingKey.keyId());
        report.put("feed", feedDir.toString());
        report.put("version", v.toString());
        report.put("channel", u.toMap());
        report.put("files", u.files());
    }

    @Override
    protected void renderText(Report report) {
        if (globals().quiet()) {
            return;
        }
        PrintStream o = ctx.out();
        o.println(report.msg());
        ReleaseSupport.line(o, "feed", report.extra("feed"));
        ReleaseSupport.line(o, "key id", report.extra("key_id"));
        ReleaseRendering.channel(o, report.extra("channel"));
        ReleaseRendering.files(o, report.extra("files"));
        o.flush();
    }
}
