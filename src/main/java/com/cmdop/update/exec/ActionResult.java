package com.cmdop.update.exec;

/** An action as reported in JSON {@code actions[]}: status is applied, planned, skipped or failed. */
public record ActionResult(String id, String status, String message) {
    public static final String APPLIED = "applied";
    public static final String PLANNED = "planned";
    public static final String SKIPPED = "skipped";
    public static final String FAILED = "failed";
}
