package com.cmdop.update.plan;

import com.cmdop.update.model.Settings;
import java.util.List;

/**
 * The result of planning: what differs, what to do about it, and the settings as they will be after.
 * A plan with no actions means the machine is in sync and nothing is written. {@code notes} explain
 * decisions an operator may wonder about (a quarantined version that was not installed).
 */
public record Plan(List<Drift> drift, List<Action> actions, Settings after, List<String> notes) {
    public Plan {
        drift = List.copyOf(drift);
        actions = List.copyOf(actions);
        notes = List.copyOf(notes);
    }

    public boolean inSync() {
        return drift.isEmpty() && actions.isEmpty();
    }
}
