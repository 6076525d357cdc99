package com.cmdop.update.state;

import com.cmdop.update.model.Channel;
import com.cmdop.update.model.DesiredState;
import com.cmdop.update.model.Setting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.cmdop.update.model.error.ErrorCode;
import com.cmdop.update.model.error.InvalidInputException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DesiredStateReaderTest {
    @Test
    void onlyTheKeysGivenAreManaged() {
        DesiredState d = DesiredStateReader.parse("channel: beta\n", "s");
        assertThat(d.manages(Setting.CHANNEL)).isTrue();
        assertThat(d.manages(Setting.PIN)).isFalse();
        assertThat(d.get(Setting.CHANNEL)).isEqualTo(Channel.BETA);
    }

    @Test
    void nullAndEmptyPinMeanEnsureUnpinned() {
        for (String text : new String[] {"pin: null", "pin: ''", "pin:", "{\"pin\": null}", "{\"pin\": \"\"}"}) {
            DesiredState d = DesiredStateReader.parse(text, "s");
            assertThat(d.manages(Setting.PIN)).as(text).isTrue();
            assertThat(d.get(Setting.PIN)).as(text).isNull();
        }
    }

    @Test
    void jsonAndYamlReadAlike() {
        DesiredState y = DesiredStateReader.parse("channel: nightly\nauto: on\ninterval: 12h\npin: 1.2.3\n", "s");
        DesiredState j = DesiredStateReader.parse("{\"channel\":\"nightly\",\"auto\":true,\"interval\":\"12h\","
                + "\"pin\":\"v1.2.3\"}", "s");
        assertThat(y).isEqualTo(j);
        assertThat(y.get(Setting.INTERVAL)).isEqualTo(Duration.ofHours(12));
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @CsvSource(delimiter = '|', value = {
        "''|is empty: write a mapping",
        "# only a comment|is empty",
        "- channel: beta|expected a mapping of settings",
        "just a string|expected a mapping of settings",
        "chanel: beta|chanel: unknown key (did you mean 'channel'?)",
        "auto: maybe|auto: expected true, false, on or off",
        "auto: 1|auto: expected true, false, on or off, found the number 1",
        "interval: 5|interval: expected a duration with a unit",
        "interval: 1m|'1m' is out of range: use 15m .. 30d",
        "interval: 90d|'90d' is out of range",
        "channel: edge|unknown channel 'edge'",
        "channel: null|channel: is null; give a value or leave the key out",
        "pin: latest|pin: 'latest' is not a version",
        "pin: v1|pin: 'v1' is not a version",
        "pin: 1.2|pin: expected a version string such as v1.2.3, found the number 1.2",
        "window: weekends|window: 'weekends' is not a maintenance window",
        "feed: ftp://x/y|unsupported scheme",
        "trusted_keys: abc|expected a list of minisign public keys",
        "channel: [beta|not valid YAML",
        "{\"channel\": \"beta\",}|not valid JSON",
        "channel: a\\nchannel: b|Duplicate field 'channel'",
        "channel: beta\\n---\\nchannel: stable|more than one YAML document",
    })
    void badDesiredStatesFailNamingTheKey(String text, String message) {
        assertThatThrownBy(() -> DesiredStateReader.parse(text.replace("\\n", "\n"), "desired.yaml"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining(message)
                .satisfies(e -> assertThat(((InvalidInputException) e).code()).isEqualTo(ErrorCode.INVALID_INPUT));
    }
}
