package com.cmdop.update.install;

import com.cmdop.update.service.HeartbeatResult;
import com.cmdop.update.service.RestartResult;

/** A restart and the heartbeat wait after it; {@code heartbeat} is null when the restart itself failed. */
record Health(RestartResult restart, HeartbeatResult heartbeat) {
    boolean ok() {
        return restart.ok() && heartbeat != null && heartbeat.ok();
    }

    String describe() {
        return restart.ok() ? heartbeat.describe() : restart.describe();
    }
}
