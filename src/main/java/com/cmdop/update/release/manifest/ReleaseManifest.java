package com.cmdop.update.release.manifest;

import com.cmdop.update.model.Advisory;

import com.cmdop.update.model.Platform;

import com.cmdop.update.model.Version;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code releases/<version>/release.json}: the artifacts of one version with their signed length and
 * SHA-256, the SHA-256 of SHA256SUMS, and the security advisories this version fixes.
 */
public record ReleaseManifest(int schema, String product, Version version, Instant published,
        List<Artifact> artifacts, String sha256sumsSha256, List<Advisory> advisories, String notes) {

    static final Set<String> FIELDS = Set.of("schema", "product", "version", "published", "artifacts",
            "sha256sums_sha256", "advisories", "notes");
    static final Set<String> ARTIFACT_FIELDS = Set.of("platform", "file", "length", "sha256");
    static final Set<String> ADVISORY_FIELDS = Set.of("id", "severity", "summary", "fixed_in");
    /** A bare file name: no separators, no dot-only names, nothing a shell or URL would reinterpret. */
    public static final Pattern BARE_NAME = Pattern.compile("^(?!\\.{1,2}$)[A-Za-z0-9._+-]{1,128}$");
    public static final Set<String> SEVERITIES = Set.of("low", "medium", "high", "critical");
    private static final int MAX_ENTRIES = 64;

    public ReleaseManifest {
        artifacts = List.copyOf(artifacts);
        advisories = List.copyOf(advisories);
    }

    /** One downloadable binary. {@code file} is checked to be a bare name by whoever resolves it. */
    public record Artifact(String platform, String file, long length, String sha256) {}

    public Optional<Artifact> artifactFor(Platform platform) {
        return artifacts.stream().filter(a -> a.platform().equals(platform.toString())).findFirst();
    }

    public static ReleaseManifest parse(byte[] bytes, String source) {
        ManifestJson j = new ManifestJson(source);
        JsonNode n = j.readObject(bytes, FIELDS);
        Version version = version(j, n, "version");
        List<Artifact> artifacts = artifacts(j, n.get("artifacts"), "artifacts");
        List<Advisory> advisories = advisories(j, n.get("advisories"), "advisories");
        return new ReleaseManifest(j.integer(n, "schema"), j.text(n, "product"), version, j.time(n, "published"),
                artifacts, j.sha256(n, "sha256sums_sha256"), advisories, j.text(n, "notes"));
    }

    /** The {@code artifacts} list at {@code field} (shared with the release index). */
    static List<Artifact> artifacts(ManifestJson j, JsonNode arts, String field) {
        if (!arts.isArray() || arts.size() > MAX_ENTRIES) {
            throw j.fail(field, "must be a list of at most " + MAX_ENTRIES + " artifacts");
        }
        List<Artifact> artifacts = new ArrayList<>();
        for (int i = 0; i < arts.size(); i++) {
            JsonNode a = arts.get(i);
            String f = field + "[" + i + "]";
            if (!a.isObject()) {
                throw j.fail(f, "must be an object");
            }
            j.checkKeys(a, ARTIFACT_FIELDS, f);
            String platform = j.text(a, "platform");
            try {
                Platform.parse(platform);
            } catch (IllegalArgumentException e) {
                throw j.fail(f + ".platform", e.getMessage());
            }
            artifacts.add(new Artifact(platform, j.text(a, "file"), j.positiveLong(a, "length"), j.sha256(a, "sha256")));
        }
        return artifacts;
    }

    /** The {@code advisories} list at {@code field} (shared with the release index). */
    static List<Advisory> advisories(ManifestJson j, JsonNode advs, String field) {
        if (!advs.isArray() || advs.size() > MAX_ENTRIES) {
            throw j.fail(field, "must be a list of at most " + MAX_ENTRIES + " advisories");
        }
        List<Advisory> advisories = new ArrayList<>();
        for (int i = 0; i < advs.size(); i++) {
            JsonNode a = advs.get(i);
            String f = field + "[" + i + "]";
            if (!a.isObject()) {
                throw j.fail(f, "must be an object");
            }
            j.checkKeys(a, ADVISORY_FIELDS, f);
            String severity = j.text(a, "severity");
            if (!SEVERITIES.contains(severity)) {
                throw j.fail(f + ".severity", "must be one of low, medium, high, critical");
            }
            advisories.add(new Advisory(j.text(a, "id"), severity, j.text(a, "summary"), version(j, a, "fixed_in")));
        }
        return advisories;
    }

    static List<Map<String, Object>> artifactsJson(List<Artifact> artifacts) {
        return artifacts.stream().map(a -> {
            Map<String, Object> am = new LinkedHashMap<>();
            am.put("platform", a.platform());
            am.put("file", a.file());
            am.put("length", a.length());
            am.put("sha256", a.sha256());
            return am;
        }).toList();
    }

    static List<Map<String, Object>> advisoriesJson(List<Advisory> advisories) {
        return advisories.stream().map(a -> {
            Map<String, Object> am = new LinkedHashMap<>();
            am.put("id", a.id());
            am.put("severity", a.severity());
            am.put("summary", a.summary());
            am.put("fixed_in", a.fixedIn().toString());
            return am;
        }).toList();
    }

    static Version version(ManifestJson j, JsonNode n, String field) {
        try {
            return Version.parse(j.text(n, field));
        } catch (IllegalArgumentException e) {
            throw j.fail(field, e.getMessage());
        }
    }

    public byte[] toBytes() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("schema", schema);
        m.put("product", product);
        m.put("version", version.toString());
        m.put("published", published.toString());
        m.put("artifacts", artifactsJson(artifacts));
        m.put("sha256sums_sha256", sha256sumsSha256);
        m.put("advisories", advisoriesJson(advisories));
        m.put("notes", notes);
        return ManifestJson.write(m);
    }
}
