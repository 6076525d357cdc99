package com.cmdop.update.cli;

import com.cmdop.update.exec.AppContext;
import com.cmdop.update.model.error.ErrorCode;
import com.cmdop.update.model.error.UpdateException;
import com.cmdop.update.publish.ReleasePublisher;
import com.cmdop.update.publish.SigningKey;
import com.cmdop.update.model.Version;
import com.cmdop.update.model.Platform;
import com.cmdop.update.release.manifest.ReleaseManifest;
import com.cmdop.update.model.Channel;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code release publish}: writes a signed release into a feed and optionally points a channel at it. */
@Command(name = "publish",
        versionProvider = ToolVersion.class,
        sortOptions = false,
        usageHelpAutoWidth = true,
        header = "Publish a signed release to a feed directory, and optionally point a channel at it.",
        description = {
            "",
            "Writes releases/V/: the artifacts (named cmdop_V_<os>_<arch>), SHA256SUMS and release.json,",
            "each signed (.minisig); then, with --channel, channels/C.json. Every file is written atomically",
            "and the channel last, so a reader never sees a channel pointing at a half-written release.",
            "A published version is immutable: publishing it again with other artifacts, advisories or notes",
            "is refused (exit 65); the identical publish is a no-op (it restores missing or damaged files)."},
        optionListHeading = "%nOptions:%n",
        footerHeading = "%nExamples:%n",
        footer = {
            "  cmdop-update release publish --feed /srv/feed --key keys/cmdop.key --version v1.2.3 \\",
            "      --artifact linux-amd64=dist/cmdop-linux-amd64 --artifact linux-arm64=dist/cmdop-linux-arm64",
            "  cmdop-update release publish --feed /srv/feed --key keys/cmdop.key --version v1.3.0-nightly.20261127 \\",
            "      --artifact linux-amd64=dist/cmdop --channel nightly --expires 7d --json",
            "  cmdop-update release publish ... --version v1.2.4 --advisory CMDOP-2026-001:high:'Token leak in logs'"})
public final class ReleasePublishCommand extends BaseCommand {
    private static final Pattern ADVISORY_ID = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$");
    private static final int MAX_SUMMARY = 500;
    private static final int MAX_NOTES = 16 * 1024;

    @Mixin
    ReleaseOptions.FeedDir feed = new ReleaseOptions.FeedDir();

    @Mixin
    ReleaseOptions.Key key = new ReleaseOptions.Key();

    @Mixin
    ReleaseOptions.ReleaseVersion version = new ReleaseOptions.ReleaseVersion();

    @Option(names = "--artifact", paramLabel = "PLATFORM=FILE", required = true,
            description = "A built agent binary and its platform, such as linux-amd64=dist/cmdop. Repeat per platform.")
    List<String> artifacts = new ArrayList<>();

    @Option(names = "--channel", paramLabel = "C",
            description = "Then point channel C (stable, beta or nightly) at this version.")
    String channel;

    /** With --channel only: it is the channel manifest's expiry. */
    @Mixin
    ReleaseOptions.Expires expires = new ReleaseOptions.Expires();

    @Option(names = "--advisory", paramLabel = "ID:SEVERITY:SUMMARY",
            description = "A security advisory this version fixes; SEVERITY is low, medium, high or critical. Repeatable.")
    List<String> advisories = new ArrayList<>();

    @Option(names = "--notes", paramLabel = "TEXT", description = "Release notes (a short text or a URL).")
    String notes;

    public ReleasePublishCommand(AppContext ctx) {
        super(ctx);
    }

    @Override
    protected String commandName() {
        return "release publish";
    }

    @Override
    protected void run(Report report) {
        Version v = version.parse();
        List<ReleasePublisher.ArtifactInput> inputs = artifacts.stream().map(this::artifact).toList();
        List<ReleasePublisher.AdvisoryInput> advisoryInputs = advisories.stream().map(ReleasePublishCommand::advisory)
                .toList();
        Channel c = channel == null ? null : ReleaseSupport.channel("--channel", channel);
        if (expires.given() && c == null) {
            throw usage("--expires goes with --channel (it is the channel manifest's expiry)");
        }
        Duration expiry = expires.parse();
        if (notes != null && (notes.length() > MAX_NOTES || notes.indexOf('\0') >= 0)) {
            throw usage("--notes: at most " + MAX_NOTES + " characters of text; link to longer notes");
        }
        ReleasePublisher.Request request = new ReleasePublisher.Request(feed.resolve(ctx), v, inputs, advisoryInputs,
                notes, c, expiry);
        ReleasePublisher.checkInputs(request);
        SigningKey signingKey = key.read(ctx);
        ReleasePublisher.Result r = new ReleasePublisher(ctx.lockWait()).publish(request, signingKey,
                ctx.clock().instant());

        r.warnings().forEach(report::warn);
        boolean changed = r.changed();
        report.status(changed ? Report.CHANGED : Report.UNCHANGED).changed(changed);
        StringBuilder msg = new StringBuilder();
        if (r.newRelease()) {
            msg.append("published ").append(v);
        } else if (r.files().isEmpty()) {
            msg.append(v).append(" is already published with these artifacts; nothing to write");
        } else {
            msg.append(v).append(" was already published; restored ").append(r.files().size()).append(" file(s)");
        }
        if (r.channel() != null) {
            msg.append(r.channel().changed()
                    ? "; channel " + c + " -> " + v + " (sequence " + r.channel().manifest().sequence() + ")"
                    : "; channel " + c + " already points at it");
        }
        report.msg(msg.toString());
        report.put("key_id", signingKey.keyId());
        report.put("feed", feed.resolve(ctx).toString());
        report.put("version", v.toString());
        report.put("release_sha256", r.releaseSha256());
        report.put("artifacts", r.manifest().artifacts().stream().map(ReleasePublishCommand::artifactMap).toList());
        report.put("files", r.allFiles());
        report.put("channel", r.channel() == null ? null : r.channel().toMap());
    }

    private ReleasePublisher.ArtifactInput artifact(String spec) {
        int eq = spec.indexOf('=');
        if (eq < 0) {
            throw usage("--artifact " + spec + ": expected PLATFORM=FILE, such as linux-amd64=dist/cmdop");
        }
        String platform = spec.substring(0, eq);
        String file = spec.substring(eq + 1);
        if (file.isEmpty()) {
            throw usage("--artifact " + spec + ": the file after '=' is missing");
        }
        try {
            return new ReleasePublisher.ArtifactInput(Platform.parse(platform), absolute(Path.of(file)));
        } catch (IllegalArgumentException e) {
            throw usage("--artifact " + spec + ": " + e.getMessage());
        }
    }

    static ReleasePublisher.AdvisoryInput advisory(String spec) {
        String[] parts = spec.split(":", 3);
        if (parts.length < 3) {
            throw new UpdateException(ErrorCode.USAGE, "--advisory " + spec + ": expected ID:SEVERITY:SUMMARY, such as"
                    + " CMDOP-2026-001:high:'Token leak in logs'", Map.of("field", "--advisory"));
        }
        String id = parts[0];
        String severity = parts[1].toLowerCase(Locale.ROOT);
        String summary = parts[2].strip();
        if (!ADVISORY_ID.matcher(id).matches()) {
            throw new UpdateException(ErrorCode.USAGE, "--advisory " + spec + ": the id '" + id + "' must be letters,"
                    + " digits, '.', '_' or '-' (at most 64), such as CMDOP-2026-001 or CVE-2026-12345",
                    Map.of("field", "--advisory"));
        }
        if (!ReleaseManifest.SEVERITIES.contains(severity)) {
            throw new UpdateException(ErrorCode.USAGE, "--advisory " + spec + ": severity '" + parts[1]
                    + "' must be one of low, medium, high, critical", Map.of("field", "--advisory"));
        }
        if (summary.isEmpty() || summary.length() > MAX_SUMMARY || summary.chars().anyMatch(ch -> ch < 0x20)) {
            throw new UpdateException(ErrorCode.USAGE, "--advisory " + spec + ": the summary must be one line of"
                    + " 1 to " + MAX_SUMMARY + " characters", Map.of("field", "--advisory"));
        }
        return new ReleasePublisher.AdvisoryInput(id, severity, summary);
    }

    private static Map<String, Object> artifactMap(ReleaseManifest.Artifact a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("platform", a.platform());
        m.put("file", a.file());
        m.put("length", a.length());
        m.put("sha256", a.sha256());
        return m;
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
        ReleaseSupport.line(o, "release.json", "sha256 " + report.extra("release_sha256"));
        for (Object a : (List<?>) report.extra("artifacts")) {
            Map<?, ?> m = (Map<?, ?>) a;
            ReleaseSupport.line(o, String.valueOf(m.get("platform")), m.get("file") + "  " + m.get("length")
                    + " bytes  sha256 " + m.get("sha256"));
        }
        ReleaseRendering.channel(o, report.extra("channel"));
        ReleaseRendering.files(o, report.extra("files"));
        o.flush();
    }
}
