package com.cmdop.update.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.cmdop.update.support.Cli;
import com.cmdop.update.support.Trees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue #13 point 2: {@code update.proxy} is checked like every setting, and the proxy reaches the scheduler. */
class ProxySettingTest {
    @TempDir
    Path root;

    private Path config() {
        return root.resolve("etc/cmdop/config.yaml");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "https://proxy.example.com:3128 | over TLS is not supported",
        "http://proxy.example.com       | has no port",
        "http://user:pw@proxy:3128      | credentials",
        "socks5://proxy:1080            | is not an http proxy URL",
        "proxy.example.com:3128         | is not an http proxy URL",
        "http://proxy:3128/path         | has a path"})
    void aBadProxyIsRefusedNamingTheSettingAndNothingChanges(String value, String problem) throws IOException {
        Files.createDirectories(config().getParent());
        Files.writeString(config(), "update:\n  proxy: " + value + "\n");
        Map<String, String> before = Trees.snapshot(root);

        Cli.Result r = new Cli().run("--root", root.toString(), "--json", "--auto", "on");

        assertThat(r.exit()).as(r.toString()).isEqualTo(65);
        assertThat(r.json().path("error").path("message").asText()).contains("update.proxy").contains(problem);
        assertThat(Trees.snapshot(root)).isEqualTo(before);
    }

    @Test
    void theEnvironmentsProxyGoesIntoTheSystemdUnitAsEnvironmentLines() throws IOException {
        Files.createDirectories(root.resolve("run/systemd/system"));
        Cli.Result r = new Cli().env("HTTPS_PROXY", "http://proxy.example.com:3128").env("no_proxy", "10.0.0.0/8,.corp")
                .env("http_proxy", "http://not-carried:80").run("--root", root.toString(), "--auto", "on");
        assertThat(r.exit()).as(r.toString()).isZero();
        String unit = Files.readString(root.resolve("etc/systemd/system/cmdop-update.service"));
        assertThat(unit).contains("Environment=\"HTTPS_PROXY=http://proxy.example.com:3128\"\n")
                .contains("Environment=\"no_proxy=10.0.0.0/8,.corp\"\n").doesNotContain("not-carried");
        assertThat(unit.indexOf("Environment=")).isLessThan(unit.indexOf("ExecStart="));
    }

    @Test
    void withoutAProxyTheEntriesCarryNone() throws IOException {
        assertThat(new Cli().run("--root", root.toString(), "--auto", "on").exit()).isZero();
        assertThat(Files.readString(root.resolve("etc/cron.d/cmdop-update"))).doesNotContain("PROXY")
                .contains("--scheduled --root " + root + " --quiet >>" + root + "/var/log/cmdop/agent.log 2>&1");
        assertThat(root.resolve("var/log/cmdop")).isDirectory();
    }
}
