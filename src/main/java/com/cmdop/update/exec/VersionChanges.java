package com.cmdop.update.exec;

import com.cmdop.update.install.ExpectedArtifact;
import com.cmdop.update.install.InstallEnv;
import com.cmdop.update.install.InstallResult;
import com.cmdop.update.install.Installer;
import com.cmdop.update.release.SignedFeed;
import com.cmdop.update.model.Version;
import com.cmdop.update.release.manifest.FeedLayout;
import com.cmdop.update.model.Platform;
import com.cmdop.update.release.manifest.ReleaseManifest;


/**
 * Connects the signed feed to the install engine: the release manifest (signature-checked, and pinned
 * to the channel's hash when it is the channel's head) names the artifact, its length and SHA-256;
 * the engine streams the download through those checks beside install_path before one atomic swap.
 */
final class VersionChanges {
    private final FeedHandle feed;
    private final InstallEnv env;
    private final Platform platform;

    VersionChanges(FeedHandle feed, InstallEnv env, Platform platform) {
        this.feed = feed;
        this.env = env;
        this.platform = platform;
    }

    InstallResult install(Version version) {
        FeedHandle.Resolved r = feed.resolve(version, platform);
        ReleaseManifest.Artifact artifact = r.artifact();
        String path = FeedLayout.artifact(version, artifact.file());
        ExpectedArtifact expected = new ExpectedArtifact(version, artifact.length(), artifact.sha256(), r.keyId());
        SignedFeed signed = feed.feed();
        InstallResult result = new Installer(env).install(expected,
                out -> signed.client().fetchTo(path, artifact.length(), out));
        feed.commit();
        return result;
    }

    InstallResult rollback() {
        return new Installer(env).rollback();
    }
}
