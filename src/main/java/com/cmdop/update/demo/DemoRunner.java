package com.cmdop.update.demo;

/** How a walkthrough runs commands and talks to the reader; the demo command implements it. */
public interface DemoRunner {
    /** Runs {@code cmdop-update args...} in-process, shows it with its output, and records it. */
    DemoStep step(String title, int expectedExit, String... args);

    /** Explains something between steps. */
    void say(String text);
}
