package com.cmdop.update.install;

import com.cmdop.update.state.FileHashes;
import com.cmdop.update.state.StateFile;
import com.cmdop.update.audit.EventLog;
import com.cmdop.update.model.error.ErrorCode;
import com.cmdop.update.model.error.UpdateException;
import com.cmdop.update.model.Version;
import com.cmdop.update.service.HealthCheckCommand;
import com.cmdop.update.service.HealthCheckResult;
import com.cmdop.update.service.HeartbeatResult;
import com.cmdop.update.service.HeartbeatWatcher;
import com.cmdop.update.service.RestartResult;
import com.cmdop.update.service.ServiceRestarter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The part of an install or a rollback from the swap on, shared with {@link Recovery}: rename the staged
 * binary over install_path, restart, wait for the health checks (the heartbeat file, the
 * {@code service.health_check} command, or both), then either commit (state.json, quarantine, cache) or revert
 * (put the old binary back, restart it, confirm its health, quarantine the new one). A first install has
 * nothing to go back to: its binary is kept, and the failure still reported (81).
 * Every step is recorded in the journal first, so a crash at any point is finished or undone by the
 * next run.
 */
final class Transition {
    private final InstallEnv env;
    private final BinaryCache cache;
    private final ServiceRestarter restarter;
    private final HeartbeatWatcher watcher;
    private final HealthCheckCommand probe;
    private final List<String> warnings = new ArrayList<>();

    Transition(InstallEnv env, HeartbeatWatcher watcher) {
        this.env = env;
        this.cache = new BinaryCache(env.versionsDir(), env.crashPoints());
        this.restarter = new ServiceRestarter(env.restartCommand(), env.env(), env.root(), env.restartOutput(),
                env.restartTimeout(), env.seams().restartRunner());
        this.watcher = watcher;
        this.probe = new HealthCheckCommand(env.healthCheck(), env.env(), env.root(), env.healthCheckOutput(),
                env.seams().healthCheckRunner(), env.seams().nanoTime(), env.seams().sleeper());
    }

    List<String> warnings() {
        List<String> w = new ArrayList<>(warnings);
        w.addAll(env.events().drainWarnings());
        return w;
    }

    /** Runs a PREPARED journal: swap, restart, heartbeat, then commit, or revert and fail with 81. */
    InstallResult run(Journal prepared, Path staging) {
        Journal.Binary to = prepared.to();
        String fromVersion = prepared.from() == null ? null : prepared.from().version();
        Staging.swapInto(staging, env.installPath());
        // the staged bytes were hashed as they were written and backdated (Staging.backdate): remember them
        FileHashes.written(env.installPath(), to.sha256(), env.stateFile());
        env.info("swap", "applied", fromVersion, to.version(), to.sha256(), prepared.keyId(),
                "swap: " + env.installPath() + " is now " + to.version() + " (was " + show(fromVersion) + ")");
        env.crashPoints().reach(CrashPoints.SWAP);
        Journal current = prepared;
        Health health = null;
        try {
            current = save(prepared.withPhase(Journal.Phase.SWAPPED));
            if (restarter.enabled()) {
                if (watcher == null && !probe.enabled()) {
                    warnings.add("no health check: service.heartbeat_file is none and service.health_check is [], so "
                            + "the restart command's exit 0 was taken as healthy; set either to have " + to.version()
                            + " confirmed (docs/installing.md)");
                }
                env.crashPoints().reach(CrashPoints.RESTART);
                health = restartAndConfirm(to.version(), true);
            } else {
                String w = "service.restart is [] in config.yaml: the agent was not restarted and its heartbeat not "
                        + "checked; restart it yourself to run " + to.version();
                warnings.add(w);
                env.step(EventLog.Level.WARN, "restart", "skipped", fromVersion, to.version(), "no-restart-command",
                        null, null, "restart: skipped: " + w);
            }
        } catch (RuntimeException e) {
            // the swap happened but the run cannot go on (a full disk for the journal, ...): put the old binary back
            try {
                revert(current, false);
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        if (health == null || health.ok()) {
            Journal healthy = save(current.withPhase(Journal.Phase.HEALTHY));
            env.crashPoints().reach(CrashPoints.COMMIT);
            return commit(healthy);
        }
        Journal reverting = save(current.withPhase(Journal.Phase.REVERTING));
        Reverted r = revert(reverting, true);
        throw healthCheckFailed(prepared, health, r);
    }

    /** Records the finished swap: installed, previous, quarantine; clears the journal; purges the superseded entry. */
    InstallResult commit(Journal j) {
        Journal.Binary to = j.to();
        Journal.Binary from = j.from();
        Instant now = env.clock().instant().truncatedTo(ChronoUnit.SECONDS);
        StateFile state = StateFile.load(env.stateFile());
        state.setInstalled(to.version(), to.sha256(), to.signed(), now);
        if (from != null && from.cache() != null) {
            state.setPrevious(new StateFile.Previous(from.version(), from.sha256(), from.signed(), from.cache(), now,
                    now.plus(env.cacheTtl())));
        }
        state.save();
        Quarantine q = Quarantine.loadFile(env.quarantineFile());
        if (j.op().equals(Journal.ROLLBACK) && from != null && Version.isValid(from.version())) {
            q.add(from.version(), "rolled back to " + to.version() + " with --rollback", now);
            env.step(EventLog.Level.WARN, "quarantine", "applied", from.version(), null, "rolled-back", from.sha256(),
                    null, "quarantine: " + from.version() + " (rolled back to " + to.version() + "); it is not "
                            + "installed automatically again until a newer version is published");
            if (Version.isValid(to.version()) && q.remove(Version.parse(to.version()))) {
                // a second rollback returns to a version the first one quarantined: it is wanted again
                env.info("quarantine", "cleared", to.version(), null, null, null, "quarantine: cleared "
                        + to.version() + " (rolled back to it, so it is wanted again)");
            }
        } else if (j.op().equals(Journal.INSTALL) && Version.isValid(to.version())) {
            for (Version cleared : q.clearOlderThanOrEqual(Version.parse(to.version()))) {
                env.info("quarantine", "cleared", cleared.toString(), null, null, null, "quarantine: cleared "
                        + cleared + " (" + to.version() + " is installed and healthy)");
            }
        }
        env.info(j.op(), "applied", from == null ? null : from.version(), to.version(), to.sha256(), j.keyId(),
                j.op() + ": " + to.version() + " is installed" + (from == null ? "" : " (was " + from.version()
                        + "; kept as the rollback target until " + now.plus(env.cacheTtl()) + ")"));
        Journal.clear(env.journalFile());
        new Retention(env).purge(now, Set.of());
        StateFile.Previous prev = StateFile.load(env.stateFile()).previous();
        return new InstallResult(j.op(), true, from == null ? null : from.version(), to.version(), to.sha256(),
                j.keyId(), prev == null ? null : prev.version(), prev == null ? null : prev.expires(), warnings());
    }

    /**
     * What a revert achieved.
     *
     * @param kept the new binary stayed because there was nothing before it (a first install)
     */
    record Reverted(boolean restored, Health oldHealth, String problem, boolean kept) {}

    /**
     * Puts {@code from} back at install_path, restarts it if the new binary may have run, quarantines {@code to}
     * when its health check failed, makes state.json say {@code from}, and clears the journal. When there was
     * nothing before (a first install), {@code to} is kept: removing it would leave the machine with no agent
     * at all, which is worse than an agent that failed its check (issue #10.4); it is not quarantined, since it
     * is the installed version. When {@code from} cannot be restored (its cached copy is missing or does not
     * match), {@code to} stays, state.json says so, and the problem is reported.
     */
    Reverted revert(Journal j, boolean heartbeatFailed) {
        Journal.Binary from = j.from();
        Journal.Binary to = j.to();
        Path ip = env.installPath();
        String now = Binaries.sha256OrNull(ip, StateFile.load(env.stateFile()));
        boolean swapped = false;
        String problem = null;
        boolean kept = from == null && now != null && Binaries.same(now, to.sha256());
        if (from == null) {
            // nothing to go back to: a first install keeps its binary (kept), or nothing was swapped in yet
        } else if (!Binaries.same(now, from.sha256())) {
            problem = restoreFromCache(from);
            swapped = problem == null;
        }
        Instant t = env.clock().instant().truncatedTo(ChronoUnit.SECONDS);
        if (kept) {
            env.step(EventLog.Level.WARN, "rollback", "skipped", to.version(), null, "nothing-before", to.sha256(), null,
                    "rollback: skipped: there was no agent binary before " + to.version() + ", so it stays at " + ip);
        } else if (problem == null) {
            env.step(EventLog.Level.WARN, "rollback", "applied", to.version(), from == null ? null : from.version(),
                    heartbeatFailed ? "health-check-failed" : "interrupted", from == null ? null : from.sha256(), null,
                    "rollback: " + ip + (from == null ? " still holds no binary (" + to.version() + " was not swapped in)"
                            : " is " + from.version() + " again (" + to.version() + " undone)"));
        } else {
            env.step(EventLog.Level.ERROR, "rollback", "failed", to.version(), from.version(), "no-rollback-target",
                    to.sha256(), null, "rollback: impossible: " + problem + "; " + to.version() + " stays installed");
            warnings.add("could not put " + from.version() + " back: " + problem + "; " + to.version() + " stays");
        }
        env.crashPoints().reach(CrashPoints.ROLLBACK);
        Health old = null;
        boolean newMayHaveRun = swapped || j.phase() == Journal.Phase.SWAPPED || j.phase() == Journal.Phase.REVERTING;
        if (problem == null && from != null && restarter.enabled() && newMayHaveRun) {
            old = restartAndConfirm(from.version(), false);
            if (!old.ok()) {
                warnings.add(from.version() + " is back at " + ip + " but did not confirm its heartbeat either: "
                        + old.describe() + "; check the agent service");
            }
        }
        if (heartbeatFailed && !kept) {
            quarantine(to.version(), "failed its health check", to.sha256(), t);
        }
        StateFile state = StateFile.load(env.stateFile());
        if (problem != null || kept) {
            state.setInstalled(to.version(), to.sha256(), to.signed(), t);
        } else if (from == null) {
            state.clearInstalled();
        } else {
            StateFile.Installed rec = state.installed();
            if (rec == null || !rec.sha256().equals(from.sha256())) {
                state.setInstalled(from.version(), from.sha256(), from.signed(), t);
            }
        }
        state.save();
        Journal.clear(env.journalFile());
        new Retention(env).purge(t, Set.of());
        return new Reverted(problem == null && !kept, old, problem, kept);
    }

    /** Copies the cached {@code from} beside install_path, checks it, renames it in; returns a problem or null. */
    private String restoreFromCache(Journal.Binary from) {
        if (from.cache() == null || !cache.isComplete(from.cache(), from.sha256())) {
            return "the cached copy of " + from.version() + " is missing";
        }
        Path staging = Staging.create(env.installDir());
        try {
            if (!Staging.copyFrom(cache.binary(from.cache()), staging).matches(from.sha256())) {
                env.tamper("rollback", ErrorCode.HASH_MISMATCH.name(), null, from.version(), from.sha256(), null,
                        "the cached copy " + cache.binary(from.cache()) + " of " + from.version()
                                + " does not match its recorded sha256 " + from.sha256());
                return "the cached copy of " + from.version() + " does not match its recorded SHA-256 (tampered?)";
            }
            Staging.makeExecutable(staging);
            Staging.swapInto(staging, env.installPath());
            return null;
        } finally {
            com.cmdop.update.io.AtomicFiles.deleteQuietly(staging);
        }
    }

    /**
     * Runs service.restart, then the health checks within one {@code heartbeat_timeout}: the heartbeat file
     * naming {@code version} (unless it is off), then the {@code service.health_check} command (if any) in the
     * time left. With neither, the restart's exit 0 is the answer.
     */
    Health restartAndConfirm(String version, boolean crashPoints) {
        HeartbeatWatcher.Snapshot before = watcher == null ? null : watcher.snapshot();
        Instant at = env.clock().instant();
        RestartResult rr = restarter.restart();
        if (!rr.ok()) {
            env.step(EventLog.Level.ERROR, "restart", "failed", null, version, "restart-failed", null, null,
                    "restart: " + rr.describe());
            return new Health(rr, null, null);
        }
        env.info("restart", "applied", null, version, null, null, "restart: " + String.join(" ", restarter.argv())
                + " exited 0; " + waitingFor(version));
        if (crashPoints) {
            env.crashPoints().reach(CrashPoints.HEARTBEAT);
        }
        long started = env.seams().nanoTime().getAsLong();
        HeartbeatResult hb = null;
        if (watcher != null) {
            hb = watcher.await(version, at, before, env.heartbeatTimeout());
            if (hb.ok()) {
                env.info("heartbeat", "ok", null, version, null, null, "heartbeat: " + hb.describe());
            } else {
                env.step(EventLog.Level.ERROR, "heartbeat", "failed", null, version, "heartbeat-" + hb.status().name()
                        .toLowerCase(java.util.Locale.ROOT), null, null, "heartbeat: " + version + " not confirmed within "
                        + env.heartbeatTimeout().toSeconds() + " s: " + hb.describe() + " (" + watcher.file() + ")");
                return new Health(rr, hb, null);
            }
        }
        HealthCheckResult hc = null;
        if (probe.enabled()) {
            Duration left = env.heartbeatTimeout().minusNanos(env.seams().nanoTime().getAsLong() - started);
            hc = probe.await(left.isNegative() ? Duration.ZERO : left);
            if (hc.ok()) {
                env.info("health-check", "ok", null, version, null, null, "health-check: " + version + ": "
                        + hc.describe());
            } else {
                env.step(EventLog.Level.ERROR, "health-check", "failed", null, version, "health-check-failed", null, null,
                        "health-check: " + version + " not confirmed within " + env.heartbeatTimeout().toSeconds()
                                + " s: " + hc.describe() + " (" + probe.outputFile() + ")");
            }
        }
        return new Health(rr, hb, hc);
    }

    /** What the run waits for after a restart, for the log. */
    private String waitingFor(String version) {
        String wait = "waiting up to " + env.heartbeatTimeout().toSeconds() + " s for ";
        if (watcher != null && probe.enabled()) {
            return wait + "the heartbeat of " + version + " and service.health_check";
        }
        if (watcher != null) {
            return wait + "the heartbeat of " + version;
        }
        if (probe.enabled()) {
            return wait + "service.health_check " + String.join(" ", probe.argv()) + " to exit 0";
        }
        return "no health check configured: the restart's exit 0 is taken as healthy";
    }

    void quarantine(String version, String reason, String sha256, Instant t) {
        if (!Version.isValid(version)) {
            return;
        }
        Quarantine.loadFile(env.quarantineFile()).add(version, reason, t);
        env.step(EventLog.Level.WARN, "quarantine", "applied", version, null, "health-check-failed", sha256, null,
                "quarantine: " + version + " (" + reason + "); it is not installed automatically again until a newer "
                        + "version is published (--version or --pin installs it anyway)");
    }

    private Journal save(Journal j) {
        j.save(env.journalFile());
        return j;
    }

    private UpdateException healthCheckFailed(Journal j, Health h, Reverted r) {
        Journal.Binary to = j.to();
        Journal.Binary from = j.from();
        boolean rollbackOp = j.op().equals(Journal.ROLLBACK);
        StringBuilder m = new StringBuilder();
        m.append(rollbackOp ? "the rollback to " + to.version() : to.version()).append(" failed its health check: ")
                .append(h.describe()).append(" within ").append(env.heartbeatTimeout().toSeconds()).append(" s; ");
        if (r.kept()) {
            m.append("it was kept installed: there was no agent binary before it, so there is nothing to go back to; "
                    + "fix the agent service (or install another version with --version V)");
        } else if (!r.restored()) {
            m.append("it could not be undone (").append(r.problem()).append("), so it stays installed");
        } else if (from == null) {
            m.append("it was not swapped in");
        } else {
            m.append(rollbackOp ? "restored " : "rolled back to ").append(from.version());
            if (r.oldHealth() != null) {
                m.append(r.oldHealth().ok() ? ", which confirmed its heartbeat"
                        : ", which did NOT confirm its heartbeat either (" + r.oldHealth().describe() + ")");
            }
        }
        boolean quarantined = Version.isValid(to.version()) && !r.kept();
        if (quarantined) {
            m.append("; ").append(to.version()).append(" is quarantined: it is not installed automatically again until "
                    + "a newer version is published (--version or --pin installs it anyway)");
        }
        m.append("; see ").append(env.events().agentLogFile()).append(" and ").append(h.check() != null
                ? env.healthCheckOutput() : env.restartOutput());
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("operation", j.op());
        d.put("version", to.version());
        d.put("rolled_back_to", r.restored() && from != null ? from.version() : null);
        d.put("restart_exit", h.restart().exitCode());
        d.put("restart_output", h.restart().output());
        d.put("heartbeat_status", h.heartbeat() == null ? null : h.heartbeat().status().name().toLowerCase(java.util.Locale.ROOT));
        d.put("heartbeat_version", h.heartbeat() == null ? null : h.heartbeat().seenVersion());
        d.put("heartbeat_file", watcher == null ? null : watcher.file().toString());
        HealthCheckResult check = h.check();
        d.put("health_check", probe.enabled() ? probe.argv() : null);
        d.put("health_check_exit", check == null ? null : check.last().exitCode());
        d.put("health_check_output", check == null ? null : check.last().output());
        d.put("health_check_attempts", check == null ? null : check.attempts());
        d.put("previous_confirmed", r.oldHealth() == null ? null : r.oldHealth().ok());
        d.put("kept_installed", r.kept());
        d.put("quarantined", quarantined);
        d.put("warnings", warnings());
        return new UpdateException(ErrorCode.HEALTH_CHECK_FAILED, m.toString(), d);
    }

    private static String show(String v) {
        return v == null ? "nothing" : v;
    }
}
