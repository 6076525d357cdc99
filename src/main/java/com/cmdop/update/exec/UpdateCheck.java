package com.cmdop.update.exec;

import com.cmdop.update.release.SignedFeed;
import com.cmdop.update.model.Version;
import com.cmdop.update.model.Platform;
import com.cmdop.update.release.manifest.ReleaseManifest;
import com.cmdop.update.model.Settings;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code --check}: what the channel offers, whether this machine should move, and which security
 * advisories apply. A pinned machine still hears about advisories fixed after its pin: that is the
 * reason to unpin (SPEC section 1).
 */
public final class UpdateCheck {
    private UpdateCheck() {}

    public record Result(SignedFeed.VerifiedChannel channel, SignedFeed.VerifiedRelease release, Version installed,
            Version target, boolean updateAvailable, List<ReleaseManifest.Advisory> advisories,
            List<String> warnings) {}

    public static Result run(Settings settings, Version installed, Set<Version> quarantined, SignedFeed feed,
            Platform platform) {
        SignedFeed.VerifiedChannel ch = feed.channel(settings.channel());
        SignedFeed.VerifiedRelease rel = feed.release(ch.manifest().version(), ch.manifest().releaseSha256(),
                settings.channel().id());
        feed.commit();
        List<String> warnings = new ArrayList<>();
        Version available = ch.manifest().version();
        if (rel.manifest().artifactFor(platform).isEmpty()) {
            warnings.add("release " + available + " has no artifact for this platform (" + platform + ")");
        }
        Version target;
        boolean waiting;
        if (settings.pin() != null) {
            target = settings.pin();
            waiting = !settings.pin().equals(installed);
            if (available.isNewerThan(settings.pin())) {
                warnings.add("pinned to " + settings.pin() + "; the " + settings.channel() + " channel has " + available
                        + " (unpin with 'cmdop-update --unpin' to follow it)");
            }
        } else {
            target = available;
            boolean newer = installed == null || available.isNewerThan(installed);
            boolean blocked = quarantined.contains(available);
            if (newer && blocked) {
                warnings.add(available + " is quarantined on this machine (it failed its health check or was "
                        + "rolled back); it will not be installed automatically until a newer release appears. "
                        + "'cmdop-update --version " + available + "' overrides");
            }
            waiting = newer && !blocked;
        }
        Version reference = settings.pin() != null ? settings.pin() : installed;
        List<ReleaseManifest.Advisory> advisories = rel.manifest().advisories().stream()
                .filter(a -> reference == null || a.fixedIn().isNewerThan(reference)).toList();
        return new Result(ch, rel, installed, target, waiting, advisories, warnings);
    }
}
