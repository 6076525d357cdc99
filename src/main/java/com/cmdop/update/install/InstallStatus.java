package com.cmdop.update.install;

import com.cmdop.update.state.StateFile;
import java.nio.file.Path;
import java.util.List;

/**
 * What {@code status} shows about the agent binary, read without the lock and without writing:
 * {@code agent.installed_version}, {@code agent.installed_verified}, {@code agent.previous_version},
 * {@code agent.previous_expires}, and the quarantined versions.
 *
 * @param installedVersion  as recorded in state.json ({@code unknown} for an adopted binary whose version
 *                          could not be learned), or null when nothing is recorded
 * @param installedVerified true when install_path hashes to what was installed from a signed checksum;
 *                          false when it differs or was adopted unsigned; null when nothing is recorded
 * @param previous          the cached rollback target, or null
 */
public record InstallStatus(String installedVersion, Boolean installedVerified, PreviousBinary previous,
        List<Quarantine.Entry> quarantined) {

    public static InstallStatus read(Path installPath, Path dataDir) {
        StateFile state = StateFile.ofDataDir(dataDir);
        StateFile.Installed rec = state.installed();
        Boolean verified = null;
        if (rec != null) {
            verified = rec.signed() && Binaries.same(rec.sha256(), Binaries.sha256OrNull(installPath, state));
        }
        return new InstallStatus(rec == null ? null : rec.version(), verified,
                Retention.previous(dataDir).orElse(null), Quarantine.load(dataDir).list());
    }
}
