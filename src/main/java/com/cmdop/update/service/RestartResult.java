package com.cmdop.update.service;

/**
 * What running {@code service.restart} did.
 *
 * @param ok       the command ran and exited 0 within the timeout
 * @param exitCode its exit status, or null when it could not be started or timed out
 * @param timedOut it was still running at the timeout and was killed
 * @param output   the tail of its combined stdout and stderr (bounded)
 * @param problem  why it failed, for messages; null when ok
 */
public record RestartResult(boolean ok, Integer exitCode, boolean timedOut, String output, String problem) {

    /** One line for logs and error messages. */
    public String describe() {
        if (ok) {
            return "restart command exited 0";
        }
        String tail = output == null || output.isBlank() ? "" : " (output: " + oneLine(output) + ")";
        return problem + tail;
    }

    private static String oneLine(String s) {
        String t = s.strip().replace('\n', ' ').replace('\r', ' ');
        t = t.length() > 300 ? "..." + t.substring(t.length() - 300) : t;
        return com.cmdop.update.io.SafeText.escape(t); // the command's output may hold anything
    }
}
