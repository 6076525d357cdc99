package com.cmdop.update.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.cmdop.update.support.Cli;
import com.cmdop.update.support.Sandbox;
import com.cmdop.update.support.TestFeed;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #13 point 5: a failed scheduled check is retried after 5 min, 10 min, ... (capped at the interval),
 * not a whole interval later, and state.json counts the failures in a row with the last error code.
 */
class ScheduledBackoffTest {
    @TempDir
    Path root;

    @TempDir
    Path feedDir;

    private Cli.Result scheduledAt(Instant t) {
        return new Sandbox(root, new Cli().clock(Clock.fixed(t, ZoneOffset.UTC))).run("--scheduled");
    }

    @Test
    void aFailedScheduledCheckIsRetriedSoonWithAGrowingWait() {
        TestFeed feed = new TestFeed(feedDir);
        Sandbox machine = new Sandbox(root, new Cli());
        machine.writeConfig("update:\n  auto: true\n  feed: " + root.resolve("no-such-feed") + "\n  trusted_keys:\n"
                + "    - " + feed.publicKey() + "\n");
        Instant t0 = Cli.NOW;

        assertThat(scheduledAt(t0).exit()).isEqualTo(69);
        assertThat(machine.state().path("last_check").path("error").asText()).isEqualTo("FEED_UNAVAILABLE");
        assertThat(machine.state().path("last_check").path("failures").asInt()).isEqualTo(1);
        Instant next = Instant.parse(machine.run("status").json().path("schedule").path("next_check").asText());
        assertThat(next).isAfter(t0.plus(Duration.ofMinutes(5)).minusMillis(1))
                .isBefore(t0.plus(Duration.ofMinutes(6)));

        assertThat(scheduledAt(t0.plus(Duration.ofMinutes(4))).json().path("schedule").path("due").asBoolean()).isFalse();
        Instant t1 = t0.plus(Duration.ofMinutes(6));
        Cli.Result retry = scheduledAt(t1);
        assertThat(retry.exit()).as(retry.toString()).isEqualTo(69);
        assertThat(machine.state().path("last_check").path("failures").asInt()).isEqualTo(2);
        assertThat(scheduledAt(t1.plus(Duration.ofMinutes(9))).json().path("schedule").path("due").asBoolean())
                .as("the second wait is 10 min").isFalse();
        assertThat(scheduledAt(t1.plus(Duration.ofMinutes(12))).exit()).isEqualTo(69);
        assertThat(machine.state().path("last_check").path("failures").asInt()).isEqualTo(3);
    }
}
