package com.cmdop.update.cli;

import com.cmdop.update.model.Advisory;

import static org.assertj.core.api.Assertions.assertThat;

import com.cmdop.update.model.Version;
import com.cmdop.update.release.manifest.FeedLayout;
import com.cmdop.update.release.manifest.ReleaseManifest;
import com.cmdop.update.model.Channel;
import com.cmdop.update.support.Cli;
import com.cmdop.update.support.TestFeed;
import com.cmdop.update.support.Trees;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --check} against a directory feed: versions, pins, advisories, and the config it needs. */
class CheckCommandTest {
    @TempDir
    Path root;

    @TempDir
    Path feedDir;

    private TestFeed feed;
    private final Cli cli = new Cli();

    @BeforeEach
    void feedWithTwoReleases() throws IOException {
        feed = new TestFeed(feedDir);
        feed.release("v1.2.3", "agent 1.2.3".getBytes(StandardCharsets.UTF_8));
        feed.release("v1.2.4", "agent 1.2.4".getBytes(StandardCharsets.UTF_8),
                new Advisory("CMDOP-2026-01", "high", "token leak in logs", Version.parse("v1.2.4")));
        feed.point(Channel.STABLE, "v1.2.4");
        writeConfig(feed.config("stable"));
    }

    private void writeConfig(String text) throws IOException {
        Files.createDirectories(root.resolve("etc/cmdop"));
        Files.writeString(root.resolve("etc/cmdop/config.yaml"), text);
    }

    private void installed(String version) throws IOException {
        Path state = root.resolve("var/lib/cmdop/update/state.json");
        Files.createDirectories(state.getParent());
        Files.writeString(state, "{\"installed_version\": \"" + version + "\"}");
    }

    private Cli.Result check(String... extra) {
        String[] args = new String[4 + extra.length];
        args[0] = "--root";
        args[1] = root.toString();
        args[2] = "--check";
        args[3] = "--json";
        System.arraycopy(extra, 0, args, 4, extra.length);
        return cli.run(args);
    }

    @Test
    void anUpdateIsWaitingWhenTheChannelIsNewer() throws IOException {
        installed("v1.2.3");
        Cli.Result r = check("--detailed-exitcode");
        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        JsonNode j = r.json();
        assertThat(j.get("command").asText()).isEqualTo("check");
        assertThat(j.get("update_available").asBoolean()).isTrue();
        assertThat(j.get("agent").get("installed_version").asText()).isEqualTo("v1.2.3");
        assertThat(j.get("agent").get("available_version").asText()).isEqualTo("v1.2.4");
        assertThat(j.get("advisories").findValuesAsText("id")).containsExactly("CMDOP-2026-01");
        assertThat(j.get("feed").get("key_id").asText()).isEqualTo(feed.key().keyId());
        assertThat(j.get("exit_code").asInt()).isEqualTo(2);
    }

    @Test
    void nothingIsWaitingWhenTheInstalledVersionIsCurrentAndNoAdvisoryApplies() throws IOException {
        installed("v1.2.4");
        Cli.Result r = check("--detailed-exitcode");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.json().get("update_available").asBoolean()).isFalse();
        assertThat(r.json().get("advisories")).isEmpty();
    }

    @Test
    void updatesNeverDowngrade() throws IOException {
        installed("v1.3.0");
        assertThat(check().json().get("update_available").asBoolean()).isFalse();
    }

    @Test
    void aPinnedMachineStillHearsAboutSecurityFixesAfterItsPin() throws IOException {
        writeConfig(feed.config("stable") + "  pin: v1.2.3\n");
        installed("v1.2.3");
        Cli.Result r = check("--detailed-exitcode");
        assertThat(r.exit()).as("issue #10 point 3: an advisory that affects the installed version is worth exit 2, "
                + "pinned or not").isEqualTo(2);
        JsonNode j = r.json();
        assertThat(j.get("update_available").asBoolean()).isFalse();
        assertThat(j.get("pin").asText()).isEqualTo("v1.2.3");
        assertThat(j.get("advisories").findValuesAsText("severity")).containsExactly("high");
        assertThat(j.get("warnings").toString()).contains("pinned to v1.2.3");
    }

    @Test
    void withNoVersionKnownTheMessageDoesNotClaimTheAdvisoryAffectsAnInstalledVersion() {
        Cli.Result r = check();
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.json().get("msg").asText())
                .contains("no version known to be installed")
                .contains("1 security advisory may affect the agent (its version is not known)")
                .doesNotContain("affects the installed version");
    }

    @Test
    void aSecondCheckIsServedFromTheVerifiedCacheWhenNothingChanged() throws IOException {
        installed("v1.2.3");
        assertThat(check().json().get("feed").get("cached").asBoolean()).isFalse();
        // a directory feed has no validators, so it is re-read; the result is the same
        assertThat(check().json().get("update_available").asBoolean()).isTrue();
    }

    @Test
    void aMissingFeedSettingIsNamedWithTheFix() throws IOException {
        writeConfig("update:\n  channel: stable\n");
        Cli.Result r = check();
        assertThat(r.exit()).isEqualTo(65);
        assertThat(r.json().get("error").get("code").asText()).isEqualTo("INVALID_CONFIG");
        assertThat(r.json().get("error").get("message").asText()).contains("update.feed").contains("is not set");
    }

    @Test
    void missingTrustedKeysAreNamedWithTheFix() throws IOException {
        writeConfig("update:\n  feed: " + feedDir + "\n");
        Cli.Result r = check();
        assertThat(r.exit()).isEqualTo(65);
        assertThat(r.json().get("error").get("message").asText()).contains("update.trusted_keys");
    }

    @Test
    void theCheckChangesNoSettingAndInstallsNothing() throws IOException {
        installed("v1.2.3");
        Map<String, String> before = Trees.snapshot(root.resolve("etc"));
        check();
        assertThat(Trees.snapshot(root.resolve("etc"))).isEqualTo(before);
        assertThat(Files.readString(root.resolve("var/lib/cmdop/update/state.json"))).contains("v1.2.3");
    }

    @Test
    void theChannelSequenceSeenIsRecordedPerSigningKey() throws IOException {
        check();
        String trust = Files.readString(root.resolve("var/lib/cmdop/update/trust.json"));
        assertThat(trust).contains(feed.key().keyId() + "/stable").contains("\"sequence\" : 1");
        assertThat(feed.read(FeedLayout.channel(Channel.STABLE))).isNotEmpty();
    }

    @Test
    void aQuarantinedVersionIsNotReportedAsWaiting() throws IOException {
        installed("v1.2.3");
        Path q = root.resolve("var/lib/cmdop/update/quarantine.json");
        com.cmdop.update.install.Quarantine.load(q.getParent()).add("v1.2.4", "failed its health check", Cli.NOW);
        Cli.Result r = check("--detailed-exitcode");
        assertThat(r.exit()).as("2 for the advisory v1.2.4 fixes, which still affects v1.2.3; not for an update")
                .isEqualTo(2);
        assertThat(r.json().get("update_available").asBoolean()).isFalse();
        assertThat(r.json().get("quarantined").findValuesAsText("version")).containsExactly("v1.2.4");
        assertThat(r.json().get("warnings").toString()).contains("v1.2.4 is quarantined");
    }

    @Test
    void aFileUrlFeedWorksLikeADirectory() throws IOException {
        installed("v1.2.3");
        writeConfig(feed.config("stable").replace("feed: " + feedDir, "feed: " + feedDir.toUri()));
        Cli.Result r = check();
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.json().get("agent").get("available_version").asText()).isEqualTo("v1.2.4");
    }
}
