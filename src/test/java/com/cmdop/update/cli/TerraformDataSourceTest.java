package com.cmdop.update.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.cmdop.update.model.Advisory;
import com.cmdop.update.model.Channel;
import com.cmdop.update.model.Version;
import com.cmdop.update.support.Cli;
import com.cmdop.update.support.Sandbox;
import com.cmdop.update.support.TestFeed;
import com.cmdop.update.support.Trees;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code status --terraform}: Terraform's external data source protocol (SPEC section 5). */
class TerraformDataSourceTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path root;

    private final Cli cli = new Cli();

    private Cli.Result query(String stdin) {
        return cli.runWithStdin(stdin, "status", "--terraform");
    }

    @Test
    void everyOutputValueIsAStringAndTheKeysAreThoseOfTheSpec() {
        Cli.Result r = query("{\"root\": \"" + root + "\"}");
        assertThat(r.exit()).as(r.toString()).isZero();
        JsonNode out = r.json();
        assertThat(out.fieldNames()).toIterable().containsExactly("in_sync", "drift_count", "drift_settings",
                "channel", "auto", "interval", "pin", "installed_version", "previous_version", "tool_version",
                "held", "binary", "advisory_count", "advisories_json", "last_success", "result_json");
        out.fields().forEachRemaining(e -> assertThat(e.getValue().isTextual()).as(e.getKey()).isTrue());
        assertThat(out.get("in_sync").asText()).isEqualTo("true");
        assertThat(out.get("channel").asText()).isEqualTo("stable");
        assertThat(out.get("pin").asText()).isEmpty();
        assertThat(r.err()).isEmpty();
    }

    @Test
    void everyStringValuedDesiredStateKeyCanBeQueried() {
        // issue #13 point 3: the query refused window ("unknown query key 'window'")
        Cli.Result r = query("{\"root\": \"" + root + "\", \"window\": \"Sat 01:00-05:00\", \"hold\": \"true\", "
                + "\"feed\": \"https://releases.example.com/cmdop\"}");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.json().get("drift_settings").asText()).isEqualTo("feed,hold,window");
        Cli.Result bad = query("{\"root\": \"" + root + "\", \"window\": \"someday\"}");
        assertThat(bad.exit()).isEqualTo(65);
        assertThat(bad.err()).contains("window");
    }

    @Test
    void installPathAndTheServiceKeysCanBeQueriedListsAsJsonArrayStrings() {
        // issue #13 point 3: every desired-state key from every front end, with the same validation
        Cli.Result r = query("{\"root\": \"" + root + "\", \"install_path\": \"/opt/cmdop/bin/cmdop\", "
                + "\"service.restart\": \"[\\\"systemctl\\\", \\\"restart\\\", \\\"agent\\\"]\", "
                + "\"service.heartbeat_timeout\": \"7s\", \"service.restart_timeout\": \"1m\", "
                + "\"service.heartbeat_file\": \"none\", \"service.health_check\": \"[]\", \"trusted_keys\": \"[]\"}");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.json().get("drift_settings").asText())
                .isEqualTo("install_path,service.heartbeat_file,service.heartbeat_timeout,service.restart");
        Cli.Result bad = query("{\"root\": \"" + root + "\", \"service.heartbeat_timeout\": \"2h\"}");
        assertThat(bad.exit()).isEqualTo(65);
        assertThat(bad.err()).contains("service.heartbeat_timeout");
        Cli.Result notAList = query("{\"root\": \"" + root + "\", \"service.restart\": \"systemctl restart\"}");
        assertThat(notAList.exit()).isEqualTo(65);
        assertThat(notAList.err()).contains("service.restart").contains("JSON array");
    }

    @Test
    void heldBinaryAndTheAdvisoriesOfTheLastSuccessfulCheckAreFields(@TempDir Path feedDir) throws Exception {
        // issue #10 points 2-3 through Terraform: the data source showed neither the hold nor any advisory
        Sandbox machine = new Sandbox(root, cli);
        TestFeed feed = new TestFeed(feedDir);
        feed.release("v1.0.0", "#!/bin/sh\necho cmdop v1.0.0\n".getBytes(StandardCharsets.UTF_8));
        feed.point(Channel.STABLE, "v1.0.0");
        machine.writeConfig(feed.configRestartingNothing("stable"));
        assertThat(machine.run().exit()).isZero();
        assertThat(machine.run("--hold").exit()).isZero();
        feed.release("v1.1.0", "#!/bin/sh\necho cmdop v1.1.0\n".getBytes(StandardCharsets.UTF_8),
                new Advisory("CVE-2026-7", "high", "token leak", Version.parse("v1.1.0")),
                new Advisory("CVE-2026-1", "low", "old", Version.parse("v1.0.0")));
        feed.point(Channel.STABLE, "v1.1.0");
        Cli.Result update = machine.run(); // held: keeps v1.0.0, records the successful check and its advisories
        assertThat(update.exit()).as(update.toString()).isZero();

        Cli.Result r = query("{\"root\": \"" + root + "\"}");
        assertThat(r.exit()).as(r.toString()).isZero();
        JsonNode out = r.json();
        assertThat(out.get("held").asText()).isEqualTo("true");
        assertThat(out.get("binary").asText()).isEqualTo("signed");
        assertThat(out.get("advisory_count").asText()).as("CVE-2026-1 was fixed in the installed v1.0.0").isEqualTo("1");
        JsonNode advisories = JSON.readTree(out.get("advisories_json").asText());
        assertThat(advisories).hasSize(1);
        assertThat(advisories.get(0).get("id").asText()).isEqualTo("CVE-2026-7");
        assertThat(advisories.get(0).get("fixed_in").asText()).isEqualTo("v1.1.0");
        assertThat(out.get("last_success").asText()).isEqualTo(machine.state().path("last_success").path("time").asText())
                .isNotEmpty();
    }

    @Test
    void withoutAnAgentOrACheckTheNewFieldsSayNone() {
        JsonNode out = query("{\"root\": \"" + root + "\"}").json();
        assertThat(out.get("held").asText()).isEqualTo("false");
        assertThat(out.get("binary").asText()).isEqualTo("none");
        assertThat(out.get("advisory_count").asText()).isEqualTo("0");
        assertThat(out.get("advisories_json").asText()).isEqualTo("[]");
        assertThat(out.get("last_success").asText()).isEmpty();
    }

    @Test
    void driftIsReportedAsCountAndCommaSeparatedSettings() throws Exception {
        Cli.Result r = query("{\"root\": \"" + root + "\", \"channel\": \"beta\", \"auto\": \"true\", \"pin\": \"\"}");
        JsonNode out = r.json();
        assertThat(out.get("in_sync").asText()).isEqualTo("false");
        assertThat(out.get("drift_count").asText()).isEqualTo("3");
        assertThat(out.get("drift_settings").asText()).isEqualTo("auto,channel,scheduler");
        JsonNode result = JSON.readTree(out.get("result_json").asText());
        assertThat(result.get("check_mode").asBoolean()).isTrue();
        assertThat(result.get("drift")).hasSize(3);
    }

    @Test
    void anEmptyQueryIsValidAndUsesTheGlobalRoot() {
        Cli.Result r = cli.runWithStdin("{}", "--root", root.toString(), "status", "--terraform");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.json().get("drift_count").asText()).isEqualTo("0");
    }

    @Test
    void theGlobalRootOptionIsUsedWhenTheQueryHasNone() throws Exception {
        java.nio.file.Files.createDirectories(root.resolve("etc/cmdop"));
        java.nio.file.Files.writeString(root.resolve("etc/cmdop/config.yaml"), "update:\n  channel: beta\n");
        assertThat(cli.runWithStdin("{}", "--root", root.toString(), "status", "--terraform").json()
                .get("channel").asText()).isEqualTo("beta");
        assertThat(cli.runWithStdin("{}", "status", "--terraform", "--root", root.toString()).json()
                .get("channel").asText()).isEqualTo("beta");
    }

    @Test
    void theDataSourceNeverWrites() {
        Map<String, String> before = Trees.snapshot(root);
        query("{\"root\": \"" + root + "\", \"channel\": \"nightly\", \"auto\": \"on\", \"interval\": \"1h\"}");
        assertThat(Trees.snapshot(root)).isEqualTo(before);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "[]", "{\"channel\": \"edge\"}", "{\"channel\": 1}", "{\"auto\": true}",
            "{\"chanel\": \"beta\"}", "{\"interval\": \"1m\"}", "not json"})
    void badInputIsOneStderrLineAndANonZeroExitWithNothingOnStdout(String stdin) {
        Cli.Result r = cli.runWithStdin(stdin.replace("}", stdin.startsWith("{") ? ", \"root\": \"" + root + "\"}" : "}"),
                "status", "--terraform");
        assertThat(r.exit()).as(r.toString()).isNotZero();
        assertThat(r.out()).isEmpty();
        assertThat(r.err().strip().lines()).hasSize(1);
        assertThat(r.err()).startsWith("cmdop-update: ");
    }
}
