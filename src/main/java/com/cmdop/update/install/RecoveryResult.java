package com.cmdop.update.install;

import java.util.List;

/**
 * What {@link Recovery#recover()} found and did.
 *
 * @param actions  one line per thing done (an interrupted run finished or undone, leftovers removed, a
 *                 binary adopted, an expired cache entry purged); empty when the machine was consistent
 * @param warnings things the operator should know
 */
public record RecoveryResult(List<String> actions, List<String> warnings) {
    public RecoveryResult {
        actions = List.copyOf(actions);
        warnings = List.copyOf(warnings);
    }

    public boolean changed() {
        return !actions.isEmpty();
    }
}
