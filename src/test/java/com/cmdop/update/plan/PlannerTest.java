package com.cmdop.update.plan;

import com.cmdop.update.model.VersionIntent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.cmdop.update.model.error.ErrorCode;
import com.cmdop.update.model.error.UpdateException;
import com.cmdop.update.plan.ActualState.SchedulerState;
import com.cmdop.update.model.Version;
import com.cmdop.update.model.Channel;
import com.cmdop.update.model.DesiredState;
import com.cmdop.update.model.SettingKey;
import com.cmdop.update.model.Settings;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The planner as a table: (desired, actual) -> drift and action ids. */
class PlannerTest {
    private static final Settings DEFAULTS = Settings.DEFAULTS;
    private static final Version V123 = Version.parse("v1.2.3");
    private static final Version V124 = Version.parse("v1.2.4");

    private static DesiredState desired(Object... kv) {
        Map<SettingKey, Object> m = new EnumMap<>(SettingKey.class);
        for (int i = 0; i < kv.length; i += 2) {
            m.put((SettingKey) kv[i], kv[i + 1]);
        }
        return DesiredState.of(m);
    }

    private static ActualState actual(Settings s, SchedulerState sched, Version installed) {
        return new ActualState(s, sched, installed);
    }

    static Stream<Arguments> table() {
        Settings autoOn = DEFAULTS.with(SettingKey.AUTO, true);
        Settings pinned = DEFAULTS.with(SettingKey.PIN, V123);
        return Stream.of(
                Arguments.of("nothing managed", desired(), actual(DEFAULTS, SchedulerState.ABSENT, null),
                        List.of(), List.of()),
                Arguments.of("same channel", desired(SettingKey.CHANNEL, Channel.STABLE),
                        actual(DEFAULTS, SchedulerState.ABSENT, null), List.of(), List.of()),
                Arguments.of("other channel", desired(SettingKey.CHANNEL, Channel.BETA),
                        actual(DEFAULTS, SchedulerState.ABSENT, null), List.of("channel"), List.of("set-channel")),
                Arguments.of("auto on installs the scheduler", desired(SettingKey.AUTO, true),
                        actual(DEFAULTS, SchedulerState.ABSENT, null), List.of("auto", "scheduler"),
                        List.of("set-auto", "install-scheduler")),
                Arguments.of("auto on with a missing entry repairs only the entry", desired(SettingKey.AUTO, true),
                        actual(autoOn, SchedulerState.ABSENT, null), List.of("scheduler"), List.of("install-scheduler")),
                Arguments.of("auto on with an outdated entry rewrites it", desired(SettingKey.AUTO, true),
                        actual(autoOn, SchedulerState.STALE, null), List.of("scheduler"), List.of("install-scheduler")),
                Arguments.of("auto on and in place", desired(SettingKey.AUTO, true),
                        actual(autoOn, SchedulerState.CURRENT, null), List.of(), List.of()),
                Arguments.of("auto off removes a leftover entry", desired(SettingKey.AUTO, false),
                        actual(DEFAULTS, SchedulerState.CURRENT, null), List.of("scheduler"),
                        List.of("remove-scheduler")),
                Arguments.of("unmanaged auto leaves the entry alone", desired(SettingKey.CHANNEL, Channel.STABLE),
                        actual(DEFAULTS, SchedulerState.CURRENT, null), List.of(), List.of()),
                Arguments.of("same interval in other words", desired(SettingKey.INTERVAL, Duration.ofMinutes(360)),
                        actual(DEFAULTS, SchedulerState.ABSENT, null), List.of(), List.of()),
                Arguments.of("pin installs when another version runs", desired(SettingKey.PIN, V123),
                        actual(DEFAULTS, SchedulerState.ABSENT, V124), List.of("pin", "version"),
                        List.of("set-pin", "install-version")),
                Arguments.of("pin already recorded but not installed", desired(SettingKey.PIN, V123),
                        actual(pinned, SchedulerState.ABSENT, V124), List.of("version"), List.of("install-version")),
                Arguments.of("pin in sync", desired(SettingKey.PIN, V123), actual(pinned, SchedulerState.ABSENT, V123),
                        List.of(), List.of()),
                Arguments.of("unpin", desired(SettingKey.PIN, null), actual(pinned, SchedulerState.ABSENT, V123),
                        List.of("pin"), List.of("set-pin")),
                Arguments.of("unpin when not pinned", desired(SettingKey.PIN, null),
                        actual(DEFAULTS, SchedulerState.ABSENT, V123), List.of(), List.of()),
                Arguments.of("trusted keys are a set", desired(SettingKey.TRUSTED_KEYS, List.of("b", "a")),
                        actual(DEFAULTS.with(SettingKey.TRUSTED_KEYS, List.of("a", "b")), SchedulerState.ABSENT, null),
                        List.of(), List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void plansTheDriftAndActionsOfTheTable(String name, DesiredState desired, ActualState actual, List<String> drift,
            List<String> actions) {
        Plan plan = Planner.plan(desired, actual);
        assertThat(plan.drift()).extracting(Drift::setting).containsExactlyElementsOf(drift);
        assertThat(plan.actions()).extracting(Action::id).containsExactlyElementsOf(actions);
        assertThat(plan.inSync()).isEqualTo(drift.isEmpty() && actions.isEmpty());
    }

    static Stream<Arguments> versions() {
        Version v125 = Version.parse("v1.2.5");
        Version v100 = Version.parse("v1.0.0");
        Settings pinned = DEFAULTS.with(SettingKey.PIN, V123);
        return Stream.of(
                Arguments.of("update takes a newer channel version", VersionIntent.LATEST,
                        state(DEFAULTS, V123, null, V124, Set.of()), "v1.2.4"),
                Arguments.of("update installs onto a machine with nothing known", VersionIntent.LATEST,
                        state(DEFAULTS, null, null, V124, Set.of()), "v1.2.4"),
                Arguments.of("update never downgrades", VersionIntent.LATEST,
                        state(DEFAULTS, v125, null, V124, Set.of()), null),
                Arguments.of("update skips a quarantined version", VersionIntent.LATEST,
                        state(DEFAULTS, V123, null, V124, Set.of(V124)), null),
                Arguments.of("update on a pinned machine installs the pin", VersionIntent.LATEST,
                        state(pinned, V124, null, v125, Set.of()), "v1.2.3"),
                Arguments.of("update on a pinned machine in place does nothing", VersionIntent.LATEST,
                        state(pinned, V123, null, v125, Set.of()), null),
                Arguments.of("--version may downgrade", new VersionIntent.Exact(v100),
                        state(DEFAULTS, V124, null, null, Set.of()), "v1.0.0"),
                Arguments.of("--version overrides a quarantine", new VersionIntent.Exact(V124),
                        state(DEFAULTS, V123, null, null, Set.of(V124)), "v1.2.4"),
                Arguments.of("--version of the installed version does nothing", new VersionIntent.Exact(V124),
                        state(DEFAULTS, V124, null, null, Set.of()), null),
                Arguments.of("settings only never install", VersionIntent.NONE,
                        state(DEFAULTS, V123, null, v125, Set.of()), null));
    }

    private static ActualState state(Settings s, Version installed, Version previous, Version head,
            Set<Version> quarantined) {
        return new ActualState(s, SchedulerState.ABSENT, installed, previous, head, quarantined);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("versions")
    void installsWhatTheVersionRulesSay(String name, VersionIntent intent, ActualState actual, String installs) {
        Plan plan = Planner.plan(desired().withIntent(intent), actual);
        if (installs == null) {
            assertThat(plan.actions()).isEmpty();
        } else {
            assertThat(plan.actions()).singleElement().isInstanceOfSatisfying(Action.InstallVersion.class,
                    a -> assertThat(a.version()).hasToString(installs));
            assertThat(plan.drift()).singleElement().satisfies(d -> assertThat(d.setting()).isEqualTo("version"));
        }
    }

    @Test
    void aSkippedQuarantinedVersionIsExplained() {
        Plan plan = Planner.plan(desired().withIntent(VersionIntent.LATEST),
                state(DEFAULTS, V123, null, V124, Set.of(V124)));
        assertThat(plan.notes()).singleElement().asString().contains("quarantined").contains("--version v1.2.4");
    }

    @Test
    void rollbackSwapsToThePreviousVersion() {
        Plan plan = Planner.plan(desired().withIntent(VersionIntent.ROLLBACK),
                state(DEFAULTS, V124, V123, null, Set.of()));
        assertThat(plan.actions()).containsExactly(new Action.Rollback(V124, V123));
    }

    @Test
    void rollbackWithoutACachedPreviousVersionIsRefused() {
        assertThatThrownBy(() -> Planner.plan(desired().withIntent(VersionIntent.ROLLBACK),
                state(DEFAULTS, V124, null, null, Set.of())))
                .isInstanceOfSatisfying(UpdateException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.ROLLBACK_UNAVAILABLE));
    }

    @Test
    void driftIsSortedBySettingAndCarriesJsonValues() {
        Plan plan = Planner.plan(desired(SettingKey.PIN, V123, SettingKey.CHANNEL, Channel.NIGHTLY,
                SettingKey.INTERVAL, Duration.ofHours(24)), actual(DEFAULTS, SchedulerState.ABSENT, null));
        assertThat(plan.drift()).containsExactly(
                new Drift("channel", "stable", "nightly"),
                new Drift("interval", "6h", "24h"),
                new Drift("pin", null, "v1.2.3"),
                new Drift("version", null, "v1.2.3"));
    }

    @Test
    void theAfterSettingsHoldEveryChange() {
        Plan plan = Planner.plan(desired(SettingKey.CHANNEL, Channel.BETA, SettingKey.AUTO, true),
                actual(DEFAULTS, SchedulerState.ABSENT, null));
        assertThat(plan.after().channel()).isEqualTo(Channel.BETA);
        assertThat(plan.after().auto()).isTrue();
        assertThat(plan.after().interval()).isEqualTo(DEFAULTS.interval());
    }

    @Test
    void everyManagedSettingIsCoveredByTheTable() {
        // a new SettingKey must be added to the planner table above, not silently ignored
        assertThat(Arrays.stream(SettingKey.values()).map(SettingKey::id))
                .containsExactly("auto", "channel", "feed", "interval", "pin", "trusted_keys", "window");
    }
}
