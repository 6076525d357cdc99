package com.cmdop.update.install;

import com.cmdop.update.service.HealthCheckResult;
import com.cmdop.update.service.HeartbeatResult;
import com.cmdop.update.service.RestartResult;

/**
 * A restart and the health checks after it: the heartbeat file (null when it is off or the restart failed)
 * and the {@code service.health_check} command (null when there is none, or an earlier step failed). Healthy
 * when the restart succeeded and every check that ran passed; with neither check, the restart alone.
 */
record Health(RestartResult restart, HeartbeatResult heartbeat, HealthCheckResult check) {
    boolean ok() {
        return restart.ok() && (heartbeat == null || heartbeat.ok()) && (check == null || check.ok());
    }

    String describe() {
        if (!restart.ok()) {
            return restart.describe();
        }
        if (heartbeat != null && !heartbeat.ok()) {
            return heartbeat.describe();
        }
        if (check != null) {
            return heartbeat == null ? check.describe() : heartbeat.describe() + "; " + check.describe();
        }
        return heartbeat == null ? restart.describe() : heartbeat.describe();
    }
}
