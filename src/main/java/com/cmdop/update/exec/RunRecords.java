package com.cmdop.update.exec;

import com.cmdop.update.model.error.UpdateException;
import com.cmdop.update.state.Machine;
import com.cmdop.update.state.StateStore;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * What a run records in state.json for {@code status} and the schedule: the last check (an update run,
 * manual or scheduled, ok or failed with its error code) and the last change. Written under the run lock.
 */
final class RunRecords {
    private RunRecords() {}

    /** @param failure the run's failure, or null when it succeeded */
    static void check(Machine machine, Instant time, UpdateException failure) {
        StateStore state = StateStore.load(machine.paths().stateFile(machine.settings()));
        state.recordCheck(time, failure == null ? "ok" : "failed");
        if (failure != null) {
            ((ObjectNode) state.root().get("last_check")).put("error", failure.code().name());
        }
        state.save();
    }

    static void change(Machine machine, Instant time, String actor, List<String> appliedActionIds) {
        StateStore state = StateStore.load(machine.paths().stateFile(machine.settings()));
        ObjectNode last = state.root().putObject("last_change");
        last.put("time", time.truncatedTo(ChronoUnit.SECONDS).toString());
        last.put("actor", actor);
        last.putPOJO("actions", appliedActionIds);
        state.save();
    }
}
