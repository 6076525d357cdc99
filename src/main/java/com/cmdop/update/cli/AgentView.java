package com.cmdop.update.cli;

import com.cmdop.update.exec.MachineFacts;
import com.cmdop.update.install.InstallStatus;
import com.cmdop.update.install.Quarantine;
import com.cmdop.update.state.Machine;
import java.util.List;
import java.util.Map;

/**
 * The {@code agent} object of the envelope (SPEC section 4) from what the install engine recorded:
 * the installed version and whether install_path still hashes to the signed bytes (false means someone
 * replaced the binary by hand: drift), the cached previous version and when it is purged.
 */
final class AgentView {
    private AgentView() {}

    static InstallStatus read(Machine machine) {
        return InstallStatus.read(machine.paths().installPath(machine.settings()),
                machine.paths().dataDir(machine.settings()));
    }

    /** Fills {@code agent} from what the engine recorded; returns what it read. */
    static InstallStatus fill(Report report, Machine machine) {
        InstallStatus s = read(machine);
        Map<String, Object> agent = report.agent();
        if (s.installedVersion() != null || !agent.containsKey("installed_version")) {
            agent.put("installed_version", s.installedVersion());
        }
        agent.put("installed_verified", s.installedVerified());
        agent.put("previous_version", s.previous() == null ? null : s.previous().version());
        agent.put("previous_expires", s.previous() == null ? null : s.previous().expires().toString());
        boolean held = machine.settings().hold();
        agent.put("held", held);
        agent.put("binary", binary(s, held));
        return s;
    }

    /**
     * {@code signed}: the bytes of a signed release; {@code modified}: bytes that match no signed release
     * (drift: converge reinstalls); {@code custom}: such bytes kept on purpose by a hold; null: none known.
     */
    static String binary(InstallStatus s, boolean held) {
        return switch (MachineFacts.binary(s)) {
            case NONE -> null;
            case SIGNED -> "signed";
            case MODIFIED -> held ? "custom" : "modified";
        };
    }

    static List<Map<String, Object>> quarantined(InstallStatus s) {
        return s.quarantined().stream().map(AgentView::entry).toList();
    }

    static Map<String, Object> entry(Quarantine.Entry e) {
        return Report.orderedMap("version", e.version().toString(), "reason", e.reason(), "since", e.since().toString());
    }
}
