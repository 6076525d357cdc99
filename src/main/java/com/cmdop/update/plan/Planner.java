package com.cmdop.update.plan;

import com.cmdop.update.plan.ActualState.SchedulerState;
import com.cmdop.update.release.Version;
import com.cmdop.update.state.DesiredState;
import com.cmdop.update.state.SettingKey;
import com.cmdop.update.state.Settings;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Desired + actual -> plan. Pure: no files, network, clock or statics, so every rule is a table test.
 * Every mutating command (settings flags, converge, later install and rollback) builds a
 * {@link DesiredState} and comes through here.
 */
public final class Planner {
    private Planner() {}

    public static Plan plan(DesiredState desired, ActualState actual) {
        List<Drift> drift = new ArrayList<>();
        List<Action> actions = new ArrayList<>();
        Settings after = actual.settings();
        Map<SettingKey, Object> current = actual.settings().managed();
        for (SettingKey key : SettingKey.values()) {
            if (!desired.manages(key)) {
                continue;
            }
            Object before = current.get(key);
            Object wanted = desired.get(key);
            if (!key.same(before, wanted)) {
                drift.add(new Drift(key.id(), key.toJson(before), key.toJson(wanted)));
                actions.add(new Action.SetSetting(key, before, wanted));
                after = after.with(key, wanted);
            }
        }
        if (desired.manages(SettingKey.AUTO)) {
            planScheduler(after.auto(), actual.scheduler(), drift, actions);
        }
        if (desired.manages(SettingKey.PIN) && after.pin() != null) {
            Version pin = after.pin();
            if (!pin.equals(actual.installedVersion())) {
                drift.add(new Drift("version", actual.installedVersion() == null ? null
                        : actual.installedVersion().toString(), pin.toString()));
                actions.add(new Action.InstallVersion(actual.installedVersion(), pin));
            }
        }
        drift.sort(Comparator.comparing(Drift::setting));
        return new Plan(drift, actions, after);
    }

    private static void planScheduler(boolean auto, SchedulerState state, List<Drift> drift, List<Action> actions) {
        if (auto && state != SchedulerState.CURRENT) {
            drift.add(new Drift("scheduler", state == SchedulerState.ABSENT ? "absent" : "outdated", "present"));
            actions.add(new Action.InstallScheduler());
        } else if (!auto && state != SchedulerState.ABSENT) {
            drift.add(new Drift("scheduler", "present", "absent"));
            actions.add(new Action.RemoveScheduler());
        }
    }
}
