package com.cmdop.update.plan;

import com.cmdop.update.model.MaintenanceWindow;

import static org.assertj.core.api.Assertions.assertThat;

import com.cmdop.update.model.Version;
import com.cmdop.update.model.Setting;
import com.cmdop.update.model.Settings;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ScheduleDecisionTest {
    private static final Instant NOW = Instant.parse("2026-11-27T10:00:00Z"); // a Friday
    private static final Settings AUTO = Settings.DEFAULTS.with(Setting.AUTO, true);

    @Test
    void nothingIsDueWhenAutoIsOff() {
        assertThat(ScheduleDecision.decide(Settings.DEFAULTS, null, NOW, "m").due()).isFalse();
    }

    @Test
    void aPinnedMachineIgnoresTheCadence() {
        ScheduleDecision.Result r = ScheduleDecision.decide(AUTO.with(Setting.PIN, Version.parse("v1.0.0")), null,
                NOW, "m");
        assertThat(r.due()).isFalse();
        assertThat(r.reason()).contains("pinned");
    }

    @Test
    void theFirstCheckIsDueAtOnce() {
        assertThat(ScheduleDecision.decide(AUTO, null, NOW, "m").due()).isTrue();
    }

    @Test
    void aCheckIsDueOnlyAfterTheIntervalAndTheMachinesJitter() {
        Duration jitter = ScheduleDecision.jitter(Duration.ofHours(6), "web-01");
        Instant last = NOW.minus(Duration.ofHours(6));
        assertThat(ScheduleDecision.decide(AUTO, last, NOW.plus(jitter).minusMillis(1), "web-01").due()).isFalse();
        assertThat(ScheduleDecision.decide(AUTO, last, NOW.plus(jitter), "web-01").due()).isTrue();
    }

    @Test
    void jitterIsStablePerMachineAtMostATenthAndSpreadsAFleet() {
        Duration interval = Duration.ofHours(6);
        assertThat(ScheduleDecision.jitter(interval, "web-01")).isEqualTo(ScheduleDecision.jitter(interval, "web-01"));
        long distinct = java.util.stream.IntStream.range(0, 100)
                .mapToObj(i -> ScheduleDecision.jitter(interval, "host-" + i)).distinct().count();
        assertThat(distinct).isGreaterThan(90);
        java.util.stream.IntStream.range(0, 100).forEach(i -> assertThat(ScheduleDecision.jitter(interval, "h" + i))
                .isLessThan(Duration.ofMinutes(36)).isGreaterThanOrEqualTo(Duration.ZERO));
    }

    @Test
    void jitterSpreadsSequentiallyNamedHostsEvenlyOverTheTenth() {
        // fleets name hosts web-0001, web-0002...: a weak hash would bunch them into a few minutes
        Duration interval = Duration.ofHours(6);
        long tenth = interval.toMillis() / 10;
        int[] deciles = new int[10];
        for (int i = 1; i <= 1000; i++) {
            long ms = ScheduleDecision.jitter(interval, String.format("web-%04d", i)).toMillis();
            deciles[(int) (ms * 10 / tenth)]++;
        }
        assertThat(java.util.Arrays.stream(deciles).boxed().toList()).allSatisfy(n -> assertThat(n).isBetween(60, 140));
    }

    @Test
    void aClosedMaintenanceWindowDefersTheCheck() {
        Settings weekend = AUTO.with(Setting.WINDOW, MaintenanceWindow.parse("Sat,Sun 00:00-06:00"));
        ScheduleDecision.Result r = ScheduleDecision.decide(weekend, null, NOW, "m");
        assertThat(r.due()).isFalse();
        assertThat(r.reason()).contains("maintenance window");
        assertThat(ScheduleDecision.decide(weekend, null, Instant.parse("2026-11-28T03:00:00Z"), "m").due()).isTrue();
    }

    @Test
    void aCheckDeferredByTheWindowIsNextDueWhenTheWindowOpensNotInThePast() {
        // issue #10 point 7: status showed next_check in the past after a scheduled run outside the window
        Settings weekend = AUTO.with(Setting.WINDOW, MaintenanceWindow.parse("Sat,Sun 00:00-06:00"));
        Instant lastCheck = NOW.minus(Duration.ofDays(2));
        ScheduleDecision.Result r = ScheduleDecision.decide(weekend, lastCheck, NOW, "m");
        assertThat(r.due()).isFalse();
        assertThat(r.nextCheck()).isEqualTo(Instant.parse("2026-11-28T00:00:00Z"));
    }

    @Test
    void theNextOpeningOfAWindowIsFoundForEveryShape() {
        assertThat(MaintenanceWindow.parse("Mon-Fri 02:00-05:00").nextOpening(NOW))
                .isEqualTo(Instant.parse("2026-11-30T02:00:00Z")); // Friday 10:00 -> Monday 02:00
        assertThat(MaintenanceWindow.parse("02:00-05:00").nextOpening(NOW)).isEqualTo(Instant.parse("2026-11-28T02:00:00Z"));
        assertThat(MaintenanceWindow.parse("09:00-11:00").nextOpening(NOW)).as("open now").isEqualTo(NOW);
        assertThat(MaintenanceWindow.parse("Thu 22:00-12:00").nextOpening(NOW)).as("open since Thursday night")
                .isEqualTo(NOW);
        assertThat(MaintenanceWindow.parse("Fri 22:00-02:00").nextOpening(NOW))
                .isEqualTo(Instant.parse("2026-11-27T22:00:00Z"));
    }

    @Test
    void windowsThatCrossMidnightOpenOnTheirDayAndCloseTheNextMorning() {
        MaintenanceWindow w = MaintenanceWindow.parse("Fri 22:00-02:00");
        assertThat(w.isOpen(Instant.parse("2026-11-27T23:00:00Z"))).isTrue();  // Friday night
        assertThat(w.isOpen(Instant.parse("2026-11-28T01:59:00Z"))).isTrue();  // early Saturday
        assertThat(w.isOpen(Instant.parse("2026-11-28T02:00:00Z"))).isFalse();
        assertThat(w.isOpen(Instant.parse("2026-11-28T23:00:00Z"))).isFalse(); // Saturday night
    }

    @Test
    void aFailedCheckIsRetriedWithBackoffCappedAtTheInterval() {
        Instant failedAt = NOW;
        // 5 min, 10 min, 20 min, ... after the last failure (plus up to 10 % of that wait), never later than the interval
        for (int failures = 1; failures <= 8; failures++) {
            Duration wait = Duration.ofMinutes(5L << (failures - 1));
            if (wait.compareTo(AUTO.interval()) > 0) {
                wait = AUTO.interval();
            }
            Duration jitter = ScheduleDecision.jitter(wait, "web-01");
            Instant retry = failedAt.plus(wait).plus(jitter);
            assertThat(ScheduleDecision.decide(AUTO, failedAt, failures, retry.minusMillis(1), "web-01").due())
                    .as("failure " + failures).isFalse();
            ScheduleDecision.Result due = ScheduleDecision.decide(AUTO, failedAt, failures, retry, "web-01");
            assertThat(due.due()).as("failure " + failures).isTrue();
            assertThat(due.reason()).contains("retry");
        }
        assertThat(ScheduleDecision.decide(AUTO, failedAt, 1, failedAt.plus(Duration.ofMinutes(4)), "m").nextCheck())
                .isBefore(failedAt.plus(Duration.ofMinutes(6)));
    }

    @Test
    void aSuccessfulCheckWaitsTheWholeInterval() {
        assertThat(ScheduleDecision.decide(AUTO, NOW, 0, NOW.plus(Duration.ofMinutes(30)), "m").due()).isFalse();
    }
}
