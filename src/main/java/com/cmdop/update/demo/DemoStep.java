package com.cmdop.update.demo;

/** One command the demo ran: what it typed, what came out, and the exit status it expected. */
public record DemoStep(String title, String command, int exitCode, int expectedExit, String output) {
    public boolean asExpected() {
        return exitCode == expectedExit;
    }
}
