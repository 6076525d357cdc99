package com.cmdop.update.plan;

import com.cmdop.update.model.VersionIntent;

import com.cmdop.update.plan.ActualState.SchedulerState;
import com.cmdop.update.model.error.ErrorCode;
import com.cmdop.update.model.error.InvalidInputException;
import com.cmdop.update.model.Version;
import com.cmdop.update.model.DesiredState;
import com.cmdop.update.model.SettingKey;
import com.cmdop.update.model.Settings;
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
        List<String> notes = new ArrayList<>();
        planVersion(desired, actual, after, drift, actions, notes);
        drift.sort(Comparator.comparing(Drift::setting));
        return new Plan(drift, actions, after, notes);
    }

    /**
     * The version rules of SPEC sections 3 and 5: a pin means exactly the pin; --version means exactly
     * that version (it may downgrade, and overrides a quarantine); an update takes the channel's version
     * only when it is newer and not quarantined (never a downgrade); a rollback needs a cached previous.
     */
    private static void planVersion(DesiredState desired, ActualState actual, Settings after, List<Drift> drift,
            List<Action> actions, List<String> notes) {
        Version installed = actual.installedVersion();
        VersionIntent intent = desired.intent();
        Version target = null;
        if (intent instanceof VersionIntent.Rollback) {
            if (actual.previousVersion() == null) {
                throw new InvalidInputException(ErrorCode.ROLLBACK_UNAVAILABLE, "there is no cached previous version to "
                        + "roll back to (it is kept for update.cache_ttl after an update); nothing was changed. "
                        + "Install a version explicitly with --version V", Map.of());
            }
            drift.add(versionDrift(installed, actual.previousVersion()));
            actions.add(new Action.Rollback(installed, actual.previousVersion()));
            return;
        }
        boolean pinManaged = desired.manages(SettingKey.PIN) && after.pin() != null;
        if (pinManaged || (intent instanceof VersionIntent.Latest && after.pin() != null)) {
            target = after.pin();
        } else if (intent instanceof VersionIntent.Exact exact) {
            target = exact.version();
        } else if (intent instanceof VersionIntent.Latest && actual.channelHead() != null) {
            Version head = actual.channelHead();
            boolean newer = installed == null || head.isNewerThan(installed);
            if (newer && actual.quarantined().contains(head)) {
                notes.add(head + " is quarantined on this machine (it failed its health check or was rolled back) "
                        + "and is not installed automatically; --version " + head + " overrides");
            } else if (newer) {
                target = head;
            }
        }
        if (target != null && !target.equals(installed)) {
            drift.add(versionDrift(installed, target));
            actions.add(new Action.InstallVersion(installed, target));
        }
    }

    private static Drift versionDrift(Version from, Version to) {
        return new Drift("version", from == null ? null : from.toString(), to.toString());
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
