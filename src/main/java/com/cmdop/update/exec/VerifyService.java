package com.cmdop.update.exec;

import com.cmdop.update.audit.EventLog;
import com.cmdop.update.model.Channel;
import com.cmdop.update.model.Settings;
import com.cmdop.update.model.Version;
import com.cmdop.update.release.SignedFeed;
import com.cmdop.update.release.feed.FeedClient;
import com.cmdop.update.release.manifest.FeedLayout;
import com.cmdop.update.release.manifest.Sha256Sums;
import com.cmdop.update.state.Machine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@code --verify FILE [--sums SHA256SUMS] [--feed URL] [--trusted-key KEY]...}: where to look for the
 * signed checksum of a binary, in order: the SHA256SUMS given, the one beside the file, else the feed's signed
 * release index (every published release, whatever the file is called); for a feed without index, the release
 * of the version the file name names, or, for a renamed binary such as {@code ./cmdop}, the newest release of
 * each channel and the installed version. A file that no signed checksum lists is exit 80; it
 * writes the CRITICAL tamper line into the agent's log only when it is the installed agent.
 */
public final class VerifyService {
    private final AppContext ctx;

    public VerifyService(AppContext ctx) {
        this.ctx = ctx;
    }

    /** What was verified, and log writes that failed (warnings). */
    public record Result(BinaryVerification.Verified verified, List<String> warnings) {}

    /**
     * @param sums      the SHA256SUMS given with --sums, or null
     * @param overrides the feed and keys given with --feed and --trusted-key for this check only (nothing is
     *                  written), else the machine's
     */
    public Result verify(Machine machine, Settings overrides, Path file, Path sums) {
        Path beside = file.resolveSibling(Sha256Sums.FILE_NAME);
        // only the installed agent failing its check is tampering with this machine, worth a CRITICAL line
        boolean agent = isInstalledAgent(machine, file);
        EventLog events = agent ? FeedSession.events(machine, ctx.clock(), RunRequest.CLI, RunIds.next(), ctx.err())
                : EventLog.unlogged(ctx.clock(), RunRequest.CLI, RunIds.next());
        BinaryVerification verification = new BinaryVerification(FeedSession.verifier(machine, overrides), events);
        BinaryVerification.Verified verified;
        if (sums != null || Files.isRegularFile(beside)) {
            Path s = sums != null ? sums : beside;
            verified = verification.verify(file, List.of(() -> BinaryVerification.fromFile(s)));
        } else {
            SignedFeed feed = FeedSession.open(machine, overrides, ctx.env(), ctx.clock().instant(), events,
                    ctx.feedTimeouts());
            try (FeedClient client = feed.client()) {
                Optional<SignedFeed.VerifiedIndex> index = feed.index();
                verified = index.isPresent()
                        ? verification.verifyInIndex(file, index.get(), client.location() + "/" + FeedLayout.INDEX)
                        : verification.verify(file, feedCandidates(machine, feed, file));
            }
        }
        return new Result(verified, events.drainWarnings());
    }

    private static List<Supplier<BinaryVerification.SignedSums>> feedCandidates(Machine machine, SignedFeed feed,
            Path file) {
        Version named = BinaryVerification.versionInName(file);
        List<Supplier<BinaryVerification.SignedSums>> list = new ArrayList<>();
        if (named != null) {
            list.add(() -> BinaryVerification.fromFeed(feed.client(), named));
            return list;
        }
        // a renamed binary: the newest release of each channel, then the installed version
        for (Channel channel : Channel.values()) {
            list.add(() -> BinaryVerification.fromFeed(feed.client(), feed.channel(channel).manifest().version()));
        }
        Version installed = MachineFacts.installedVersion(machine);
        if (installed != null) {
            list.add(() -> BinaryVerification.fromFeed(feed.client(), installed));
        }
        return list;
    }

    private static boolean isInstalledAgent(Machine machine, Path file) {
        Path agent = machine.paths().installPath(machine.settings());
        try {
            return Files.exists(agent) && Files.isSameFile(agent, file);
        } catch (java.io.IOException e) {
            return agent.toAbsolutePath().normalize().equals(file.toAbsolutePath().normalize());
        }
    }
}
