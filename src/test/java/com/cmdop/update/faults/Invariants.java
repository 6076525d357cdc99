package com.cmdop.update.faults;

import com.cmdop.update.model.error.UpdateException;
import com.cmdop.update.state.Machine;
import com.cmdop.update.trust.Sha256;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.yaml.snakeyaml.Yaml;

/**
 * What must hold after every run of the fault suite, whatever was done to it (issue #9). Each check
 * returns the violations it found, as sentences; an empty list means the invariant holds.
 */
final class Invariants {
    /** SPEC section 4's exit codes a run may end with. 1 is reserved and never emitted; 70 is a bug. */
    static final Set<Integer> DEFINED_EXITS = Set.of(0, 2, 64, 65, 69, 74, 75, 77, 80, 81);
    /** The status of a process ended by SIGKILL (ours, or the test-only crash point's halt). */
    static final int KILLED = 137;
    /** The settings a desired state manages: what "the last committed settings" compares. */
    static final List<String> MANAGED = List.of("channel", "auto", "interval", "pin", "window", "hold",
            "trusted_keys");

    private static final ObjectMapper JSON = new ObjectMapper();

    /** SHA-256 (hex) of every artifact the signed feed names -> its version. */
    private final Map<String, String> signed;

    Invariants(Map<String, String> signed) {
        this.signed = Map.copyOf(signed);
    }

    /** The version a file's bytes are the signed artifact of, or null when they are no signed artifact. */
    String signedVersionOf(Path file) {
        try {
            return signed.get(Sha256.hex(Files.readAllBytes(file)));
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * The exit code is one SPEC defines (137 only where the suite killed the process), and a run that
     * ended by itself printed exactly one JSON envelope whose {@code exit_code} is its exit status.
     */
    List<String> exit(int exit, boolean killable, String stdout) {
        List<String> v = new ArrayList<>();
        if (exit == KILLED) {
            if (!killable) {
                v.add("exit 137 (killed) in a run nobody killed");
            }
            return v;
        }
        if (!DEFINED_EXITS.contains(exit)) {
            v.add("exit " + exit + " is not one of SPEC's exit codes " + new java.util.TreeSet<>(DEFINED_EXITS));
        }
        try {
            JsonNode json = JSON.readTree(stdout);
            if (json == null || json.path("exit_code").asInt(-1) != exit) {
                v.add("the JSON envelope's exit_code is not the exit status " + exit + ": " + abbreviate(stdout));
            }
        } catch (IOException e) {
            v.add("stdout is not one JSON document: " + abbreviate(stdout));
        }
        return v;
    }

    /**
     * install_path is a complete signed binary (a regular, executable file whose SHA-256 the signed feed
     * names), or absent when it was absent before the first install.
     */
    List<String> installPath(Path installPath, boolean mayBeAbsent) {
        List<String> v = new ArrayList<>();
        if (!Files.exists(installPath, LinkOption.NOFOLLOW_LINKS)) {
            if (!mayBeAbsent) {
                v.add("install_path " + installPath + " is gone");
            }
            return v;
        }
        if (!Files.isRegularFile(installPath, LinkOption.NOFOLLOW_LINKS)) {
            v.add("install_path " + installPath + " is not a regular file");
            return v;
        }
        if (signedVersionOf(installPath) == null) {
            v.add("install_path " + installPath + " is not a signed binary (its SHA-256 is in no signed manifest)");
        }
        if (!Files.isExecutable(installPath)) {
            v.add("install_path " + installPath + " is not executable");
        }
        return v;
    }

    /**
     * config.yaml is read by the product without error, and its managed settings are one of the
     * accepted sets: the ones before the run, or the ones the same run commits when nothing goes wrong.
     */
    List<String> config(Path root, List<Map<String, Object>> accepted) {
        List<String> v = new ArrayList<>();
        try {
            Machine.open(root, null, null).settings();
        } catch (UpdateException | UncheckedIOException e) {
            v.add("config.yaml does not parse: " + e.getMessage());
            return v;
        }
        Map<String, Object> now = managedSettings(root.resolve("etc/cmdop/config.yaml"));
        if (!accepted.contains(now)) {
            v.add("config.yaml holds " + now + ", neither the settings before the run nor those it commits: "
                    + accepted);
        }
        return v;
    }

    /** The lock file, when it is one, can be locked: no process of this run holds it any more. */
    List<String> lockReleased(Path lockFile) {
        if (!Files.isRegularFile(lockFile, LinkOption.NOFOLLOW_LINKS)) {
            return List.of();
        }
        try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
            FileLock lock = ch.tryLock();
            if (lock == null) {
                return List.of("the run lock " + lockFile + " is still held after the run");
            }
            lock.release();
            return List.of();
        } catch (OverlappingFileLockException e) {
            return List.of("the run lock " + lockFile + " is still held by this JVM after the run");
        } catch (IOException e) {
            return List.of("the run lock " + lockFile + " cannot be opened: " + e);
        }
    }

    /** A tree outside the machine that the run must not touch is byte for byte and mode for mode as before. */
    static List<String> untouched(String what, Map<String, String> before, Map<String, String> after) {
        if (before.equals(after)) {
            return List.of();
        }
        Map<String, String> diff = new TreeMap<>();
        before.forEach((k, b) -> {
            if (!b.equals(after.get(k))) {
                diff.put(k, b + " -> " + after.getOrDefault(k, "(gone)"));
            }
        });
        after.forEach((k, a) -> {
            if (!before.containsKey(k)) {
                diff.put(k, "(new) " + a);
            }
        });
        return List.of(what + " outside the machine changed: " + diff);
    }

    /** Every entry under {@code dir}, links not followed: type, mode, owner, and content hash or link target. */
    static Map<String, String> tree(Path dir) {
        Map<String, String> out = new TreeMap<>();
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return out;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                String kind;
                if (a.isSymbolicLink()) {
                    kind = "link->" + Files.readSymbolicLink(p);
                } else if (a.isDirectory()) {
                    kind = "dir";
                } else if (a.isRegularFile()) {
                    kind = "file " + Sha256.hex(Files.readAllBytes(p));
                } else {
                    kind = "other";
                }
                out.put(dir.relativize(p).toString(), kind + " " + PosixFilePermissions.toString(a.permissions())
                        + " " + a.owner().getName() + " mtime=" + a.lastModifiedTime().toMillis());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** The managed settings in a config.yaml, as SnakeYAML reads them (absent keys absent). */
    static Map<String, Object> managedSettings(Path config) {
        try {
            Object doc = new Yaml().load(Files.readString(config));
            Map<String, Object> out = new LinkedHashMap<>();
            if (doc instanceof Map<?, ?> top && top.get("update") instanceof Map<?, ?> update) {
                for (String k : MANAGED) {
                    if (update.containsKey(k)) {
                        out.put(k, update.get(k));
                    }
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String abbreviate(String s) {
        String t = s.strip();
        return t.length() <= 300 ? t : t.substring(0, 300) + "...";
    }
}
