package com.cmdop.update.install;

import com.cmdop.update.audit.AgentLog;
import com.cmdop.update.audit.AuditLog;
import com.cmdop.update.model.error.UpdateException;
import java.util.ArrayList;
import java.util.List;

/**
 * One agent-log line and one audit event per install step (SPEC section 10). Logging is best effort
 * here: a log that cannot be written (a full disk) must not stop a swap-back halfway; the failure is
 * kept as a warning for the result instead.
 */
final class InstallLog {
    private final AgentLog agentLog;
    private final AuditLog auditLog;
    private final String channel;
    private final List<String> problems = new ArrayList<>();

    InstallLog(InstallEnv env) {
        this.agentLog = env.agentLog();
        this.auditLog = env.auditLog();
        this.channel = env.channel();
    }

    void info(String action, String outcome, Object from, Object to, String sha256, String keyId, String message) {
        step(AgentLog.Level.INFO, action, outcome, from, to, null, sha256, keyId, message);
    }

    void step(AgentLog.Level level, String action, String outcome, Object from, Object to, String reason,
            String sha256, String keyId, String message) {
        try {
            agentLog.write(level, message);
        } catch (UpdateException e) {
            problems.add("could not write the agent log: " + e.getMessage());
        }
        try {
            auditLog.record(new AuditLog.Event(action, outcome, from, to, channel, reason, keyId, sha256));
        } catch (UpdateException e) {
            problems.add("could not write the audit log: " + e.getMessage());
        }
    }

    /** The CRITICAL tamper line and its audit event. */
    void tamper(String action, String reasonCode, Object from, Object to, String sha256, String keyId,
            String message) {
        try {
            agentLog.tamperDetected(reasonCode, message);
        } catch (UpdateException e) {
            problems.add("could not write the agent log: " + e.getMessage());
        }
        try {
            auditLog.record(new AuditLog.Event(action, "failed", from, to, channel, reasonCode, keyId, sha256));
        } catch (UpdateException e) {
            problems.add("could not write the audit log: " + e.getMessage());
        }
    }

    /** Log writes that failed, as warnings; each is reported once. */
    List<String> drainProblems() {
        List<String> p = List.copyOf(problems);
        problems.clear();
        return p;
    }
}
