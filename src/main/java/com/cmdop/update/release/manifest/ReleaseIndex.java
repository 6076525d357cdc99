package com.cmdop.update.release.manifest;

import com.cmdop.update.model.Advisory;
import com.cmdop.update.model.Version;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code releases/index.json} (SPEC section 11): every published version with its artifacts (platform, file,
 * length, SHA-256), the SHA-256 of its release.json and its advisories, signed like a channel manifest: a
 * {@code sequence} that grows with every write (so an old index cannot be replayed to hide an advisory or a
 * release) and an {@code expires} (so a frozen feed is noticed). Clients use it to find any signed binary by
 * its hash ({@code --verify}) and to hear every advisory that affects the installed version.
 */
public record ReleaseIndex(int schema, String product, long sequence, Instant published, Instant expires,
        List<Entry> releases) {

    static final Set<String> FIELDS = Set.of("schema", "product", "sequence", "published", "expires", "releases");
    static final Set<String> ENTRY_FIELDS = Set.of("version", "published", "release_sha256", "artifacts",
            "advisories");
    /** More releases than a feed keeps in years of nightlies; with the byte cap, what a client may be made to hold. */
    public static final int MAX_RELEASES = 4096;

    public ReleaseIndex {
        releases = List.copyOf(releases);
    }

    /** One published version, as its signed release.json says. */
    public record Entry(Version version, Instant published, String releaseSha256,
            List<ReleaseManifest.Artifact> artifacts, List<Advisory> advisories) {
        public Entry {
            artifacts = List.copyOf(artifacts);
            advisories = List.copyOf(advisories);
        }

        /** The entry of a verified release manifest whose bytes hash to {@code releaseSha256}. */
        public static Entry of(ReleaseManifest m, String releaseSha256) {
            return new Entry(m.version(), m.published(), releaseSha256, m.artifacts(), m.advisories());
        }
    }

    /** A signed artifact with this SHA-256: which version and platform it is. */
    public record Match(Version version, String platform, String file) {}

    /** Every artifact whose signed SHA-256 is {@code sha256} (the same bytes may be published twice). */
    public List<Match> find(String sha256) {
        List<Match> out = new ArrayList<>();
        for (Entry e : releases) {
            for (ReleaseManifest.Artifact a : e.artifacts()) {
                if (a.sha256().equals(sha256)) {
                    out.add(new Match(e.version(), a.platform(), a.file()));
                }
            }
        }
        return out;
    }

    /**
     * Every advisory of every release, each id once (the one fixed earliest when the same id is published
     * twice): whatever affects an installed version is among them, however far a channel moved past it.
     */
    public List<Advisory> advisories() {
        Map<String, Advisory> byId = new LinkedHashMap<>();
        for (Entry e : releases) {
            for (Advisory a : e.advisories()) {
                byId.merge(a.id(), a, (x, y) -> y.fixedIn().isNewerThan(x.fixedIn()) ? x : y);
            }
        }
        return List.copyOf(byId.values());
    }

    public static ReleaseIndex parse(byte[] bytes, String source) {
        ManifestJson j = new ManifestJson(source);
        JsonNode n = j.readObject(bytes, FIELDS);
        long sequence = j.positiveLong(n, "sequence");
        if (sequence < 1) {
            throw j.fail("sequence", "must be 1 or more");
        }
        JsonNode list = n.get("releases");
        if (!list.isArray() || list.size() > MAX_RELEASES) {
            throw j.fail("releases", "must be a list of at most " + MAX_RELEASES + " releases");
        }
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode e = list.get(i);
            String f = "releases[" + i + "]";
            if (!e.isObject()) {
                throw j.fail(f, "must be an object");
            }
            j.checkKeys(e, ENTRY_FIELDS, f);
            entries.add(new Entry(ReleaseManifest.version(j, e, "version"), j.time(e, "published"),
                    j.sha256(e, "release_sha256"), ReleaseManifest.artifacts(j, e.get("artifacts"), f + ".artifacts"),
                    ReleaseManifest.advisories(j, e.get("advisories"), f + ".advisories")));
        }
        return new ReleaseIndex(j.integer(n, "schema"), j.text(n, "product"), sequence, j.time(n, "published"),
                j.time(n, "expires"), entries);
    }

    public byte[] toBytes() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("schema", schema);
        m.put("product", product);
        m.put("sequence", sequence);
        m.put("published", published.toString());
        m.put("expires", expires.toString());
        m.put("releases", releases.stream().map(e -> {
            Map<String, Object> em = new LinkedHashMap<>();
            em.put("version", e.version().toString());
            em.put("published", e.published().toString());
            em.put("release_sha256", e.releaseSha256());
            em.put("artifacts", ReleaseManifest.artifactsJson(e.artifacts()));
            em.put("advisories", ReleaseManifest.advisoriesJson(e.advisories()));
            return em;
        }).toList());
        return ManifestJson.write(m);
    }
}
