package com.cmdop.update.service;

/**
 * The outcome of polling {@code service.health_check}.
 *
 * @param ok       one run exited 0 before the deadline
 * @param attempts how many times it ran
 * @param last     the last run (the passing one when ok); its output is bounded
 */
public record HealthCheckResult(boolean ok, int attempts, RestartResult last) {

    /** One line for logs and messages; the command's output is escaped by {@link RestartResult#describe}. */
    public String describe() {
        if (ok) {
            return "service.health_check passed (attempt " + attempts + ")";
        }
        return "service.health_check did not pass in " + attempts + (attempts == 1 ? " attempt" : " attempts")
                + "; last: " + last.describe();
    }
}
