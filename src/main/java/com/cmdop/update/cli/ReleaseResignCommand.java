package com.cmdop.update.cli;

import com.cmdop.update.exec.AppContext;
import com.cmdop.update.publish.ChannelPublisher;
import com.cmdop.update.publish.SigningKey;
import com.cmdop.update.model.Channel;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code release resign}: renews channel manifests before they expire. */
@Command(name = "resign",
        versionProvider = ToolVersion.class,
        sortOptions = false,
        usageHelpAutoWidth = true,
        header = "Re-sign channel manifests with a new expiry and the next sequence; same versions.",
        description = {
            "",
            "Machines refuse an expired channel manifest (a frozen feed must not hold them back for ever), so",
            "a feed must be re-signed before it expires: run this from cron, e.g. weekly with the 30d default.",
            "Every channel in the feed is re-signed, or only --channel C. Each manifest and the release it",
            "points at are verified with the key first; nothing is written unless all of them verify."},
        optionListHeading = "%nOptions:%n",
        footerHeading = "%nExamples:%n",
        footer = {
            "  cmdop-update release resign --feed /srv/feed --key keys/cmdop.key",
            "  cmdop-update release resign --feed /srv/feed --key keys/cmdop.key --channel nightly --expires 7d",
            "  # crontab: every Monday at 03:00",
            "  0 3 * * 1  cmdop-update release resign --feed /srv/feed --key /etc/cmdop-publish/cmdop.key --quiet"})
public final class ReleaseResignCommand extends BaseCommand {
    @Mixin
    ReleaseOptions.FeedDir feed = new ReleaseOptions.FeedDir();

    @Mixin
    ReleaseOptions.Key key = new ReleaseOptions.Key();

    @Option(names = "--channel", paramLabel = "C",
            description = "Re-sign only this channel (default: every channel the feed has).")
    String channel;

    @Mixin
    ReleaseOptions.Expires expires = new ReleaseOptions.Expires();

    public ReleaseResignCommand(AppContext ctx) {
        super(ctx);
    }

    @Override
    protected String commandName() {
        return "release resign";
    }

    @Override
    protected void run(Report report) {
        Optional<Channel> only = Optional.ofNullable(channel).map(c -> ReleaseSupport.channel("--channel", c));
        Duration expiry = expires.parse();
        Path feedDir = feed.resolve(ctx);
        SigningKey signingKey = key.read(ctx);
        List<ChannelPublisher.ChannelUpdate> updates = new ChannelPublisher(ctx.lockWait())
                .resign(feedDir, signingKey, only, expiry, ctx.clock().instant());
        List<String> files = new ArrayList<>();
        updates.forEach(u -> files.addAll(u.files()));
        report.status(Report.CHANGED).changed(true);
        report.msg("re-signed " + updates.stream().map(u -> u.channel() + " (" + u.manifest().version() + ", sequence "
                + u.manifest().sequence() + ")").collect(Collectors.joining(", ")) + " until "
                + updates.get(0).manifest().expires());
        report.put("key_id", signingKey.keyId());
        report.put("feed", feedDir.toString());
        report.put("channels", updates.stream().map(ChannelPublisher.ChannelUpdate::toMap).toList());
        report.put("files", files);
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
        for (Object c : (List<?>) report.extra("channels")) {
            Map<?, ?> m = (Map<?, ?>) c;
            ReleaseSupport.line(o, String.valueOf(m.get("name")), m.get("version") + ", sequence "
                    + m.get("previous_sequence") + " -> " + m.get("sequence") + ", expires " + m.get("previous_expires")
                    + " -> " + m.get("expires"));
        }
        ReleaseRendering.files(o, report.extra("files"));
        o.flush();
    }
}
