package com.cmdop.update.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.cmdop.update.trust.Sha256;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fault suite's checker catches each kind of violation it is there for (planted here on purpose). */
class InvariantsTest {
    private static final byte[] SIGNED = "#!/bin/sh\necho cmdop v1.0.0\n".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path root;

    private final Invariants invariants = new Invariants(Map.of(Sha256.hex(SIGNED), "v1.0.0"));
    private Path installPath;

    @BeforeEach
    void aMachineWithASignedAgent() throws Exception {
        installPath = root.resolve("usr/local/bin/cmdop");
        Files.createDirectories(installPath.getParent());
        Files.write(installPath, SIGNED);
        Files.setPosixFilePermissions(installPath, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createDirectories(root.resolve("etc/cmdop"));
        Files.writeString(root.resolve("etc/cmdop/config.yaml"), "update:\n  channel: stable\n");
    }

    @Test
    void aSignedExecutableAtInstallPathHolds() {
        assertThat(invariants.installPath(installPath, false)).isEmpty();
        assertThat(invariants.signedVersionOf(installPath)).isEqualTo("v1.0.0");
    }

    @Test
    void aCorruptedInstallPathIsAViolation() throws Exception {
        byte[] b = SIGNED.clone();
        b[b.length - 2] ^= 1;
        Files.write(installPath, b);
        assertThat(invariants.installPath(installPath, false)).singleElement().asString()
                .contains("not a signed binary");
    }

    @Test
    void aTruncatedInstallPathIsAViolation() throws Exception {
        Files.write(installPath, java.util.Arrays.copyOf(SIGNED, 10));
        assertThat(invariants.installPath(installPath, false)).isNotEmpty();
    }

    @Test
    void aMissingInstallPathIsAViolationUnlessThereWasNoneBeforeTheFirstInstall() throws Exception {
        Files.delete(installPath);
        assertThat(invariants.installPath(installPath, false)).singleElement().asString().contains("is gone");
        assertThat(invariants.installPath(installPath, true)).isEmpty();
    }

    @Test
    void aSymlinkOrANonExecutableAtInstallPathIsAViolation() throws Exception {
        Path elsewhere = root.resolve("elsewhere");
        Files.move(installPath, elsewhere);
        Files.createSymbolicLink(installPath, elsewhere);
        assertThat(invariants.installPath(installPath, false)).singleElement().asString()
                .contains("not a regular file");
        Files.delete(installPath);
        Files.move(elsewhere, installPath);
        Files.setPosixFilePermissions(installPath, PosixFilePermissions.fromString("rw-r--r--"));
        assertThat(invariants.installPath(installPath, false)).singleElement().asString()
                .contains("not executable");
    }

    @Test
    void exitCodesOutsideTheSpecAndAnEnvelopeThatDisagreesAreViolations() {
        assertThat(invariants.exit(0, false, "{\"exit_code\": 0}")).isEmpty();
        assertThat(invariants.exit(137, true, "")).isEmpty();
        assertThat(invariants.exit(137, false, "")).singleElement().asString().contains("nobody killed");
        assertThat(invariants.exit(70, false, "{\"exit_code\": 70}")).singleElement().asString()
                .contains("not one of SPEC's exit codes");
        assertThat(invariants.exit(1, false, "{\"exit_code\": 1}")).isNotEmpty();
        assertThat(invariants.exit(69, false, "{\"exit_code\": 0}")).singleElement().asString()
                .contains("exit_code is not the exit status");
        assertThat(invariants.exit(65, false, "oops")).singleElement().asString().contains("not one JSON document");
    }

    @Test
    void aConfigThatDoesNotParseOrHoldsUncommittedSettingsIsAViolation() throws Exception {
        Map<String, Object> stable = Map.of("channel", "stable");
        Map<String, Object> beta = Map.of("channel", "beta");
        assertThat(invariants.config(root, List.of(stable, beta))).isEmpty();
        assertThat(invariants.config(root, List.of(beta))).singleElement().asString().contains("neither");
        Files.writeString(root.resolve("etc/cmdop/config.yaml"), "update:\n  channel: [stable\n");
        assertThat(invariants.config(root, List.of(stable))).singleElement().asString().contains("does not parse");
    }

    @Test
    void aChangedSentinelTreeIsAViolation() throws Exception {
        Path sentinel = Files.createDirectories(root.resolve("sentinel/dir"));
        Files.writeString(sentinel.resolve("secret"), "s");
        Map<String, String> before = Invariants.tree(root.resolve("sentinel"));
        assertThat(Invariants.untouched("sentinel", before, Invariants.tree(root.resolve("sentinel")))).isEmpty();

        Files.writeString(sentinel.resolve("lock"), "");
        assertThat(Invariants.untouched("sentinel", before, Invariants.tree(root.resolve("sentinel"))))
                .singleElement().asString().contains("dir/lock=(new)");
        Files.delete(sentinel.resolve("lock"));
        Files.setPosixFilePermissions(sentinel.resolve("secret"), PosixFilePermissions.fromString("rwxrwxrwx"));
        assertThat(Invariants.untouched("sentinel", before, Invariants.tree(root.resolve("sentinel"))))
                .singleElement().asString().contains("dir/secret=");
    }

    @Test
    void aLockStillHeldIsAViolation() throws Exception {
        Path lock = root.resolve("lock");
        Files.createFile(lock);
        assertThat(invariants.lockReleased(lock)).isEmpty();
        try (FileChannel ch = FileChannel.open(lock, StandardOpenOption.WRITE); FileLock held = ch.lock()) {
            assertThat(invariants.lockReleased(lock)).singleElement().asString().contains("still held");
        }
    }
}
