package com.cmdop.update.exec;

import com.cmdop.update.model.error.UpdateException;

/**
 * A run that failed after it had begun to change the machine: the original failure (its code and exit
 * status are the run's), and the outcome as it stands after undoing what could be undone, so the report
 * says exactly what stayed changed.
 */
public final class RunFailure extends UpdateException {
    private static final long serialVersionUID = 1L;

    private final transient RunOutcome outcome;

    RunFailure(UpdateException cause, RunOutcome outcome) {
        super(cause.code(), cause.getMessage(), cause.details(), cause);
        this.outcome = outcome;
    }

    /** What the run did before it failed, and what stayed changed. */
    public RunOutcome outcome() {
        return outcome;
    }
}
