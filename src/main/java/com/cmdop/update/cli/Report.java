package com.cmdop.update.cli;

import com.cmdop.update.model.error.UpdateException;
import com.cmdop.update.exec.ActionResult;
import com.cmdop.update.plan.Drift;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON envelope of SPEC section 4, shared by every command. Field order is fixed; commands add
 * their own fields (settings, schedule, update_available, verified) after the common ones.
 */
public final class Report {
    public static final String UNCHANGED = "unchanged";
    public static final String CHANGED = "changed";
    public static final String DRIFT = "drift";
    public static final String FAILED = "failed";

    private final String command;
    private final Instant startedAt;
    private final long startNanos;
    private boolean checkMode;
    private String status = UNCHANGED;
    private boolean changed;
    private boolean inSync = true;
    private String msg = "";
    private Map<String, Object> agent = new LinkedHashMap<>();
    private Map<String, Object> desired = new LinkedHashMap<>();
    private Map<String, Object> before;
    private Map<String, Object> after;
    private List<Drift> drift = List.of();
    private List<ActionResult> actions = List.of();
    private List<Object> advisories = List.of();
    private final List<String> warnings = new ArrayList<>();
    private UpdateException error;
    private final Map<String, Object> extra = new LinkedHashMap<>();

    public Report(String command, Instant startedAt, long startNanos) {
        this.command = command;
        this.startedAt = startedAt;
        this.startNanos = startNanos;
        agent.put("installed_version", null);
        agent.put("installed_verified", null);
        agent.put("previous_version", null);
        agent.put("previous_expires", null);
        agent.put("available_version", null);
    }

    public String command() {
        return command;
    }

    public Report checkMode(boolean v) {
        checkMode = v;
        return this;
    }

    public Report status(String v) {
        status = v;
        return this;
    }

    public String status() {
        return status;
    }

    public Report changed(boolean v) {
        changed = v;
        return this;
    }

    public boolean changed() {
        return changed;
    }

    public Report inSync(boolean v) {
        inSync = v;
        return this;
    }

    public Report msg(String v) {
        msg = v;
        return this;
    }

    public String msg() {
        return msg;
    }

    public Map<String, Object> agent() {
        return agent;
    }

    public Report desired(Map<String, Object> v) {
        desired = v;
        return this;
    }

    public Report beforeAfter(Map<String, Object> b, Map<String, Object> a) {
        before = b;
        after = a;
        return this;
    }

    public Report drift(List<Drift> v) {
        drift = List.copyOf(v);
        return this;
    }

    public List<Drift> drift() {
        return drift;
    }

    public Report actions(List<ActionResult> v) {
        actions = List.copyOf(v);
        return this;
    }

    public List<ActionResult> actions() {
        return actions;
    }

    public Report advisories(List<?> v) {
        advisories = List.copyOf(v);
        return this;
    }

    public List<Object> advisories() {
        return advisories;
    }

    public Report warn(String w) {
        warnings.add(w);
        return this;
    }

    public List<String> warnings() {
        return warnings;
    }

    public Report error(UpdateException e) {
        error = e;
        status = FAILED;
        return this;
    }

    public UpdateException error() {
        return error;
    }

    /** A command-specific field, placed after the common ones. */
    public Report put(String key, Object value) {
        extra.put(key, value);
        return this;
    }

    public Object extra(String key) {
        return extra.get(key);
    }

    /** The envelope as an ordered map, ready for Jackson. */
    public Map<String, Object> toMap(int exitCode) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("schema_version", 1);
        m.put("tool", orderedMap("name", ToolVersion.NAME, "version", ToolVersion.version()));
        m.put("command", command);
        m.put("check_mode", checkMode);
        m.put("status", status);
        m.put("changed", changed);
        m.put("in_sync", inSync);
        m.put("failed", error != null);
        m.put("msg", msg);
        m.put("agent", agent);
        m.put("desired", desired);
        m.put("before", before);
        m.put("after", after);
        m.put("drift", drift.stream().map(Report::driftMap).toList());
        m.put("actions", actions.stream().map(a -> orderedMap("id", a.id(), "status", a.status(), "message",
                a.message())).toList());
        m.put("advisories", advisories);
        m.put("warnings", warnings);
        m.put("error", error == null ? null : errorMap(error));
        m.put("exit_code", exitCode);
        m.put("started_at", DateTimeFormatter.ISO_INSTANT.format(startedAt.truncatedTo(ChronoUnit.MILLIS)));
        m.put("duration_ms", (System.nanoTime() - startNanos) / 1_000_000);
        m.putAll(extra);
        return m;
    }

    private static Map<String, Object> driftMap(Drift d) {
        return orderedMap("setting", d.setting(), "before", d.before(), "after", d.after());
    }

    private static Map<String, Object> errorMap(UpdateException e) {
        return orderedMap("code", e.code().name(), "message", e.getMessage(), "retryable", e.retryable(),
                "details", e.details());
    }

    static Map<String, Object> orderedMap(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }
}
