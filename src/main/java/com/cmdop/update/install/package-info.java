/**
 * The safe install lifecycle of the agent binary (SPEC section 9): install, restart + heartbeat, automatic
 * and manual rollback, the 7-day cache of the previous binary, quarantine, crash recovery and adoption.
 *
 * <h2>API (the caller holds the run lock)</h2>
 * <pre>
 * InstallEnv env = InstallEnv.of(machine, ctx.env(), clock, events, progressOrNull); // events: the run's EventLog
 *                                                  // seams: EngineSeams.system(ctx.env()); tests: env.withSeams(...)
 * new Recovery(env).recover();                       // first thing in every mutating run; idempotent
 * new Installer(env).install(expectedArtifact, src); // -&gt; InstallResult, or 80 / 81 / 74 / 77 / 65
 * new Installer(env).rollback();                     // -&gt; InstallResult, or 65 / 80 / 81
 * InstallStatus.read(installPath, dataDir);          // status: versions, verified, previous + expiry, quarantine
 * Quarantine.load(dataDir).isQuarantined(v);         // the planner: skip in automatic updates
 * </pre>
 * {@code install} and {@code rollback} call {@code recover()} themselves as well. Integrity failures are
 * logged (CRITICAL {@code tamper-detected}) here; callers must not log them again. Every step is one
 * {@link com.cmdop.update.audit.EventLog} record; a log that cannot be written is a warning in the result
 * ({@code InstallResult.warnings}, or attached to a refusal's exception), never a different exit code.
 *
 * <h2>On disk</h2>
 * <pre>
 * &lt;install_dir&gt;/cmdop                         the agent; replaced only by one rename
 * &lt;install_dir&gt;/.cmdop.staging-&lt;random&gt;      during a run only (0600, then 0755 once verified)
 * &lt;data_dir&gt;/state.json                       owned by {@link com.cmdop.update.state.StateFile}: installed_*, previous{...}, ...
 * &lt;data_dir&gt;/journal.json                     only while a swap is in progress
 * &lt;data_dir&gt;/versions/&lt;version&gt;/cmdop          the rollback target (0600), a copy
 * &lt;data_dir&gt;/versions/&lt;version&gt;/cmdop.sha256   completion marker, written last
 * &lt;data_dir&gt;/quarantine.json                  quarantined versions, reason, since
 * &lt;data_dir&gt;/restart.out                      output of the last service.restart (0600)
 * </pre>
 * Only the current rollback target is cached; it is purged {@code cache_ttl} after it was replaced, or
 * as soon as a newer previous binary replaces it. After a rollback the version left becomes the cached
 * previous one (and is quarantined), so a second {@code --rollback} swaps back again.
 *
 * <h2>Seams</h2>
 * Everything the engine needs from outside its files (heartbeat sleeps and clock, free space and uid, the
 * restart command, the version probe of an adopted binary, the platform, crash points) comes from
 * {@link com.cmdop.update.install.EngineSeams} in {@code InstallEnv.seams()}; nothing reads the environment
 * or a static. {@code InProcessEngineTest} installs, rolls back, fails a heartbeat and crashes in one JVM.
 *
 * <h2>Crash phases ({@link com.cmdop.update.install.CrashPoints}) and what the next run does</h2>
 * <pre>
 * download, verify      staging file only          remove it; old binary untouched
 * stage, cache          + journal "prepared"       install_path = old: drop journal, partial cache entry
 * swap                  new at install_path, "prepared"   put old back from the cache, restart, confirm
 * restart, heartbeat    new, "swapped"              put old back, restart, confirm (not quarantined)
 * commit                new, "healthy"              finish: state.json, previous, quarantine, purge
 * rollback              old back, "reverting"       restart old, confirm, quarantine the new version
 * </pre>
 * A crash is judged by the SHA-256 of install_path against the journal's from/to, never by the phase
 * alone. If install_path holds neither, someone else changed it and it is adopted. If the old binary
 * cannot be restored (its cached copy missing or changed), the new one stays and state.json says so.
 *
 * <h2>Decisions</h2>
 * Before recovery reads, moves or deletes anything, the data directory is checked
 * ({@code Preflight.checkDataDir}): it and {@code versions/} are not symbolic links, and it and every parent
 * are owned by root or this user and not writable by others; else UNSAFE_DIRECTORY (77). The cache never
 * lists or deletes through a link; {@code restart.out} is recreated (0600), never written through a link.
 * Directories: install_path's directory and the data directory, and every parent up to {@code /}, must
 * be owned by root or this user and not group/world-writable; a world-writable parent with the sticky
 * bit ({@code /tmp}) is accepted because others cannot replace entries they do not own there. Adopted
 * binaries are kept in the cache (linked or copied) by the first install that replaces them (the only moment they could
 * be lost), not at adoption. A first install (no binary before) that fails its heartbeat is removed again.
 */
package com.cmdop.update.install;
