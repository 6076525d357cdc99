package com.cmdop.update.faults;

import com.cmdop.update.install.CrashPoints;
import com.cmdop.update.model.Channel;
import com.cmdop.update.model.Platform;
import com.cmdop.update.release.feed.FaultyFeedServer;
import com.cmdop.update.release.feed.FaultyFeedServer.Fault;
import com.cmdop.update.release.feed.FeedTimeouts;
import com.cmdop.update.release.manifest.FeedLayout;
import com.cmdop.update.model.Version;
import com.cmdop.update.support.Cli;
import com.cmdop.update.support.TestFeed;
import com.cmdop.update.trust.Sha256;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.concurrent.locks.LockSupport;
import java.nio.file.NoSuchFileException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * The randomized fault suite of issue #9. Each run copies a prepared machine (no agent yet, one version
 * installed, or two so a rollback has somewhere to go) into a sandbox root, does one operation to it
 * (update, install a version, pin, roll back, converge a desired state, install a release whose heartbeat
 * never comes) while one fault strikes, checks the {@link Invariants}, removes the fault, and checks that
 * the next clean run converges. The faults:
 *
 * <ul>
 *   <li>{@code kill-at-phase}: the real jar as a child JVM, halted with status 137 at a random crash point
 *       ({@code CMDOP_TEST_CRASH_AT}, no finally blocks, like kill -9);
 *   <li>{@code kill-random}: the real jar as a child JVM, SIGKILLed after a random delay;
 *   <li>{@code network}: a loopback feed that answers one of the files the run needs with 404, 500,
 *       truncated, wrong or endless bytes, an oversized body, a stall under or over the idle timeout, or
 *       never;
 *   <li>{@code disk-full}: the machine on a small tmpfs with 0 to 15 pages left (root and mount only);
 *   <li>{@code restart-fails}, {@code restart-hangs}: {@code service.restart} exits 1, or sleeps past
 *       {@code service.restart_timeout};
 *   <li>{@code symlink}: a link planted in the data directory, the log directory, {@code versions/},
 *       at install_path or as config.yaml, pointing into a sentinel tree outside the machine;
 *   <li>{@code fifo}: a FIFO planted as the heartbeat, a log, {@code restart.out}, the journal or state.
 * </ul>
 * Runs other than the kills run in-process through {@link Cli} (the same {@code CliFactory} as Main) with
 * short feed timeouts, each bounded by a wall-clock limit that only catches hangs.
 */
public final class FaultSuite {
    enum Kind {
        KILL_AT_PHASE("kill-at-phase", 24), KILL_RANDOM("kill-random", 20), NETWORK("network", 20),
        DISK_FULL("disk-full", 7), RESTART_FAILS("restart-fails", 5), RESTART_HANGS("restart-hangs", 3),
        SYMLINK("symlink", 15), FIFO("fifo", 6);

        final String id;
        final int weight;

        Kind(String id, int weight) {
            this.id = id;
            this.weight = weight;
        }
    }

    /** A machine the runs start from. */
    enum Start {
        EMPTY("no agent yet"), ONE("v1.0.0 installed"), TWO("v1.1.0 installed, v1.0.0 cached");

        final String what;

        Start(String what) {
            this.what = what;
        }
    }

    /** One operation: arguments after {@code --root R --json}, and stdin. */
    record Op(String name, List<String> args, String stdin, String target) {
        @Override
        public String toString() {
            return name + (stdin.isEmpty() ? "" : " <<" + stdin.strip().replace('\n', ';'));
        }
    }

    private static final List<String> VERSIONS = List.of("v1.0.0", "v1.1.0", "v1.2.0");
    private static final String BAD = "v1.3.0"; // signed, but its heartbeat never comes
    private static final String[] PHASES = {CrashPoints.DOWNLOAD, CrashPoints.VERIFY, CrashPoints.STAGE,
        CrashPoints.CACHE, CrashPoints.SWAP, CrashPoints.RESTART, CrashPoints.HEARTBEAT, CrashPoints.COMMIT,
        CrashPoints.ROLLBACK};
    private static final Duration HANG = Duration.ofSeconds(90);
    private static final FeedTimeouts SHORT = FeedTimeouts.of(Duration.ofSeconds(2), Duration.ofSeconds(1),
            Duration.ofSeconds(8));
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final int runs;
    private final Duration budget;
    private final long seed;
    private final Path jar;
    private final Path work;
    private final PrintStream log;
    private final Random rng;

    private TestFeed feed;
    private Invariants invariants;
    private FaultyFeedServer server;
    private final Map<Start, Path> templates = new EnumMap<>(Start.class);
    private final Map<String, Map<String, Object>> committed = new HashMap<>();
    private String diskSkipped;

    // results
    private final Map<String, Integer> faults = new TreeMap<>();
    private final Map<String, Map<Integer, Integer>> exits = new TreeMap<>();
    private final List<String> violations = new ArrayList<>();
    private int killedMidRun;
    private final Map<String, Long> millis = new TreeMap<>();
    private int done;
    private Path cds;

    FaultSuite(int runs, Duration budget, long seed, Path jar, Path work, PrintStream log) {
        this.runs = runs;
        this.budget = budget;
        this.seed = seed;
        this.jar = jar;
        this.work = work;
        this.log = log;
        this.rng = new Random(seed);
    }

    /** Results of a whole suite. */
    record Summary(int runs, int planned, long seed, long millis, Map<String, Integer> faults, Map<String, Long> msPerRun,
            Map<String, Map<Integer, Integer>> exits, int killedMidRun, List<String> violations, String diskSkipped) {}

    Summary run() throws Exception {
        long t0 = System.nanoTime();
        log.println("fault-suite: up to " + runs + " runs in " + budget.toSeconds() + " s, seed " + seed
                + " (replay: scripts/fault-suite.sh --seed " + seed + " --runs " + runs + ")");
        prepare();
        Map<String, String> feedBefore = Invariants.tree(feed.dir());
        long deadline = t0 + budget.toNanos();
        try {
            for (int i = 1; i <= runs; i++) {
                if (System.nanoTime() - deadline > 0) {
                    log.println("fault-suite: time budget of " + budget.toSeconds() + " s used up after " + done
                            + " runs (FAULT_BUDGET raises it)");
                    break;
                }
                runOne(i);
                done = i;
                if (i % 25 == 0 || i == runs) {
                    log.printf("fault-suite: %d/%d runs, %d violations, %d s%n", i, runs, violations.size(),
                            (System.nanoTime() - t0) / 1_000_000_000L);
                }
            }
        } finally {
            server.close();
        }
        violations.addAll(Invariants.untouched("the feed directory", feedBefore, Invariants.tree(feed.dir())));
        Map<String, Long> msPerRun = new TreeMap<>();
        millis.forEach((k, ms) -> msPerRun.put(k, ms / faults.get(k)));
        return new Summary(done, runs, seed, (System.nanoTime() - t0) / 1_000_000L, faults, msPerRun, exits, killedMidRun,
                violations, diskSkipped);
    }

    // ------------------------------------------------------------------ set-up

    private void prepare() throws Exception {
        Files.createDirectories(work);
        feed = new TestFeed(work.resolve("feed")).now(Instant.now());
        Map<String, String> signed = new HashMap<>();
        for (String v : VERSIONS) {
            signed.put(Sha256.hex(publish(v, v)), v);
        }
        signed.put(Sha256.hex(publish(BAD, "")), BAD);
        feed.point(Channel.STABLE, "v1.1.0");
        feed.point(Channel.parse("beta"), "v1.2.0");
        invariants = new Invariants(signed);
        server = FaultyFeedServer.serving(feed.dir(), Duration.ofHours(12));
        diskSkipped = probeTmpfs();
        if (diskSkipped != null) {
            log.println("fault-suite: disk-full runs skipped: " + diskSkipped);
        }
        Path t = work.resolve("templates");
        for (Start s : Start.values()) {
            Path runDir = Files.createDirectories(t.resolve(s.name()));
            Path root = Files.createDirectories(runDir.resolve("root"));
            writeRestart(runDir, "restart.sh");
            Files.createDirectories(root.resolve("etc/cmdop"));
            Files.writeString(root.resolve("etc/cmdop/config.yaml"), config(feed.dir().toString()));
            if (s != Start.EMPTY) {
                expectZero(inProcess(root, List.of("--version", "v1.0.0"), ""), "template " + s);
            }
            if (s == Start.TWO) {
                expectZero(inProcess(root, List.of(), ""), "template " + s);
            }
            templates.put(s, runDir);
        }
        cds = classDataArchive();
    }

    /**
     * An application class-data archive of the jar, made by one update in a throwaway machine: the child
     * JVMs the kill faults start then load in about half the time. Null (and no archive used) when the
     * JVM cannot make one.
     */
    private Path classDataArchive() throws Exception {
        Path runDir = work.resolve("cds");
        copyTree(templates.get(Start.ONE).resolve("root"), runDir.resolve("root"));
        writeRestart(runDir, "restart.sh");
        Path archive = work.resolve("cmdop-update.jsa");
        Child c = Child.start(jar, null, runDir.resolve("root"), new Op("update", List.of(), "", null), Map.of(),
                runDir, "-XX:ArchiveClassesAtExit=" + archive);
        int exit = c.await(HANG);
        deleteTree(runDir);
        if (exit != 0 || !Files.isRegularFile(archive)) {
            log.println("fault-suite: no class-data archive (exit " + exit + "); child JVMs start without one");
            return null;
        }
        return archive;
    }

    private byte[] publish(String version, String heartbeat) throws IOException {
        byte[] agent = resource("/install/fake-agent.sh").replace("@VERSION@", version)
                .replace("@HEARTBEAT@", heartbeat).getBytes(StandardCharsets.UTF_8);
        feed.release(version, agent);
        return agent;
    }

    /**
     * The machine's config. The restart command is the run directory's restart.sh (the machine root's
     * parent), so each run chooses its own: one that works, fails, or hangs.
     */
    private String config(String feedLocation) {
        return "update:\n  channel: stable\n  feed: " + feedLocation + "\n  trusted_keys:\n    - " + feed.publicKey() + "\n"
                + "  service:\n    restart: [/bin/sh, -c, 'exec \"$CMDOP_ROOT/../restart.sh\"']\n"
                + "    heartbeat_timeout: 4s\n    restart_timeout: 3s\n";
    }

    private void writeRestart(Path runDir, String which) throws IOException {
        Path target = runDir.resolve("restart.sh");
        String text = switch (which) {
            case "restart.sh", "restart-fails.sh" -> resource("/install/" + which);
            case "restart-hangs.sh" -> "#!/bin/sh\n# a restart that never returns\nexec sleep 30\n";
            default -> throw new IllegalArgumentException(which);
        };
        Files.writeString(target, text);
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /** Null when a tmpfs can be mounted here, else why the disk-full runs are skipped. */
    private String probeTmpfs() throws Exception {
        if (!"root".equals(System.getProperty("user.name"))) {
            return "not running as root (mounting a small tmpfs needs it)";
        }
        Path probe = Files.createDirectories(work.resolve("tmpfs-probe"));
        Sh r = sh("mount", "-t", "tmpfs", "-o", "size=64k,mode=0755", "tmpfs", probe.toString());
        if (r.exit != 0) {
            return "mount -t tmpfs failed: " + r.out.strip();
        }
        sh("umount", probe.toString());
        return null;
    }

    // ------------------------------------------------------------------ one run

    private void runOne(int i) throws Exception {
        long started = System.nanoTime();
        Kind kind = pickKind();
        Start start = Start.values()[rng.nextInt(Start.values().length)];
        Op op = pickOp(kind);
        Path runDir = work.resolve("run-" + i);
        Path root = runDir.resolve("root");
        Path sentinel = runDir.resolve("sentinel");
        Files.createDirectories(runDir);
        plantSentinel(sentinel);
        List<Path> mounts = new ArrayList<>();
        List<String> found = new ArrayList<>();
        String detail = "";
        try {
            String small = kind == Kind.DISK_FULL ? SMALL[rng.nextInt(SMALL.length)] : null;
            if ("".equals(small)) {
                mounts.add(mountTmpfs(root, "0755"));
            }
            copyTree(templates.get(start).resolve("root"), root);
            if (small != null && !small.isEmpty()) {
                mounts.add(moveOntoTmpfs(root.resolve(small)));
            }
            writeRestart(runDir, switch (kind) {
                case RESTART_FAILS -> "restart-fails.sh";
                case RESTART_HANGS -> "restart-hangs.sh";
                default -> "restart.sh";
            });
            Path installPath = root.resolve("usr/local/bin/cmdop");
            boolean hadAgent = Files.exists(installPath);
            Map<String, Object> before = Invariants.managedSettings(configPath(root));
            List<Map<String, Object>> accepted = List.of(before, committedBy(start, op));
            Map<String, String> sentinelBefore = Invariants.tree(sentinel);

            Planted planted = null;
            int exit;
            String out;
            boolean killable = kind == Kind.KILL_AT_PHASE || kind == Kind.KILL_RANDOM;
            switch (kind) {
                case KILL_AT_PHASE -> {
                    String phase = PHASES[rng.nextInt(PHASES.length)];
                    detail = "at " + phase;
                    Child c = Child.start(jar, cds, root, op, Map.of(CrashPoints.ENV, phase), runDir);
                    exit = c.await(HANG);
                    out = c.out();
                }
                case KILL_RANDOM -> {
                    long delay = 100 + rng.nextInt(1400);
                    detail = "after " + delay + " ms";
                    Child c = Child.start(jar, cds, root, op, Map.of(), runDir);
                    if (!c.process.waitFor(delay, TimeUnit.MILLISECONDS)) {
                        c.process.destroyForcibly();
                    }
                    exit = c.await(HANG);
                    out = c.out();
                }
                case NETWORK -> {
                    String path = pickFeedFile(op);
                    Fault f = pickNetworkFault(path);
                    detail = f + " on " + path;
                    server.clearFaults().fault(path, f);
                    rewriteFeed(root, server.baseUri().toString());
                    Cli.Result r = inProcess(root, op.args, op.stdin);
                    server.clearFaults();
                    rewriteFeed(root, feed.dir().toString());
                    exit = r.exit();
                    out = r.out();
                }
                case DISK_FULL -> {
                    Path fs = mounts.get(mounts.size() - 1);
                    // a few pages, or (for the whole machine) just enough to pass the preflight's free-space check
                    long leave = rng.nextInt(16) * 4096L + (fs.equals(root) && rng.nextBoolean()
                            ? 2 * com.cmdop.update.install.Preflight.MARGIN : 0);
                    detail = (fs.equals(root) ? "the machine" : root.relativize(fs).toString()) + " on a tmpfs with "
                            + leave / 1024 + " KiB free";
                    fill(fs, leave);
                    Cli.Result r = inProcess(root, op.args, op.stdin);
                    Files.delete(fs.resolve(".filler"));
                    exit = r.exit();
                    out = r.out();
                }
                case SYMLINK, FIFO -> {
                    planted = kind == Kind.SYMLINK ? plantLink(root, runDir, sentinel) : plantFifo(root);
                    detail = planted.what;
                    Cli.Result r = inProcess(root, op.args, op.stdin);
                    exit = r.exit();
                    out = r.out();
                }
                default -> {
                    Cli.Result r = inProcess(root, op.args, op.stdin);
                    exit = r.exit();
                    out = r.out();
                }
            }
            faults.merge(kind.id, 1, Integer::sum);
            exits.computeIfAbsent(kind.id, k -> new TreeMap<>()).merge(exit, 1, Integer::sum);
            if (killable && exit == Invariants.KILLED) {
                killedMidRun++;
            }

            // the invariants, with the fault still in place
            found.addAll(invariants.exit(exit, killable, out));
            if (exit == 80) {
                found.addAll(criticalLogged(root, out));
            }
            if (planted != null && planted.at.equals(installPath)) {
                if (!Files.isSymbolicLink(installPath)) {
                    found.add("the planted link at install_path was replaced");
                }
            } else {
                found.addAll(invariants.installPath(installPath, !hadAgent));
            }
            found.addAll(invariants.config(root, accepted));
            if (planted != null && planted.at.equals(configPath(root))) {
                found.addAll(configLinkKept(root, runDir));
            }
            found.addAll(Invariants.untouched("the sentinel tree", sentinelBefore, Invariants.tree(sentinel)));
            found.addAll(invariants.lockReleased(root.resolve("var/lib/cmdop/update/lock")));

            // the fault removed, the next clean run converges
            if (planted != null) {
                planted.remove();
            }
            writeRestart(runDir, "restart.sh");
            found.addAll(cleanRunConverges(root, !hadAgent));
        } catch (Exception | AssertionError e) {
            found.add("the suite itself failed: " + e);
        } finally {
            for (int m = mounts.size() - 1; m >= 0; m--) {
                sh("umount", "-l", mounts.get(m).toString());
            }
        }
        millis.merge(kind.id, (System.nanoTime() - started) / 1_000_000L, Long::sum);
        String line = String.format("run %d: %s, %s, %s %s", i, start.what, op, kind.id, detail);
        if (!found.isEmpty()) {
            for (String f : found) {
                violations.add(line + ": " + f);
            }
            log.println("fault-suite: VIOLATION " + line + ": " + found);
            log.println("fault-suite: its machine is kept in " + runDir);
        } else {
            deleteTree(runDir);
        }
    }

    private Kind pickKind() {
        List<Kind> kinds = new ArrayList<>(List.of(Kind.values()));
        if (diskSkipped != null) {
            kinds.remove(Kind.DISK_FULL);
        }
        int total = kinds.stream().mapToInt(k -> k.weight).sum();
        int r = rng.nextInt(total);
        for (Kind k : kinds) {
            r -= k.weight;
            if (r < 0) {
                return k;
            }
        }
        throw new IllegalStateException();
    }

    private Op pickOp(Kind kind) {
        int n = rng.nextInt(kind == Kind.RESTART_FAILS || kind == Kind.RESTART_HANGS ? 2 : 7);
        return switch (n) {
            case 0 -> new Op("update", List.of(), "", null);
            case 1 -> new Op("--version v1.2.0", List.of("--version", "v1.2.0"), "", "v1.2.0");
            case 2 -> new Op("--rollback", List.of("--rollback"), "", null);
            case 3 -> new Op("--pin v1.2.0", List.of("--pin", "v1.2.0"), "", "v1.2.0");
            case 4 -> new Op("--version " + BAD, List.of("--version", BAD), "", BAD);
            case 5 -> {
                String pin = VERSIONS.get(rng.nextInt(VERSIONS.size()));
                yield new Op("converge", List.of("converge", "--state", "-"),
                        "channel: beta\npin: " + pin + "\ninterval: 12h\n", pin);
            }
            default -> new Op("converge", List.of("converge", "--state", "-"),
                    "channel: " + (rng.nextBoolean() ? "beta" : "stable") + "\npin: null\n", null);
        };
    }

    /** The managed settings a clean run of {@code op} on {@code start} commits (computed once per pair). */
    private Map<String, Object> committedBy(Start start, Op op) throws Exception {
        String key = start + " " + op;
        Map<String, Object> known = committed.get(key);
        if (known != null) {
            return known;
        }
        Path runDir = work.resolve("reference");
        deleteTree(runDir);
        copyTree(templates.get(start).resolve("root"), runDir.resolve("root"));
        writeRestart(runDir, "restart.sh");
        inProcess(runDir.resolve("root"), op.args, op.stdin);
        Map<String, Object> after = Invariants.managedSettings(configPath(runDir.resolve("root")));
        deleteTree(runDir);
        committed.put(key, after);
        return after;
    }

    // ------------------------------------------------------------------ faults

    private String pickFeedFile(Op op) {
        List<String> files = new ArrayList<>();
        String channel = op.stdin.contains("channel: beta") ? "beta" : "stable";
        files.add(FeedLayout.channel(Channel.parse(channel)));
        String v = op.target != null ? op.target : channel.equals("beta") ? "v1.2.0" : "v1.1.0";
        Version version = Version.parse(v);
        files.add(FeedLayout.releaseManifest(version));
        files.add(FeedLayout.artifact(version, Platform.current().artifactFileName(v)));
        List<String> withSigs = new ArrayList<>(files);
        for (String f : files) {
            if (!f.endsWith(Platform.current().artifactFileName(v))) {
                withSigs.add(FeedLayout.signatureOf(f));
            }
        }
        return withSigs.get(rng.nextInt(withSigs.size()));
    }

    private Fault pickNetworkFault(String path) {
        byte[] real = feed.read(path);
        return switch (rng.nextInt(11)) {
            case 0 -> Fault.notFound();
            case 1 -> Fault.serverError();
            case 2 -> Fault.truncated();
            case 3 -> Fault.truncated(rng.nextInt(Math.max(1, real.length)));
            case 4 -> {
                byte[] b = real.clone();
                b[rng.nextInt(b.length)] ^= (byte) (1 << rng.nextInt(8));
                yield Fault.wrongBytes(b);
            }
            case 5 -> {
                byte[] b = new byte[real.length];
                rng.nextBytes(b);
                yield Fault.wrongBytes(b);
            }
            case 6 -> Fault.endless();
            case 7 -> Fault.oversized(10L * 1024 * 1024, rng.nextBoolean());
            case 8 -> Fault.slow(Duration.ofMillis(1 + rng.nextInt(2))); // a stall under the timeouts
            case 9 -> Fault.slow(Duration.ofMillis(1500)); // a stall over the idle timeout
            default -> Fault.neverAnswer();
        };
    }

    private void rewriteFeed(Path root, String location) throws IOException {
        Path config = configPath(root);
        String text = Files.readString(config);
        String rewritten = text.replaceAll("(?m)^  feed: .*$", java.util.regex.Matcher.quoteReplacement(
                "  feed: " + location));
        Files.writeString(config, rewritten);
    }

    /** A planted file or link and how to take it away again (and the mode to give its parent back). */
    private record Planted(String what, Path at, Path aside, String parentMode) {
        void remove() throws IOException {
            if (parentMode != null) {
                Files.setPosixFilePermissions(at.getParent(), PosixFilePermissions.fromString(parentMode));
            }
            if (Files.isSymbolicLink(at) || isFifo(at)) {
                Files.delete(at);
            }
            if (aside != null && Files.exists(aside, LinkOption.NOFOLLOW_LINKS)) {
                if (Files.exists(at, LinkOption.NOFOLLOW_LINKS)) {
                    deleteTree(aside);
                } else {
                    Files.move(aside, at);
                }
            }
        }
    }

    private static final String[][] LINKS = {
        // where (in the machine), target (in the sentinel tree, or "config" for an outside config.yaml)
        {"var/lib/cmdop/update/versions", "dir"},
        {"var/lib/cmdop/update/versions/v1.0.0", "dir/v1.0.0"},
        {"var/lib/cmdop/update/versions/v1.0.0/cmdop", "dir/v1.0.0/cmdop"},
        {"var/lib/cmdop/update/restart.out", "secret"},
        {"var/lib/cmdop/update/lock", "secret"},
        {"var/lib/cmdop/update/journal.json", "secret"},
        {"var/lib/cmdop/update/state.json", "secret"},
        {"var/lib/cmdop/update/trust.json", "secret"},
        // the whole data or log directory: only someone who may write its parent can plant that link, so the
        // parent is made writable by all (the agent's service user) first; the run must refuse it
        {"var/lib/cmdop/update", "dir", "parent-writable"},
        {"var/log/cmdop/agent.log", "secret"},
        {"var/log/cmdop/audit.jsonl", "secret"},
        {"var/log/cmdop", "dir", "parent-writable"},
        {"var/lib/cmdop/heartbeat.json", "secret"},
        {"usr/local/bin/cmdop", "dir/v1.0.0/cmdop"},
        {"etc/cmdop/config.yaml", "config"},
    };

    private Planted plantLink(Path root, Path runDir, Path sentinel) throws IOException {
        String[] l = LINKS[rng.nextInt(LINKS.length)];
        Path at = root.resolve(l[0]);
        Path target;
        if (l[1].equals("config")) {
            Path outside = Files.createDirectories(runDir.resolve("config-outside"));
            target = outside.resolve("config.yaml");
            Files.copy(at, target);
            Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-r--r--"));
        } else {
            target = sentinel.resolve(l[1]);
        }
        Path aside = moveAside(at);
        Files.createDirectories(at.getParent());
        Files.createSymbolicLink(at, target);
        String parentMode = null;
        if (l.length > 2) {
            parentMode = PosixFilePermissions.toString(Files.getPosixFilePermissions(at.getParent()));
            Files.setPosixFilePermissions(at.getParent(), PosixFilePermissions.fromString("rwxrwxrwx"));
        }
        return new Planted("link " + l[0] + " -> " + (l[1].equals("config") ? "a config.yaml outside" : "sentinel/"
                + l[1]) + (parentMode != null ? " in a world-writable " + root.relativize(at.getParent()) : ""), at,
                aside, parentMode);
    }

    private static final String[] FIFOS = {"var/lib/cmdop/heartbeat.json", "var/log/cmdop/agent.log",
        "var/log/cmdop/audit.jsonl", "var/lib/cmdop/update/restart.out", "var/lib/cmdop/update/journal.json",
        "var/lib/cmdop/update/state.json", "var/lib/cmdop/update/trust.json"};

    private Planted plantFifo(Path root) throws Exception {
        String where = FIFOS[rng.nextInt(FIFOS.length)];
        Path at = root.resolve(where);
        Path aside = moveAside(at);
        Files.createDirectories(at.getParent());
        Sh r = sh("mkfifo", "-m", "0600", at.toString());
        if (r.exit != 0) {
            throw new IllegalStateException("mkfifo: " + r.out);
        }
        return new Planted("fifo " + where, at, aside, null);
    }

    private static Path moveAside(Path at) throws IOException {
        if (!Files.exists(at, LinkOption.NOFOLLOW_LINKS)) {
            return null;
        }
        Path aside = at.resolveSibling(at.getFileName() + ".fault-suite-aside");
        Files.move(at, aside);
        return aside;
    }

    private static boolean isFifo(Path p) {
        try {
            return !Files.isSymbolicLink(p) && Files.exists(p, LinkOption.NOFOLLOW_LINKS)
                    && !Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(p,
                            LinkOption.NOFOLLOW_LINKS);
        } catch (SecurityException e) {
            return false;
        }
    }

    /** A tree outside the machine that looks worth attacking: a secret, and a directory like versions/. */
    private void plantSentinel(Path sentinel) throws IOException {
        Files.createDirectories(sentinel.resolve("dir/v1.0.0"));
        byte[] secret = new byte[64];
        rng.nextBytes(secret);
        Files.write(sentinel.resolve("secret"), secret);
        Files.writeString(sentinel.resolve("dir/v1.0.0/cmdop"), "#!/bin/sh\necho not an agent\n");
        Files.writeString(sentinel.resolve("dir/keep"), "keep me\n");
        Files.setPosixFilePermissions(sentinel.resolve("secret"), PosixFilePermissions.fromString("rw-------"));
        Files.setPosixFilePermissions(sentinel.resolve("dir"), PosixFilePermissions.fromString("rwx------"));
    }

    /** Where a disk fills up: the whole machine, or only the config, log or data directory. */
    private static final String[] SMALL = {"", "", "etc/cmdop", "var/log/cmdop", "var/lib/cmdop/update"};

    private static Path mountTmpfs(Path at, String mode) throws Exception {
        Files.createDirectories(at);
        Sh m = sh("mount", "-t", "tmpfs", "-o", "size=16m,mode=" + mode, "tmpfs", at.toString());
        if (m.exit != 0) {
            throw new IllegalStateException("mount -t tmpfs at " + at + ": " + m.out);
        }
        return at;
    }

    /** Puts a directory of the machine (contents, mode) on a tmpfs of its own. */
    private static Path moveOntoTmpfs(Path dir) throws Exception {
        Files.createDirectories(dir);
        String mode = sh("stat", "-c", "%a", dir.toString()).out.strip();
        Path aside = dir.resolveSibling(dir.getFileName() + ".fault-suite-aside");
        Files.move(dir, aside);
        mountTmpfs(dir, mode.length() == 3 ? "0" + mode : mode);
        copyTree(aside, dir);
        deleteTree(aside);
        return dir;
    }

    private void fill(Path root, long leaveFree) throws IOException {
        long usable = Files.getFileStore(root).getUsableSpace();
        long size = Math.max(0, usable - leaveFree);
        byte[] chunk = new byte[64 * 1024];
        try (OutputStream o = Files.newOutputStream(root.resolve(".filler"))) {
            while (size > 0) {
                int n = (int) Math.min(chunk.length, size);
                o.write(chunk, 0, n);
                size -= n;
            }
        } catch (IOException e) {
            // full already: fine
        }
    }

    // ------------------------------------------------------------------ checks

    private static Path configPath(Path root) {
        return root.resolve("etc/cmdop/config.yaml");
    }

    /** Exit 80 means a CRITICAL tamper line reached the agent log, or (when it cannot be written) stderr or the envelope. */
    private static List<String> criticalLogged(Path root, String out) {
        String line = "CRITICAL update: tamper-detected";
        try {
            Path log = root.resolve("var/log/cmdop/agent.log");
            if (Files.isRegularFile(log, LinkOption.NOFOLLOW_LINKS) && Files.readString(log).contains(line)) {
                return List.of();
            }
        } catch (IOException e) {
            // fall through to the envelope
        }
        return out.contains(line) ? List.of() : List.of("exit 80 without a CRITICAL tamper-detected line");
    }

    /** A config.yaml that is a link to a file outside stays that link, and the file keeps its mode. */
    private static List<String> configLinkKept(Path root, Path runDir) throws IOException {
        List<String> v = new ArrayList<>();
        if (!Files.isSymbolicLink(configPath(root))) {
            v.add("the symlinked config.yaml was replaced by a file");
        }
        String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(
                runDir.resolve("config-outside/config.yaml"), LinkOption.NOFOLLOW_LINKS));
        if (!mode.equals("rw-r--r--")) {
            v.add("the config.yaml a link points at changed its mode to " + mode);
        }
        return v;
    }

    /**
     * With the fault gone, an update exits 0, leaves no journal and no staging file, and reports the version
     * whose signed bytes are at install_path. A machine that had no agent may still have none: when the
     * faulted run's heartbeat failed, the channel's version is quarantined and not installed again.
     */
    private List<String> cleanRunConverges(Path root, boolean mayBeAbsent) throws Exception {
        List<String> v = new ArrayList<>();
        Cli.Result r = inProcess(root, List.of(), "");
        if (r.exit() != 0) {
            v.add("the next clean run exited " + r.exit() + ": " + r.err().strip() + " " + abbreviate(r.out()));
            return v;
        }
        Path installPath = root.resolve("usr/local/bin/cmdop");
        v.addAll(invariants.installPath(installPath, mayBeAbsent));
        String version = invariants.signedVersionOf(installPath);
        String reported = r.json().path("agent").path("installed_version").asText(null);
        if (version != null && !version.equals(reported)) {
            v.add("after the clean run install_path holds " + version + " but the run reports " + reported);
        }
        if (Files.exists(root.resolve("var/lib/cmdop/update/journal.json"), LinkOption.NOFOLLOW_LINKS)) {
            v.add("after the clean run a journal of an interrupted run is still there");
        }
        if (!Files.isDirectory(installPath.getParent())) {
            return v;
        }
        try (Stream<Path> s = Files.list(installPath.getParent())) {
            List<String> stray = s.map(p -> p.getFileName().toString()).filter(n -> !n.equals("cmdop")).toList();
            if (!stray.isEmpty()) {
                v.add("after the clean run the install directory holds " + stray);
            }
        }
        v.addAll(invariants.lockReleased(root.resolve("var/lib/cmdop/update/lock")));
        return v;
    }

    // ------------------------------------------------------------------ running

    private final ExecutorService inProcessRunner = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fault-suite-run");
        t.setDaemon(true);
        return t;
    });

    /** {@code cmdop-update --root ROOT --json ARGS} in this JVM, bounded by a limit that only catches hangs. */
    private Cli.Result inProcess(Path root, List<String> args, String stdin) throws Exception {
        List<String> all = new ArrayList<>(List.of("--root", root.toString(), "--json"));
        all.addAll(args);
        Cli cli = new Cli().clock(Clock.systemUTC()).feedTimeouts(SHORT).lockWait(Duration.ofSeconds(2));
        Future<Cli.Result> f = inProcessRunner.submit(() -> cli.runWithStdin(stdin, all.toArray(String[]::new)));
        try {
            return f.get(HANG.toSeconds(), TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new AssertionError("the run did not end within " + HANG.toSeconds() + " s (a hang): " + all);
        }
    }

    private static void expectZero(Cli.Result r, String what) {
        if (r.exit() != 0) {
            throw new IllegalStateException(what + ": " + r);
        }
    }

    /** The jar as a child JVM. */
    private static final class Child {
        final Process process;
        final Path out;

        private Child(Process process, Path out) {
            this.process = process;
            this.out = out;
        }

        static Child start(Path jar, Path cds, Path root, Op op, Map<String, String> env, Path runDir,
                String... jvmFlags) throws IOException {
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                    .toString(), "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto"));
            if (cds != null) {
                cmd.add("-XX:SharedArchiveFile=" + cds);
            }
            cmd.addAll(List.of(jvmFlags));
            cmd.addAll(List.of("-jar", jar.toAbsolutePath().toString(), "--root", root.toString(), "--json"));
            cmd.addAll(op.args);
            Path out = runDir.resolve("child.out");
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile())
                    .redirectError(runDir.resolve("child.err").toFile());
            pb.environment().remove("CMDOP_ROOT");
            pb.environment().remove(CrashPoints.ENV);
            pb.environment().putAll(env);
            Process p = pb.start();
            try (OutputStream in = p.getOutputStream()) {
                in.write(op.stdin.getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                // killed before it read stdin
            }
            return new Child(p, out);
        }

        int await(Duration max) throws InterruptedException {
            if (!process.waitFor(max.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor();
                throw new AssertionError("the child jar did not end within " + max.toSeconds() + " s (a hang)");
            }
            return process.exitValue();
        }

        String out() throws IOException {
            return Files.readString(out);
        }
    }

    private record Sh(int exit, String out) {}

    private static Sh sh(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Sh(p.waitFor(), out);
    }

    private static void copyTree(Path from, Path to) throws IOException, InterruptedException {
        Files.createDirectories(to);
        Sh r = sh("cp", "-a", from + "/.", to.toString());
        if (r.exit != 0) {
            throw new IOException("cp -a " + from + " " + to + ": " + r.out);
        }
    }

    /**
     * Deletes a run's tree. A kill -9 of the tool in its restart step orphans the restart script, which can still
     * write the heartbeat file (and its .tmp) into the tree while it is deleted, as a real agent's service manager
     * would outlive the tool: a directory that gained a file meanwhile is walked again, a few times.
     */
    static void deleteTree(Path dir) throws IOException {
        for (int attempt = 1; ; attempt++) {
            if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
                return;
            }
            try (Stream<Path> s = Files.walk(dir)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
                return;
            } catch (DirectoryNotEmptyException | NoSuchFileException e) {
                if (attempt == 10) {
                    throw e;
                }
                LockSupport.parkNanos(200_000_000L); // let the straggler finish its write
            }
        }
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = FaultSuite.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("no test resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String abbreviate(String s) {
        String t = s.strip();
        return t.length() <= 300 ? t : t.substring(0, 300) + "...";
    }

    // ------------------------------------------------------------------ results

    /** Writes summary.json and summary.md into {@code dir}: the figures docs/SECURITY.md quotes. */
    static void write(Summary s, Path dir) throws IOException {
        Files.createDirectories(dir);
        ObjectNode j = JSON.createObjectNode();
        j.put("date", Instant.now().toString().substring(0, 19) + "Z");
        j.put("seed", s.seed());
        j.put("runs", s.runs());
        j.put("runs_asked", s.planned());
        j.put("seconds", s.millis() / 1000.0);
        j.set("faults", JSON.valueToTree(s.faults()));
        j.set("exit_codes", JSON.valueToTree(s.exits()));
        j.set("ms_per_run", JSON.valueToTree(s.msPerRun()));
        j.put("killed_mid_run", s.killedMidRun());
        j.put("violations", s.violations().size());
        j.set("violation_details", JSON.valueToTree(s.violations()));
        j.put("disk_full_skipped", s.diskSkipped());
        Files.writeString(dir.resolve("summary.json"), JSON.writeValueAsString(j) + "\n");
        StringBuilder md = new StringBuilder("| | |\n| --- | --- |\n");
        md.append("| date | ").append(j.get("date").asText()).append(" |\n");
        md.append("| seed | ").append(s.seed()).append(" |\n");
        md.append("| runs | ").append(s.runs()).append(" |\n");
        md.append("| faults by kind | ").append(s.faults().toString().replaceAll("[{}]", "")).append(" |\n");
        md.append("| processes killed mid-run | ").append(s.killedMidRun()).append(" |\n");
        md.append("| exit codes | ").append(s.exits().toString().replaceAll("[{}]", "")).append(" |\n");
        md.append("| violations | ").append(s.violations().size()).append(" |\n");
        md.append("| ms per run by kind | ").append(s.msPerRun().toString().replaceAll("[{}]", "")).append(" |\n");
        md.append("| time | ").append(s.millis() / 1000).append(" s |\n");
        if (s.diskSkipped() != null) {
            md.append("| disk-full skipped | ").append(s.diskSkipped()).append(" |\n");
        }
        Files.writeString(dir.resolve("summary.md"), md.toString());
    }

    /** The one-screen report the suite prints at the end. */
    static String report(Summary s) {
        Map<String, Object> lines = new LinkedHashMap<>();
        lines.put("runs", s.runs());
        lines.put("seed", s.seed());
        lines.put("faults by kind", s.faults());
        lines.put("killed mid-run", s.killedMidRun());
        lines.put("exit codes by kind", s.exits());
        lines.put("violations", s.violations().size());
        lines.put("ms per run by kind", s.msPerRun());
        lines.put("time", s.millis() / 1000 + " s");
        if (s.diskSkipped() != null) {
            lines.put("disk-full skipped", s.diskSkipped());
        }
        StringBuilder b = new StringBuilder();
        lines.forEach((k, v) -> b.append("fault-suite: ").append(k).append(": ").append(v).append('\n'));
        for (String v : s.violations()) {
            b.append("fault-suite: VIOLATION ").append(v).append('\n');
        }
        return b.toString();
    }

    static JsonNode readSummary(Path dir) throws IOException {
        return JSON.readTree(dir.resolve("summary.json").toFile());
    }

    /** Reads the size and seed: system properties fault.runs/fault.seed, else FAULT_RUNS/FAULT_SEED. */
    static String setting(String property, String env, String dflt) {
        String v = System.getProperty(property);
        if (v == null || v.isBlank()) {
            v = System.getenv(env);
        }
        return v == null || v.isBlank() ? dflt : v.strip();
    }
}
