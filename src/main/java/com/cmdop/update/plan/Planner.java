package com.cmdop.update.plan;

import com.cmdop.update.model.Advisory;
import com.cmdop.update.model.DesiredState;
import com.cmdop.update.model.Setting;
import com.cmdop.update.model.Settings;
import com.cmdop.update.model.Version;
import com.cmdop.update.model.VersionIntent;
import com.cmdop.update.model.error.ErrorCode;
import com.cmdop.update.model.error.InvalidInputException;
import com.cmdop.update.model.error.UpdateException;
import com.cmdop.update.plan.ActualState.FeedFacts;
import com.cmdop.update.plan.ActualState.SchedulerState;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Desired + actual -> plan: the one place every question is answered ({@code --check}, converge,
 * update, {@code --version}, {@code --pin}, {@code --rollback}, {@code --scheduled} once due). Pure: no
 * files, network, clock or statics, so every rule is a row of a table test.
 */
public final class Planner {
    private Planner() {}

    /**
     * Whether answering needs the channel's newest release from the feed: a check always asks (it reports
     * what is available and its advisories), an update asks unless a pin decides the version.
     *
     * @param check whether the plan is only reported ({@code --check})
     */
    public static boolean needsChannel(DesiredState desired, Settings current, boolean check) {
        if (check && desired.intent() instanceof VersionIntent.Latest) {
            return true;
        }
        Version pin = desired.manages(Setting.PIN) ? desired.get(Setting.PIN) : current.pin();
        return desired.intent() instanceof VersionIntent.Latest && pin == null;
    }

    public static Plan plan(DesiredState desired, ActualState actual) {
        List<Drift> drift = new ArrayList<>();
        List<Action> actions = new ArrayList<>();
        Settings after = actual.settings();
        for (Map.Entry<Setting<?>, Object> want : desired.values().entrySet()) {
            Setting<?> setting = want.getKey();
            Object before = actual.settings().get(setting);
            Object wanted = want.getValue();
            if (!setting.same(before, wanted)) {
                drift.add(new Drift(setting.id(), setting.toJson(before), setting.toJson(wanted)));
                actions.add(new Action.SetSetting(setting, before, wanted));
                after = after.withRaw(setting, wanted);
            }
        }
        if (after.hold() && after.pin() != null) {
            throw new UpdateException(ErrorCode.USAGE, "hold and pin conflict: a pin installs exactly " + after.pin()
                    + ", a hold keeps whatever binary is installed; unpin (--unpin, pin: null) to hold, or unhold "
                    + "(--unhold, hold: false) to pin", Map.of("field", "hold"));
        }
        if (desired.manages(Setting.AUTO)) {
            planScheduler(after.auto(), actual.scheduler(), drift, actions);
        }
        List<String> notes = new ArrayList<>();
        Version target = planVersion(desired, actual, after, drift, actions, notes);
        if (desired.intent() instanceof VersionIntent.Rollback && after.pin() != null && !after.pin().equals(target)) {
            // else the next converge or update would reinstall the version just rolled back from
            drift.add(new Drift("pin", after.pin().toString(), target.toString()));
            actions.add(new Action.SetSetting(Setting.PIN, after.pin(), target));
            notes.add("pinned to " + after.pin() + ": the pin moves to " + target + " with the rollback, so the "
                    + "next run does not reinstall " + after.pin());
            after = after.with(Setting.PIN, target);
        }
        planMove(actual, after, actions, notes);
        planRepair(desired, actual, after, drift, actions, notes);
        drift.sort(Comparator.comparing(Drift::setting));
        return new Plan(drift, actions, after, notes, target, advisories(actual));
    }

    /**
     * The version rules of SPEC sections 3 and 5: a pin means exactly the pin; --version means exactly
     * that version (it may downgrade, and overrides a quarantine); an update takes the channel's version
     * only when it is newer and not quarantined (never a downgrade); a rollback needs a cached previous.
     *
     * @return the version this machine should run, when known
     */
    private static Version planVersion(DesiredState desired, ActualState actual, Settings after, List<Drift> drift,
            List<Action> actions, List<String> notes) {
        Version installed = actual.installedVersion();
        VersionIntent intent = desired.intent();
        FeedFacts feed = actual.feed();
        if (intent instanceof VersionIntent.Rollback) {
            if (actual.previousVersion() == null) {
                throw new InvalidInputException(ErrorCode.ROLLBACK_UNAVAILABLE, "there is no cached previous version to "
                        + "roll back to (it is kept for update.cache_ttl after an update); nothing was changed. "
                        + "Install a version explicitly with --version V", Map.of());
            }
            addVersionChange(installed, actual.previousVersion(), drift, actions, true);
            return actual.previousVersion();
        }
        if (feed != null && !feed.headHasArtifact()) {
            notes.add("release " + feed.channelHead() + " has no artifact for this platform (" + feed.platform() + ")");
        }
        Version target = null;
        boolean pinManaged = desired.manages(Setting.PIN) && after.pin() != null;
        if (pinManaged || (intent instanceof VersionIntent.Latest && after.pin() != null)) {
            target = after.pin();
            if (feed != null && feed.channelHead().isNewerThan(target)) {
                notes.add("pinned to " + target + "; the " + after.channel() + " channel has " + feed.channelHead()
                        + " (unpin with 'cmdop-update --unpin' to follow it)");
            }
        } else if (intent instanceof VersionIntent.Exact exact) {
            target = exact.version();
        } else if (intent instanceof VersionIntent.Latest && after.hold()) {
            notes.add("held: the installed binary is kept and never replaced automatically (hold: true); "
                    + "'cmdop-update --unhold' follows the channel again");
            return installed;
        } else if (intent instanceof VersionIntent.Latest && feed != null) {
            Version head = feed.channelHead();
            boolean newer = installed == null || head.isNewerThan(installed);
            if (newer && actual.quarantined().contains(head)) {
                notes.add(head + " is quarantined on this machine (it failed its health check or was rolled back); "
                        + "it is not installed automatically until a newer release appears. 'cmdop-update --version "
                        + head + "' overrides");
                return head;
            }
            if (!newer) {
                return head;
            }
            target = head;
        }
        if (target != null && !target.equals(installed)) {
            addVersionChange(installed, target, drift, actions, false);
        }
        return target;
    }

    /**
     * A changed {@code install_path} puts the agent at the new path: the version this run installs anyway, else
     * the signed bytes of the installed version. The binary at the old path is left alone (the service's unit
     * may still run it), and a held machine's custom binary is not copied: the notes say so.
     */
    private static void planMove(ActualState actual, Settings after, List<Action> actions, List<String> notes) {
        String from = actual.settings().installPath();
        if (after.installPath().equals(from)) {
            return;
        }
        Version installed = actual.installedVersion();
        boolean installs = actions.stream().anyMatch(a -> a instanceof Action.InstallVersion);
        if (after.hold()) {
            notes.add("install_path moves from " + from + " to " + after.installPath() + " on a held machine: the "
                    + "held binary is not copied; put it at " + after.installPath() + " yourself");
            return;
        }
        if (!installs && installed == null) {
            return;
        }
        if (!installs) {
            actions.add(new Action.InstallVersion(installed, installed));
        }
        if (installed == null) {
            return; // nothing was installed at the old path
        }
        notes.add("install_path moves from " + from + " to " + after.installPath() + ": the agent is installed at "
                + after.installPath() + "; the binary at " + from + " is left alone (point the agent's service at "
                + "the new path, then remove it)");
    }

    /**
     * A binary that matches no signed checksum (replaced or changed by hand) is drift {@code binary}, and a
     * converge or update reinstalls the signed bytes of its version, unless the machine is held (a fork is
     * kept on purpose) or this run installs another version anyway.
     */
    private static void planRepair(DesiredState desired, ActualState actual, Settings after, List<Drift> drift,
            List<Action> actions, List<String> notes) {
        VersionIntent intent = desired.intent();
        boolean converges = intent instanceof VersionIntent.None || intent instanceof VersionIntent.Latest;
        if (actual.binary() != ActualState.Binary.MODIFIED || after.hold() || !converges) {
            return;
        }
        drift.add(new Drift("binary", "modified", "signed"));
        if (actions.stream().anyMatch(a -> a instanceof Action.InstallVersion)) {
            return;
        }
        Version installed = actual.installedVersion();
        if (installed == null) {
            notes.add("the agent binary matches no signed release and its version is unknown, so there is nothing "
                    + "to reinstall: install a signed version with --version V, or keep it with --hold");
            return;
        }
        actions.add(new Action.InstallVersion(installed, installed));
    }

    /**
     * The advisories the feed publishes that affect the version this machine runs, pinned or not (a pin does
     * not make a vulnerable version safe), however far the channel moved past it when the feed has a release
     * index; every one when the installed version is not known.
     */
    private static List<Advisory> advisories(ActualState actual) {
        List<Advisory> published = actual.advisories() != null ? actual.advisories()
                : actual.feed() != null ? actual.feed().advisories() : List.of();
        Version installed = actual.installedVersion();
        return published.stream().filter(a -> a.affects(installed)).toList();
    }

    private static void addVersionChange(Version from, Version to, List<Drift> drift, List<Action> actions,
            boolean rollback) {
        drift.add(new Drift("version", from == null ? null : from.toString(), to.toString()));
        actions.add(rollback ? new Action.Rollback(from, to) : new Action.InstallVersion(from, to));
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
