package com.cmdop.update.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** service.health_check on a fake clock: polled until it passes, each run bounded by the time left. */
class HealthCheckCommandTest {
    private final AtomicLong nanos = new AtomicLong();
    private final List<Duration> bounds = new ArrayList<>();

    private HealthCheckCommand probe(int passOnAttempt, Duration eachRunTakes) {
        ServiceRestarter.Runner runner = (argv, env, out, timeout) -> {
            bounds.add(timeout);
            assertThat(env).containsEntry("CMDOP_ROOT", "/machine");
            nanos.addAndGet(eachRunTakes.toNanos());
            return bounds.size() == passOnAttempt ? new RestartResult(true, 0, false, "active\n", null)
                    : new RestartResult(false, 3, false, "inactive\u001b[31m\n", "service.health_check [probe] exited 3");
        };
        return new HealthCheckCommand(List.of("probe"), Map.of(), Path.of("/machine"), Path.of("/tmp/out"), runner,
                nanos::get, d -> nanos.addAndGet(d.toNanos()));
    }

    @Test
    void itIsPolledUntilItExitsZeroEachRunBoundedByTheTimeLeft() {
        HealthCheckResult r = probe(3, Duration.ofMillis(100)).await(Duration.ofSeconds(10));

        assertThat(r.ok()).isTrue();
        assertThat(r.attempts()).isEqualTo(3);
        assertThat(bounds).containsExactly(Duration.ofSeconds(10), Duration.ofMillis(8900), Duration.ofMillis(7800));
        assertThat(r.describe()).isEqualTo("service.health_check passed (attempt 3)");
    }

    @Test
    void itGivesUpAtTheTimeoutWithTheLastAnswerEscaped() {
        HealthCheckResult r = probe(-1, Duration.ofMillis(100)).await(Duration.ofSeconds(3));

        assertThat(r.ok()).isFalse();
        assertThat(bounds).allSatisfy(b -> assertThat(b).isGreaterThanOrEqualTo(HealthCheckCommand.MIN_RUN));
        assertThat(nanos.get()).as("never past the timeout").isLessThanOrEqualTo(Duration.ofSeconds(3).toNanos());
        assertThat(r.describe()).contains("did not pass in " + r.attempts() + " attempts").contains("exited 3")
                .contains("inactive\\x1b[31m").doesNotContain("\u001b");
    }

    @Test
    void withNoTimeLeftItStillRunsOnceForAShortWhile() {
        HealthCheckResult r = probe(1, Duration.ZERO).await(Duration.ZERO);

        assertThat(r.ok()).isTrue();
        assertThat(bounds).containsExactly(HealthCheckCommand.MIN_RUN);
    }
}
