package com.cmdop.update.plan;

import com.cmdop.update.model.Advisory;
import com.cmdop.update.model.Settings;
import com.cmdop.update.model.Version;
import java.util.List;

/**
 * The answer to every question a command asks: what differs, what to do about it, and the settings as
 * they will be after. A plan with no actions means the machine is in sync and nothing is written;
 * {@code --check} is a plan that is not executed.
 *
 * @param notes      decisions an operator may wonder about (a quarantined version that was not installed,
 *                   a pin behind its channel), reported as warnings
 * @param target     the version this machine should run: its pin, else the channel's newest when the feed
 *                   was consulted, else null
 * @param advisories the channel's advisories that affect the version this machine runs (pinned or not)
 */
public record Plan(List<Drift> drift, List<Action> actions, Settings after, List<String> notes, Version target,
        List<Advisory> advisories) {
    public Plan {
        drift = List.copyOf(drift);
        actions = List.copyOf(actions);
        notes = List.copyOf(notes);
        advisories = List.copyOf(advisories);
    }

    public boolean inSync() {
        return drift.isEmpty() && actions.isEmpty();
    }

    /** Whether the plan installs or rolls back a version: for {@code --check}, "an update is waiting". */
    public boolean changesVersion() {
        return actions.stream().anyMatch(a -> a instanceof Action.InstallVersion || a instanceof Action.Rollback);
    }

    /** The version the plan leaves installed. */
    public Version versionAfter(Version installed) {
        for (Action a : actions) {
            if (a instanceof Action.InstallVersion v) {
                return v.version();
            }
            if (a instanceof Action.Rollback r) {
                return r.to();
            }
        }
        return installed;
    }
}
