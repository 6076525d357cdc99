package com.cmdop.update.release.manifest;

import com.cmdop.update.model.Version;
import com.cmdop.update.model.Channel;

/** The feed layout of SPEC section 7, as paths relative to the feed root. */
public final class FeedLayout {
    public static final String SIG = ".minisig";
    public static final String RELEASE_JSON = "release.json";
    public static final String SHA256SUMS = "SHA256SUMS";

    private FeedLayout() {}

    /** The signed index of every published release (SPEC section 11). */
    public static final String INDEX = "releases/index.json";

    public static String channel(Channel channel) {
        return "channels/" + channel.id() + ".json";
    }

    public static String releaseDir(Version version) {
        return "releases/" + version;
    }

    public static String releaseManifest(Version version) {
        return releaseDir(version) + "/" + RELEASE_JSON;
    }

    public static String sha256sums(Version version) {
        return releaseDir(version) + "/" + SHA256SUMS;
    }

    public static String artifact(Version version, String file) {
        return releaseDir(version) + "/" + file;
    }

    public static String signatureOf(String path) {
        return path + SIG;
    }
}
