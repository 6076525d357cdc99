package com.cmdop.update.release.feed;


import static com.cmdop.update.release.feed.FeedTestSupport.failureOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.cmdop.update.model.error.ErrorCode;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The small value types: timeouts, validators, results, and the client factory. */
class FeedValuesTest {

    @Test
    void defaultTimeoutsAreTheDocumentedOnes() {
        FeedTimeouts t = FeedTimeouts.DEFAULTS;

        assertThat(t.connect()).isEqualTo(Duration.ofSeconds(10));
        assertThat(t.idle()).isEqualTo(Duration.ofSeconds(30));
        assertThat(t.manifestTotal()).isEqualTo(Duration.ofSeconds(120));
        assertThat(t.artifactTotal(0)).isEqualTo(Duration.ofMinutes(5));
        assertThat(t.artifactTotal(50L * 1024 * 1024)).isEqualTo(Duration.ofMinutes(5).plusSeconds(800));
    }

    @Test
    void timeoutsMustBePositive() {
        assertThatThrownBy(() -> FeedTimeouts.of(Duration.ZERO, Duration.ofSeconds(1), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("connect");
        assertThatThrownBy(() -> FeedTimeouts.of(Duration.ofSeconds(1), Duration.ofSeconds(-1), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("idle");
        assertThatThrownBy(() -> FeedTimeouts.DEFAULTS.artifactTotal(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void timeoutsAreFormattedCompactlyForMessages() {
        assertThat(FeedTimeouts.format(Duration.ofMillis(300))).isEqualTo("300ms");
        assertThat(FeedTimeouts.format(Duration.ofSeconds(30))).isEqualTo("30s");
        assertThat(FeedTimeouts.format(Duration.ofSeconds(120))).isEqualTo("2m");
        assertThat(FeedTimeouts.format(Duration.ofSeconds(320))).isEqualTo("5m20s");
        assertThat(FeedTimeouts.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
    }

    @Test
    void validatorsThatCouldInjectHeadersAreDropped() {
        Validators v = new Validators("\"ok\"\r\nX-Evil: 1", "Wed, 21 Oct 2026 07:28:00 GMT\n");

        assertThat(v.etag()).isNull();
        assertThat(v.lastModified()).isEqualTo("Wed, 21 Oct 2026 07:28:00 GMT");
        assertThat(new Validators("x".repeat(513), null).isEmpty()).isTrue();
        assertThat(new Validators("  ", "").isEmpty()).isTrue();
    }

    @Test
    void notModifiedResultsHaveNoBytes() {
        FetchResult r = FetchResult.notModified(Validators.NONE, "https://x/y");

        assertThat(r.isNotModified()).isTrue();
        assertThatThrownBy(r::bytes).isInstanceOf(IllegalStateException.class).hasMessageContaining("cached");
    }

    @Test
    void resultBytesCannotBeChangedFromOutside() {
        byte[] b = {1, 2, 3};
        FetchResult r = FetchResult.ofBytes(b, Validators.NONE, "x");
        b[0] = 9;
        r.bytes()[1] = 9;

        assertThat(r.bytes()).containsExactly(1, 2, 3);
    }

    @Test
    void theFactoryPicksTheClientForTheFeedKind() {
        try (FeedClient http = FeedClient.open(FeedLocation.parse("https://releases.example.com/"),
                FeedTimeouts.DEFAULTS, Map.of())) {
            assertThat(http).isInstanceOf(HttpFeedClient.class);
        }
        try (FeedClient dir = FeedClient.open(FeedLocation.parse("/srv/feed"), FeedTimeouts.DEFAULTS, Map.of())) {
            assertThat(dir).isInstanceOf(DirectoryFeedClient.class);
        }
    }

    @Test
    void theFactoryReportsAnUnusableProxySetting() {
        assertThat(failureOf(() -> FeedClient.open(FeedLocation.parse("https://releases.example.com/"),
                FeedTimeouts.DEFAULTS, Map.of("HTTPS_PROXY", "socks5://p:1080"))).code())
                .isEqualTo(ErrorCode.INVALID_CONFIG);
    }
}
