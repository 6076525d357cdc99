package com.cmdop.update.demo;

/** Small text helpers for the demo's output. */
public final class Text {
    private Text() {}

    public static String indent(String s) {
        StringBuilder b = new StringBuilder();
        s.lines().forEach(l -> b.append("    ").append(l).append('\n'));
        return b.toString();
    }
}
