package com.cmdop.update.release.manifest;

import com.cmdop.update.model.Version;
import com.cmdop.update.model.Channel;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * {@code channels/<channel>.json}: which release a channel points at. {@code sequence} grows with every
 * publication on the channel, so a replayed older manifest is detectable; {@code expires} bounds how
 * long a frozen feed can keep a machine on an old version.
 */
public record ChannelManifest(int schema, String product, Channel channel, long sequence, Instant published,
        Instant expires, Version version, String releaseSha256) {

    static final Set<String> FIELDS = Set.of("schema", "product", "channel", "sequence", "published", "expires",
            "version", "release_sha256");

    /** Parses verified bytes; {@code source} names the file in errors. */
    public static ChannelManifest parse(byte[] bytes, String source) {
        ManifestJson j = new ManifestJson(source);
        JsonNode n = j.readObject(bytes, FIELDS);
        Channel channel;
        try {
            channel = Channel.parse(j.text(n, "channel"));
        } catch (IllegalArgumentException e) {
            throw j.fail("channel", e.getMessage());
        }
        Version version;
        try {
            version = Version.parse(j.text(n, "version"));
        } catch (IllegalArgumentException e) {
            throw j.fail("version", e.getMessage());
        }
        long sequence = j.positiveLong(n, "sequence");
        if (sequence < 1) {
            throw j.fail("sequence", "must be 1 or more");
        }
        return new ChannelManifest(j.integer(n, "schema"), j.text(n, "product"), channel, sequence,
                j.time(n, "published"), j.time(n, "expires"), version, j.sha256(n, "release_sha256"));
    }

    public byte[] toBytes() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("schema", schema);
        m.put("product", product);
        m.put("channel", channel.id());
        m.put("sequence", sequence);
        m.put("published", published.toString());
        m.put("expires", expires.toString());
        m.put("version", version.toString());
        m.put("release_sha256", releaseSha256);
        return ManifestJson.write(m);
    }
}
