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
import com.cmdop.update.model.Setting;
import com.cmdop.update.model.Settings;
import com.cmdop.update.model.Advisory;
import com.cmdop.update.model.MaintenanceWindow;
import java.time.Duration;
import java.util.LinkedHashMap;
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
        Map<Setting<?>, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((Setting<?>) kv[i], kv[i + 1]);
        }
        return DesiredState.of(m);
    }

    private static ActualState actual(Settings s, SchedulerState sched, Version installed) {
        return new ActualState(s, sched, installed);
    }

    static Stream<Arguments> table() {
        Settings autoOn = DEFAULTS.with(Setting.AUTO, true);
        Settings pinned = DEFAULTS.with(Setting.PIN, V123);
        return Stream.of(
                Arguments.of("nothing managed", desired(), actual(DEFAULTS, SchedulerState.ABSENT, null),
                        List.of(), List.of()),
                Arguments.of("same channel", desired(Setting.CHANNEL, Channel.STABLE),
                        actual(DEFAULTS, SchedulerState.ABSENT, null), List.of(), List.of()),
                Arguments.of("other channel", desired(Setting.CHANNEL, Channel.BETA),
                        actual(DEFAULTS, SchedulerState.ABSENT, null), List.of("channel"), List.of("set-channel")),
                Arguments.of("auto on installs the scheduler", desired(Setting.AUTO, true),
                        actual(DEFAULTS, SchedulerState.ABSENT, null), List.of("auto", "scheduler"),
                        List.of("set-auto", "install-scheduler")),
                Arguments.of("auto on with a missing entry repairs only the entry", desired(Setting.AUTO, true),
                        actual(autoOn, SchedulerState.ABSENT, null), List.of("scheduler"), List.of("install-scheduler")),
                Arguments.of("auto on with an outdated entry rewrites it", desired(Setting.AUTO, true),
                        actual(autoOn, SchedulerState.STALE, null), List.of("scheduler"), List.of("install-scheduler")),
                Arguments.of("auto on and in place", desired(Setting.AUTO, true),
                        actual(autoOn, SchedulerState.CURRENT, null), List.of(), List.of()),
                Arguments.of("auto off removes a leftover entry", desired(Setting.AUTO, false),
                        actual(DEFAULTS, SchedulerState.CURRENT, null), List.of("scheduler"),
                        List.of("remove-scheduler")),
                Arguments.of("unmanaged auto leaves the entry alone", desired(Setting.CHANNEL, Channel.STABLE),
                        actual(DEFAULTS, SchedulerState.CURRENT, null), List.of(), List.of()),
                Arguments.of("same interval in other words", desired(Setting.INTERVAL, Duration.ofMinutes(360)),
                        actual(DEFAULTS, SchedulerState.ABSENT, null), List.of(), List.of()),
                Arguments.of("pin installs when another version runs", desired(Setting.PIN, V123),
                        actual(DEFAULTS, SchedulerState.ABSENT, V124), List.of("pin", "version"),
                        List.of("set-pin", "install-version")),
                Arguments.of("pin already recorded but not installed", desired(Setting.PIN, V123),
                        actual(pinned, SchedulerState.ABSENT, V124), List.of("version"), List.of("install-version")),
                Arguments.of("pin in sync", desired(Setting.PIN, V123), actual(pinned, SchedulerState.ABSENT, V123),
                        List.of(), List.of()),
                Arguments.of("unpin", desired(Setting.PIN, null), actual(pinned, SchedulerState.ABSENT, V123),
                        List.of("pin"), List.of("set-pin")),
                Arguments.of("unpin when not pinned", desired(Setting.PIN, null),
                        actual(DEFAULTS, SchedulerState.ABSENT, V123), List.of(), List.of()),
                Arguments.of("a maintenance window", desired(Setting.WINDOW, MaintenanceWindow.parse("Sat 01:00-03:00")),
                        actual(DEFAULTS, SchedulerState.ABSENT, null), List.of("window"), List.of("set-window")),
                Arguments.of("no window", desired(Setting.WINDOW, null), actual(DEFAULTS, SchedulerState.ABSENT, null),
                        List.of(), List.of()),
                Arguments.of("a feed", desired(Setting.FEED, "https://releases.example.com/cmdop"),
                        actual(DEFAULTS, SchedulerState.ABSENT, null), List.of("feed"), List.of("set-feed")),
                Arguments.of("hold", desired(Setting.HOLD, true), actual(DEFAULTS, SchedulerState.ABSENT, V123),
                        List.of("hold"), List.of("set-hold")),
                Arguments.of("a health check", desired(Setting.HEALTH_CHECK, List.of("systemctl", "is-active", "cmdop")),
                        actual(DEFAULTS, SchedulerState.ABSENT, null), List.of("service.health_check"),
                        List.of("set-service-health-check")),
                Arguments.of("a restart command", desired(Setting.RESTART, List.of()),
                        actual(DEFAULTS, SchedulerState.ABSENT, V123), List.of("service.restart"),
                        List.of("set-service-restart")),
                Arguments.of("no heartbeat file", desired(Setting.HEARTBEAT_FILE, "none"),
                        actual(DEFAULTS, SchedulerState.ABSENT, V123), List.of("service.heartbeat_file"),
                        List.of("set-service-heartbeat-file")),
                Arguments.of("a heartbeat timeout", desired(Setting.HEARTBEAT_TIMEOUT, Duration.ofSeconds(7)),
                        actual(DEFAULTS, SchedulerState.ABSENT, V123), List.of("service.heartbeat_timeout"),
                        List.of("set-service-heartbeat-timeout")),
                Arguments.of("the same restart timeout in other words",
                        desired(Setting.RESTART_TIMEOUT, Duration.ofMinutes(1)),
                        actual(DEFAULTS, SchedulerState.ABSENT, V123), List.of(), List.of()),
                Arguments.of("a new install path installs the installed version there",
                        desired(Setting.INSTALL_PATH, "/opt/cmdop/bin/cmdop"),
                        actual(DEFAULTS, SchedulerState.ABSENT, V123), List.of("install_path"),
                        List.of("set-install-path", "install-version")),
                Arguments.of("a new install path with a pin installs the pin there only once",
                        desired(Setting.INSTALL_PATH, "/opt/cmdop/bin/cmdop", Setting.PIN, V124),
                        actual(DEFAULTS, SchedulerState.ABSENT, V123), List.of("install_path", "pin", "version"),
                        List.of("set-install-path", "set-pin", "install-version")),
                Arguments.of("a new install path with nothing installed moves only the setting",
                        desired(Setting.INSTALL_PATH, "/opt/cmdop/bin/cmdop"),
                        actual(DEFAULTS, SchedulerState.ABSENT, null), List.of("install_path"),
                        List.of("set-install-path")),
                Arguments.of("a new install path on a held machine does not copy the custom binary",
                        desired(Setting.INSTALL_PATH, "/opt/cmdop/bin/cmdop"),
                        actual(DEFAULTS.with(Setting.HOLD, true), SchedulerState.ABSENT, V123), List.of("install_path"),
                        List.of("set-install-path")),
                Arguments.of("trusted keys are a set", desired(Setting.TRUSTED_KEYS, List.of("b", "a")),
                        actual(DEFAULTS.with(Setting.TRUSTED_KEYS, List.of("a", "b")), SchedulerState.ABSENT, null),
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
        Settings pinned = DEFAULTS.with(Setting.PIN, V123);
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
        return new ActualState(s, SchedulerState.ABSENT, installed,
                installed == null ? ActualState.Binary.NONE : ActualState.Binary.SIGNED, previous, quarantined,
                head == null ? null : new ActualState.FeedFacts(head, true, "linux-amd64", ADVISORIES));
    }

    /** CMDOP-1 is fixed in v1.2.4, CMDOP-2 in v1.2.5. */
    private static final List<Advisory> ADVISORIES = List.of(
            new Advisory("CMDOP-1", "high", "token leak", Version.parse("v1.2.4")),
            new Advisory("CMDOP-2", "critical", "remote code", Version.parse("v1.2.5")));

    /**
     * {@code --check} is the plan of an update that is not executed: (settings, installed, quarantined,
     * channel head) -> update waiting, target, advisories that apply, notes.
     */
    static Stream<Arguments> checks() {
        Version v125 = Version.parse("v1.2.5");
        Settings pinned = DEFAULTS.with(Setting.PIN, V123);
        return Stream.of(
                Arguments.of("a newer channel version is waiting", state(DEFAULTS, V123, null, V124, Set.of()),
                        true, "v1.2.4", List.of("CMDOP-1", "CMDOP-2"), List.of()),
                Arguments.of("up to date", state(DEFAULTS, V124, null, V124, Set.of()), false, "v1.2.4",
                        List.of("CMDOP-2"), List.of()),
                Arguments.of("newer than the channel: nothing waits", state(DEFAULTS, v125, null, V124, Set.of()),
                        false, "v1.2.4", List.of(), List.of()),
                Arguments.of("nothing known installed: the channel's version waits",
                        state(DEFAULTS, null, null, V124, Set.of()), true, "v1.2.4", List.of("CMDOP-1", "CMDOP-2"),
                        List.of()),
                Arguments.of("a quarantined version does not wait, and says why",
                        state(DEFAULTS, V123, null, V124, Set.of(V124)), false, "v1.2.4",
                        List.of("CMDOP-1", "CMDOP-2"), List.of("quarantined")),
                Arguments.of("pinned and running the pin: nothing waits, the newer channel is noted",
                        state(pinned, V123, null, v125, Set.of()), false, "v1.2.3", List.of("CMDOP-1", "CMDOP-2"),
                        List.of("pinned to v1.2.3")),
                Arguments.of("pinned but running another version: the pin waits; advisories are of what runs",
                        state(pinned, V124, null, V124, Set.of()), true, "v1.2.3", List.of("CMDOP-2"),
                        List.of("pinned to v1.2.3")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("checks")
    void aCheckIsTheUpdatePlanNotExecuted(String name, ActualState actual, boolean waiting, String target,
            List<String> advisories, List<String> notes) {
        Plan plan = Planner.plan(desired().withIntent(VersionIntent.LATEST), actual);
        assertThat(plan.changesVersion()).isEqualTo(waiting);
        assertThat(plan.target()).hasToString(target);
        assertThat(plan.advisories()).extracting(Advisory::id).containsExactlyElementsOf(advisories);
        assertThat(plan.notes()).hasSameSizeAs(notes);
        for (int i = 0; i < notes.size(); i++) {
            assertThat(plan.notes().get(i)).contains(notes.get(i));
        }
    }

    private static final Settings HELD = DEFAULTS.with(Setting.HOLD, true);

    @Test
    void aHeldMachineIsNotUpdatedAndSaysWhy() {
        Plan plan = Planner.plan(desired().withIntent(VersionIntent.LATEST), state(HELD, V123, null, V124, Set.of()));
        assertThat(plan.actions()).isEmpty();
        assertThat(plan.notes()).singleElement().asString().contains("held").contains("--unhold");
    }

    @Test
    void anExplicitVersionStillInstallsOnAHeldMachine() {
        Plan plan = Planner.plan(desired().withIntent(new VersionIntent.Exact(V124)), state(HELD, V123, null, null,
                Set.of()));
        assertThat(plan.actions()).extracting(Action::id).containsExactly("install-version");
    }

    @Test
    void holdWithAPinIsAUsageError() {
        assertThatThrownBy(() -> Planner.plan(desired(Setting.HOLD, true), actual(DEFAULTS.with(Setting.PIN, V123),
                SchedulerState.ABSENT, V123)))
                .isInstanceOfSatisfying(UpdateException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.USAGE))
                .hasMessageContaining("--unpin");
    }

    @Test
    void aModifiedBinaryIsDriftAndConvergeReinstallsTheSignedVersion() {
        ActualState modified = actual(DEFAULTS, SchedulerState.ABSENT, V123).withBinary(ActualState.Binary.MODIFIED);
        Plan plan = Planner.plan(desired(Setting.CHANNEL, Channel.STABLE), modified);
        assertThat(plan.drift()).containsExactly(new Drift("binary", "modified", "signed"));
        assertThat(plan.actions()).containsExactly(new Action.InstallVersion(V123, V123));
    }

    @Test
    void aModifiedBinaryOnAHeldMachineIsKept() {
        ActualState modified = actual(HELD, SchedulerState.ABSENT, V123).withBinary(ActualState.Binary.MODIFIED);
        assertThat(Planner.plan(desired(Setting.HOLD, true), modified).inSync()).isTrue();
        assertThat(Planner.plan(desired().withIntent(VersionIntent.LATEST), modified).actions()).isEmpty();
    }

    @Test
    void aModifiedBinaryOfUnknownVersionIsDriftThatSaysWhatToDo() {
        ActualState modified = actual(DEFAULTS, SchedulerState.ABSENT, null).withBinary(ActualState.Binary.MODIFIED);
        Plan plan = Planner.plan(desired(Setting.CHANNEL, Channel.STABLE), modified);
        assertThat(plan.drift()).containsExactly(new Drift("binary", "modified", "signed"));
        assertThat(plan.actions()).isEmpty();
        assertThat(plan.notes()).singleElement().asString().contains("--version V").contains("hold");
    }

    @Test
    void aPinnedVersionInstalledOverAModifiedBinaryIsOneInstall() {
        ActualState modified = actual(DEFAULTS, SchedulerState.ABSENT, V124).withBinary(ActualState.Binary.MODIFIED);
        Plan plan = Planner.plan(desired(Setting.PIN, V123), modified);
        assertThat(plan.actions()).extracting(Action::id).containsExactly("set-pin", "install-version");
        assertThat(plan.drift()).extracting(Drift::setting).containsExactly("binary", "pin", "version");
    }

    @Test
    void aRollbackOnAPinnedMachineMovesThePinAndSaysSo() {
        Settings pinned = DEFAULTS.with(Setting.PIN, V124);
        Plan plan = Planner.plan(desired().withIntent(VersionIntent.ROLLBACK), state(pinned, V124, V123, null, Set.of()));
        assertThat(plan.actions()).containsExactly(new Action.Rollback(V124, V123),
                new Action.SetSetting(Setting.PIN, V124, V123));
        assertThat(plan.after().pin()).isEqualTo(V123);
        assertThat(plan.notes()).singleElement().asString().contains("pin moves to v1.2.3");
    }

    @Test
    void aReleaseWithoutThisPlatformIsNoted() {
        ActualState noArtifact = new ActualState(DEFAULTS, SchedulerState.ABSENT, V123, ActualState.Binary.SIGNED,
                null, Set.of(),
                new ActualState.FeedFacts(V124, false, "linux-riscv64", List.of()));
        Plan plan = Planner.plan(desired().withIntent(VersionIntent.LATEST), noArtifact);
        assertThat(plan.notes()).singleElement().asString().contains("no artifact").contains("linux-riscv64");
    }

    @Test
    void aCheckAsksTheFeedAndAPinnedUpdateDoesNot() {
        DesiredState update = desired().withIntent(VersionIntent.LATEST);
        Settings pinned = DEFAULTS.with(Setting.PIN, V123);
        assertThat(Planner.needsChannel(update, pinned, true)).isTrue();
        assertThat(Planner.needsChannel(update, pinned, false)).isFalse();
        assertThat(Planner.needsChannel(update, DEFAULTS, false)).isTrue();
        assertThat(Planner.needsChannel(desired(Setting.PIN, null).withIntent(VersionIntent.LATEST), pinned, false))
                .as("unpinning in the same run follows the channel").isTrue();
        assertThat(Planner.needsChannel(desired(Setting.CHANNEL, Channel.BETA), DEFAULTS, false)).isFalse();
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
        Plan plan = Planner.plan(desired(Setting.PIN, V123, Setting.CHANNEL, Channel.NIGHTLY,
                Setting.INTERVAL, Duration.ofHours(24)), actual(DEFAULTS, SchedulerState.ABSENT, null));
        assertThat(plan.drift()).containsExactly(
                new Drift("channel", "stable", "nightly"),
                new Drift("interval", "6h", "24h"),
                new Drift("pin", null, "v1.2.3"),
                new Drift("version", null, "v1.2.3"));
    }

    @Test
    void theAfterSettingsHoldEveryChange() {
        Plan plan = Planner.plan(desired(Setting.CHANNEL, Channel.BETA, Setting.AUTO, true),
                actual(DEFAULTS, SchedulerState.ABSENT, null));
        assertThat(plan.after().channel()).isEqualTo(Channel.BETA);
        assertThat(plan.after().auto()).isTrue();
        assertThat(plan.after().interval()).isEqualTo(DEFAULTS.interval());
    }

    @Test
    void everyManagedSettingIsCoveredByTheTable() {
        // a setting that a desired state may manage must have a row in the planner table above
        Set<Setting<?>> inTable = new java.util.HashSet<>();
        table().forEach(row -> inTable.addAll(((DesiredState) row.get()[1]).values().keySet()));
        assertThat(inTable).containsAll(Setting.MANAGED);
    }
}
