package com.cmdop.update.cli;

import com.cmdop.update.io.JsonTrees;
import com.cmdop.update.io.SafeText;
import com.cmdop.update.exec.ActionResult;
import com.cmdop.update.plan.Drift;
import java.io.PrintStream;
import java.util.Map;

/** Writing reports: one JSON document, or a short human summary. */
public final class Output {
    private Output() {}

    public static void json(PrintStream out, Map<String, Object> document) {
        out.println(toJson(document, true));
        out.flush();
    }

    public static String toJson(Object value, boolean pretty) {
        return JsonTrees.write(value, pretty);
    }

    /** The default text view: the message, the drift and the actions. */
    static void textSummary(PrintStream out, Report report) {
        // everything shown may carry outside input (manifest fields, file names): no control character passes
        out.println(SafeText.forTerminal(report.msg()));
        for (Drift d : report.drift()) {
            out.println(SafeText.forTerminal("  drift   " + d.setting() + ": " + show(d.before()) + " -> "
                    + show(d.after())));
        }
        for (ActionResult a : report.actions()) {
            out.println(SafeText.forTerminal("  " + padRight(a.status(), 8) + a.message()));
        }
        out.flush();
    }

    static String show(Object v) {
        return v == null ? "none" : v.toString();
    }

    static String padRight(String s, int n) {
        return s.length() >= n ? s + " " : s + " ".repeat(n - s.length());
    }
}
