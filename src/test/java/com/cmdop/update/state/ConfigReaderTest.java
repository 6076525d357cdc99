package com.cmdop.update.state;

import com.cmdop.update.model.Channel;
import com.cmdop.update.model.Settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.cmdop.update.model.error.ErrorCode;
import com.cmdop.update.model.error.InvalidInputException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigReaderTest {
    @Test
    void anEmptyOrAgentOnlyFileMeansTheDefaults() {
        assertThat(ConfigReader.parse("", "c")).isEqualTo(Settings.DEFAULTS);
        assertThat(ConfigReader.parse("# nothing yet\n", "c")).isEqualTo(Settings.DEFAULTS);
        assertThat(ConfigReader.parse("agent:\n  anything: [1, 2]\n", "c")).isEqualTo(Settings.DEFAULTS);
    }

    @Test
    void theDefaultsAreThoseOfTheSpec() {
        Settings d = Settings.DEFAULTS;
        assertThat(d.channel()).isEqualTo(Channel.STABLE);
        assertThat(d.auto()).isFalse();
        assertThat(d.interval()).isEqualTo(Duration.ofHours(6));
        assertThat(d.cacheTtl()).isEqualTo(Duration.ofDays(7));
        assertThat(d.installPath()).isEqualTo("/usr/local/bin/cmdop");
        assertThat(d.service().restart()).containsExactly("systemctl", "restart", "cmdop-agent");
        assertThat(d.service().heartbeatTimeout()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void everyKeyOfTheSpecExampleReads() {
        Settings s = ConfigReader.parse("""
                update:
                  channel: beta
                  auto: on
                  interval: 24h
                  pin: 1.2.3
                  feed: https://releases.example.com/cmdop
                  trusted_keys:
                    - RWQf6LRCGA9i53mlYecO4IzT51TGPpvWucNSCh1CBM0QTaLn73Y7GFO3
                  install_path: ~/.local/bin/cmdop
                  cache_ttl: 3d
                  window: "Sat,Sun 00:00-06:00"
                  service:
                    restart: []
                    heartbeat_file: /run/cmdop/hb.json
                    heartbeat_timeout: 10s
                """, "c");
        assertThat(s.channel()).isEqualTo(Channel.BETA);
        assertThat(s.auto()).isTrue();
        assertThat(s.pin()).hasToString("v1.2.3");
        assertThat(s.installPath()).isEqualTo("~/.local/bin/cmdop");
        assertThat(s.service().restart()).isEmpty();
        assertThat(s.window()).hasToString("Sat,Sun 00:00-06:00");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "update:\\n  chanel: beta|update.chanel: unknown key (did you mean 'channel'?)",
        "update:\\n  auto: maybe|update.auto: expected true, false, on or off, found 'maybe'",
        "update:\\n  interval: 5|update.interval: expected a duration with a unit",
        "update:\\n  interval: 1m|out of range: use 15m .. 30d",
        "update:\\n  channel: edge|unknown channel 'edge': use one of stable, beta, nightly",
        "update:\\n  pin: latest|update.pin: 'latest' is not a version",
        "update:\\n  install_path: relative/cmdop|update.install_path: 'relative/cmdop' is not an absolute path",
        "update:\\n  data_dir: /var/../../etc|without .. segments",
        "update:\\n  service:\\n    restart: systemctl restart x|update.service.restart: expected a command as a list",
        "update:\\n  service:\\n    bogus: 1|update.service.bogus: unknown key",
        "update: [a]|update: expected a mapping of settings, found a list",
        "- just\\n- a list|expected a mapping with an update: section",
        "update:\\n  channel: [|not valid YAML at line",
        "update:\\n  channel: a\\n  channel: b|Duplicate field 'channel'",
        "update:\\n  trusted_keys: RWQ|update.trusted_keys: expected a list of minisign public keys",
        "update:\\n  trusted_keys: [nope]|update.trusted_keys[0]: 'nope' is not a minisign public key",
    })
    void badConfigsFailNamingTheKeyAndTheFix(String yaml, String message) {
        assertThatThrownBy(() -> ConfigReader.parse(yaml.replace("\\n", "\n"), "config.yaml"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining(message)
                .satisfies(e -> assertThat(((InvalidInputException) e).code()).isEqualTo(ErrorCode.INVALID_CONFIG));
    }

    @Test
    void yamlAliasesAreRefusedBecauseJacksonWouldReadThemAsTheirNames() {
        String keys = "RWQf6LRCGA9i53mlYecO4IzT51TGPpvWucNSCh1CBM0QTaLn73Y7GFO3";
        assertThatThrownBy(() -> ConfigReader.parse("k: &keys [" + keys + "]\nupdate:\n  trusted_keys: *keys\n", "c"))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("line 3: YAML aliases");
    }

    @Test
    void anAliasBombIsRefusedBeforeAnyExpansion() {
        StringBuilder y = new StringBuilder("a: &a [x,x,x,x,x,x,x,x,x]\n");
        for (int i = 0; i < 12; i++) {
            char prev = (char) ('a' + i);
            char cur = (char) ('b' + i);
            y.append(cur).append(": &").append(cur).append(" [");
            y.append(String.join(",", List.of("*" + prev, "*" + prev, "*" + prev, "*" + prev, "*" + prev)));
            y.append("]\n");
        }
        assertThatThrownBy(() -> ConfigReader.parse(y.toString(), "c")).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("aliases");
    }
}
