package com.cmdop.update.blackbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.cmdop.update.support.TestFeed;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the no-op runs' start-up figures rest on (docs/PERFORMANCE.md), checked in the shipped jar: status, an
 * in-sync converge --offline and a --scheduled tick that is not due build no Jackson ObjectMapper. The first one
 * of a JVM initialises databind's date format, and with it the calendar and locale data, about a sixth of a
 * status run; the tool reads and writes its JSON and YAML through io.JsonTrees instead. No timing is asserted.
 */
class NoOpPathClassesIT {
    @TempDir
    Path root;

    @TempDir
    Path feedDir;

    @TempDir
    Path logs;

    @Test
    void noOpRunsBuildNoObjectMapper() throws Exception {
        String key = new TestFeed(feedDir).publicKey();
        String state = "{\"channel\": \"stable\", \"auto\": true, \"interval\": \"6h\", \"feed\": \"" + feedDir
                + "\", \"trusted_keys\": [\"" + key + "\"]}";
        JarProcess.Result first = JarProcess.run(state, Map.of(), "converge", "--offline", "--state", "-", "--json",
                "--root", root.toString());
        assertThat(first.exit()).as(first.toString()).isZero();
        // a check a minute ago: the next scheduled tick is not due
        Path stateJson = root.resolve("var/lib/cmdop/update/state.json");
        Files.createDirectories(stateJson.getParent());
        Files.writeString(stateJson, "{\"schema\": 1, \"last_check\": {\"time\": \""
                + Instant.now().minusSeconds(60) + "\", \"result\": \"ok\"}}");

        JarProcess.Result status = run("status", "", "status", "--json", "--root", root.toString());
        assertThat(status.json().get("exit_code").asInt()).isZero();
        JarProcess.Result converge = run("converge", state, "converge", "--offline", "--state", "-", "--json",
                "--root", root.toString());
        assertThat(converge.json().get("in_sync").asBoolean()).as(converge.toString()).isTrue();
        JarProcess.Result tick = run("scheduled", "", "--scheduled", "--json", "--root", root.toString());
        assertThat(tick.out()).as(tick.toString()).contains("\"due\" : false");
    }

    /** Runs the jar with the JVM's class-loading log, and asserts the run loaded no ObjectMapper. */
    private JarProcess.Result run(String name, String stdin, String... args) throws Exception {
        Path classes = logs.resolve(name + ".classes");
        JarProcess.Result r = JarProcess.run(stdin, Map.of("JAVA_TOOL_OPTIONS",
                "-Xlog:class+load=info:file=" + classes), args);
        assertThat(r.exit()).as(r.toString()).isZero();
        String loaded = Files.readString(classes);
        assertThat(loaded).as("the class log of %s", name).contains("com.cmdop.update.cli.Main ");
        assertThat(loaded).as("%s loaded databind's ObjectMapper", name)
                .doesNotContain("com.fasterxml.jackson.databind.ObjectMapper ")
                .doesNotContain("com.fasterxml.jackson.databind.util.StdDateFormat ");
        return r;
    }
}
