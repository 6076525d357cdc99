package com.cmdop.update.audit;

import com.cmdop.update.model.error.UpdateException;

/**
 * Writes what SPEC section 10 asks for every refused integrity check: one CRITICAL
 * {@code tamper-detected reason=<code>} line in the agent log and an audit line.
 */
public final class TamperLog {
    private final AgentLog agentLog;
    private final AuditLog auditLog;

    public TamperLog(AgentLog agentLog, AuditLog auditLog) {
        this.agentLog = agentLog;
        this.auditLog = auditLog;
    }

    /** Logs the refusal; the caller rethrows. */
    public void refused(UpdateException e, String action, String channel) {
        Object keyId = e.details().get("key_id");
        Object sha = e.details().get("sha256");
        agentLog.tamperDetected(e.code().name(), e.getMessage());
        auditLog.record(new AuditLog.Event(action, "refused", null, null, channel, e.code().name(),
                keyId == null ? null : keyId.toString(), sha == null ? null : sha.toString()));
    }
}
