package com.cmdop.update.state;

import com.cmdop.update.model.DurationText;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.cmdop.update.model.error.ErrorCode;
import com.cmdop.update.model.error.InvalidInputException;
import com.cmdop.update.model.Setting;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SettingsReaderTest {
    @ParameterizedTest
    @CsvSource({"15m,PT15M", "6h,PT6H", "30d,PT720H", "90s,PT1M30S"})
    void durationsReadWithTheirUnit(String text, String iso) {
        assertThat(DurationText.parse(text)).isEqualTo(Duration.parse(iso));
    }

    @ParameterizedTest
    @CsvSource({"PT15M,15m", "PT6H,6h", "PT24H,24h", "PT168H,7d", "PT90S,90s"})
    void durationsFormatToTheShortestText(String iso, String text) {
        assertThat(DurationText.format(Duration.parse(iso))).isEqualTo(text);
    }

    @Test
    void intervalsOutsideFifteenMinutesToThirtyDaysAreRefused() {
        assertThatThrownBy(() -> DurationText.parseWithin("1m", "15m", "30d")).hasMessageContaining("15m .. 30d");
        assertThatThrownBy(() -> DurationText.parseWithin("31d", "15m", "30d")).hasMessageContaining("out of range");
        assertThat(DurationText.parseWithin("15m", "15m", "30d")).isEqualTo(Duration.ofMinutes(15));
    }

    @ParameterizedTest
    @CsvSource({"http://127.0.0.1:8080/feed,true", "http://localhost/feed,true", "http://[::1]:9/x,true",
            "http://example.com/feed,false", "http://127.0.0.1.evil.com/x,false", "http://localhost@evil.com/x,false",
            "http://localhost.evil.com/,false"})
    void plainHttpIsOnlyForLoopback(String url, boolean allowed) {
        SettingsReader v = new SettingsReader("state.yaml", ErrorCode.INVALID_INPUT);
        if (allowed) {
            assertThat(v.read(Setting.FEED, url, "feed")).isEqualTo(url);
        } else {
            assertThatThrownBy(() -> v.read(Setting.FEED, url, "feed")).isInstanceOf(InvalidInputException.class)
                    .hasMessageStartingWith("state.yaml: feed: ");
        }
    }

    @Test
    void aFeedIsValidatedByTheSameRulesAsWhenItIsOpened() {
        SettingsReader v = new SettingsReader("state.yaml", ErrorCode.INVALID_INPUT);
        assertThatThrownBy(() -> v.read(Setting.FEED, "https://user:pw@releases.example.com/cmdop", "feed"))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("credentials")
                .satisfies(e -> assertThat(((InvalidInputException) e).code()).isEqualTo(ErrorCode.INVALID_INPUT));
    }

    @Test
    void trustedKeysAreValidatedByTheSameRulesAsWhenTheFeedIsVerified() {
        // the right shape (56 characters starting with RW) but not an Ed25519 point: it used to be accepted here
        // and written to config.yaml, and then every run that read the feed failed on it
        SettingsReader v = new SettingsReader("state.yaml", ErrorCode.INVALID_INPUT);
        assertThatThrownBy(() -> v.read(Setting.TRUSTED_KEYS,
                java.util.List.of("RWRNCMT65QT/UZe7OZBK76W/WXAvq15JnYEEZwZ03O3r+SEm2y5xtlXa"), "trusted_keys"))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("trusted_keys[0]")
                .hasMessageContaining("curve point")
                .satisfies(e -> assertThat(((InvalidInputException) e).code()).isEqualTo(ErrorCode.INVALID_INPUT));
        assertThat(v.read(Setting.TRUSTED_KEYS,
                java.util.List.of("RWQf6LRCGA9i53mlYecO4IzT51TGPpvWucNSCh1CBM0QTaLn73Y7GFO3"), "trusted_keys"))
                .hasSize(1);
    }

    @Test
    void aRemotePlainHttpFeedIsRefusedWithTheFix() {
        SettingsReader v = new SettingsReader("state.yaml", ErrorCode.INVALID_INPUT);
        assertThatThrownBy(() -> v.read(Setting.FEED, "http://x.org/f", "feed"))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("must be https://");
    }

    @Test
    void unknownKeysGetASuggestion() {
        assertThat(KeySuggestion.hint("chanel", java.util.Set.of("channel", "auto"))).contains("'channel'");
        assertThat(KeySuggestion.hint("zzzzzz", java.util.Set.of("channel", "auto"))).isEmpty();
    }
}
