package com.cmdop.update.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import com.cmdop.update.model.Advisory;
import com.cmdop.update.model.Channel;
import com.cmdop.update.model.Version;
import com.cmdop.update.support.Cli;
import com.cmdop.update.support.Sandbox;
import com.cmdop.update.support.TestFeed;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #13 point 5: {@code status --prometheus FILE} and {@code update.prometheus_file}. The file is read
 * back with a real exposition-format parser, {@code prometheus_client}'s (Debian's python3-prometheus-client,
 * which scripts/test-all.sh installs): a file it refuses fails the test.
 */
class PrometheusMetricsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] V1 = "#!/bin/sh\necho cmdop v1.0.0\n".getBytes(StandardCharsets.UTF_8);
    private static final byte[] V2 = "#!/bin/sh\necho cmdop v1.1.0\n".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path root;

    @TempDir
    Path feedDir;

    private TestFeed feed;
    private Sandbox machine;

    @BeforeEach
    void aMachineOnASignedFeed() {
        machine = new Sandbox(root, new Cli());
        feed = new TestFeed(feedDir);
        feed.release("v1.0.0", V1);
        feed.point(Channel.STABLE, "v1.0.0");
        machine.writeConfig(feed.configRestartingNothing("stable"));
    }

    @Test
    void statusWritesMetricsThatAPrometheusParserReads() throws Exception {
        assertThat(machine.run().exit()).isZero(); // installs v1.0.0, records a successful check
        feed.release("v1.1.0", V2, new Advisory("CVE-2026-1", "high", "a \"quoted\" \\ summary", Version.parse("v1.1.0")),
                new Advisory("CVE-2026-2", "low", "old", Version.parse("v1.0.0")));
        feed.point(Channel.STABLE, "v1.1.0");
        // v1.1.0 installed, then rolled back: quarantined, so a check finds it but would not install it
        assertThat(machine.run("--version", "v1.1.0").exit()).isZero();
        assertThat(machine.run("--rollback").exit()).isZero(); // back to v1.0.0; v1.1.0 quarantined
        assertThat(machine.run().exit()).isZero(); // a successful check: v1.1.0 is known, quarantined, not installed

        Path file = root.resolve("metrics/cmdop_update.prom");
        Files.createDirectories(file.getParent());
        Cli.Result r = machine.run("status", "--json", "--prometheus", file.toString());
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.json().path("prometheus_file").asText()).isEqualTo(file.toString());
        assertThat(Files.list(file.getParent())).as("no temporary file left").containsExactly(file);

        JsonNode m = parse(file);
        assertThat(value(m, "cmdop_update_agent_info", "version", "v1.0.0")).isEqualTo(1.0);
        assertThat(label(m, "cmdop_update_agent_info", "channel")).isEqualTo("stable");
        assertThat(value(m, "cmdop_update_available_info", "version", "v1.1.0")).isEqualTo(1.0);
        assertThat(value(m, "cmdop_update_update_available", null, null)).as("v1.1.0 is quarantined").isEqualTo(0.0);
        assertThat(value(m, "cmdop_update_quarantined_versions", null, null)).isEqualTo(1.0);
        assertThat(value(m, "cmdop_update_advisories", "severity", "high")).isEqualTo(1.0);
        assertThat(value(m, "cmdop_update_advisories", "severity", "low")).as("fixed in v1.0.0").isEqualTo(0.0);
        assertThat(value(m, "cmdop_update_advisories", "severity", "critical")).isEqualTo(0.0);
        assertThat(value(m, "cmdop_update_pinned", null, null)).isEqualTo(0.0);
        assertThat(value(m, "cmdop_update_held", null, null)).isEqualTo(0.0);
        assertThat(value(m, "cmdop_update_last_check_success", null, null)).isEqualTo(1.0);
        assertThat(value(m, "cmdop_update_last_success_timestamp_seconds", null, null))
                .isEqualTo((double) Cli.NOW.getEpochSecond());
        assertThat(value(m, "cmdop_update_last_result", "result", "ok")).isEqualTo(1.0);
        assertThat(Files.readString(file)).contains("# HELP cmdop_update_update_available ")
                .contains("# TYPE cmdop_update_advisories gauge");

        assertThat(machine.run("quarantine", "clear", "v1.1.0").exit()).isZero();
        machine.run("status", "--prometheus", file.toString());
        assertThat(value(parse(file), "cmdop_update_update_available", null, null)).isEqualTo(1.0);
    }

    @Test
    void theScheduledRunKeepsTheConfiguredFileFreshAlsoWhenTheCheckFails() throws Exception {
        Path file = root.resolve("var/lib/prometheus/node-exporter/cmdop_update.prom");
        machine.writeConfig("update:\n  auto: true\n  feed: " + root.resolve("no-such-feed") + "\n  trusted_keys:\n    - "
                + feed.publicKey() + "\n  prometheus_file: /var/lib/prometheus/node-exporter/cmdop_update.prom\n");

        Cli.Result r = machine.run("--scheduled");

        assertThat(r.exit()).as(r.toString()).isEqualTo(69);
        JsonNode m = parse(file);
        assertThat(value(m, "cmdop_update_last_result", "error", "FEED_UNAVAILABLE")).isEqualTo(1.0);
        assertThat(label(m, "cmdop_update_last_result", "result")).isEqualTo("failed");
        assertThat(value(m, "cmdop_update_last_check_success", null, null)).isEqualTo(0.0);
        assertThat(value(m, "cmdop_update_check_failures", null, null)).isEqualTo(1.0);
        assertThat(value(m, "cmdop_update_agent_info", "version", "none")).isEqualTo(1.0);
        assertThat(m.has("cmdop_update_last_success_timestamp_seconds")).as("no successful check yet").isFalse();
    }

    @Test
    void aBadMetricsPathNamesTheSetting() {
        machine.writeConfig(feed.config("stable") + "  prometheus_file: metrics.prom\n");
        Cli.Result r = machine.run("status", "--json");
        assertThat(r.exit()).isEqualTo(65);
        assertThat(r.json().path("error").path("message").asText()).contains("update.prometheus_file");
    }

    @Test
    void labelValuesAreEscaped() {
        assertThat(PrometheusText.labels("a", "x\"y\\z\nw")).isEqualTo("{a=\"x\\\"y\\\\z\\nw\"}");
    }

    /** The file as prometheus_client's parser reads it: {name: [{labels..., "value": v}]}. */
    static JsonNode parse(Path file) throws IOException, InterruptedException {
        String script = """
                import json, sys
                from prometheus_client.parser import text_string_to_metric_families
                out = {}
                for fam in text_string_to_metric_families(open(sys.argv[1]).read()):
                    for s in fam.samples:
                        out.setdefault(s.name, []).append(dict(s.labels, value=s.value))
                print(json.dumps(out))
                """;
        Process p = new ProcessBuilder("/usr/bin/python3", "-c", script, file.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("prometheus_client's parser (apt-get install python3-prometheus-client; "
                + "scripts/test-all.sh installs it) on\n" + Files.readString(file) + "\n" + out).isZero();
        return JSON.readTree(out);
    }

    private static Double value(JsonNode m, String name, String label, String labelValue) {
        for (JsonNode s : m.path(name)) {
            if (label == null || labelValue.equals(s.path(label).asText())) {
                return s.path("value").asDouble();
            }
        }
        return null;
    }

    private static String label(JsonNode m, String name, String label) {
        List<JsonNode> samples = new java.util.ArrayList<>();
        m.path(name).forEach(samples::add);
        assertThat(samples).as(name).hasSize(1);
        return samples.get(0).path(label).asText();
    }
}
