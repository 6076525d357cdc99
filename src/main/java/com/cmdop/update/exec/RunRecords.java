package com.cmdop.update.exec;

import com.cmdop.update.model.error.UpdateException;
import com.cmdop.update.plan.ActualState.FeedFacts;
import com.cmdop.update.state.Machine;
import com.cmdop.update.state.StateFile;
import java.time.Instant;
import java.util.List;

/**
 * What a run records in state.json for {@code status} and the schedule: the last check (an update run,
 * manual or scheduled, ok or failed with its error code) and the last change. Written under the run lock.
 */
final class RunRecords {
    private RunRecords() {}

    /**
     * @param failure the run's failure, or null when it succeeded
     * @param facts   what the run learned of the feed (null: nothing), kept with a success for monitoring
     */
    static void check(Machine machine, Instant time, UpdateException failure, FeedFacts facts) {
        StateFile state = StateFile.load(machine.paths().stateFile(machine.settings()));
        state.recordCheck(time, failure == null ? "ok" : "failed", failure == null ? null : failure.code().name());
        if (failure == null) {
            state.recordSuccess(time, facts == null ? null : facts.channelHead(),
                    facts == null ? List.of() : facts.advisories());
        }
        state.save();
    }

    static void change(Machine machine, Instant time, String actor, List<String> appliedActionIds) {
        StateFile state = StateFile.load(machine.paths().stateFile(machine.settings()));
        state.recordChange(time, actor, appliedActionIds);
        state.save();
    }
}
