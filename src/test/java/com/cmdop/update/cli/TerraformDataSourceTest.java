package com.cmdop.update.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.cmdop.update.support.Cli;
import com.cmdop.update.support.Trees;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
                "result_json");
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
