package com.cmdop.update.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.cmdop.update.model.error.ErrorCode;
import com.cmdop.update.model.error.UpdateException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #9 (a): recovery checks the data directory before it touches anything, and the cache purge never
 * deletes through a symbolic link (a symlinked versions/ once emptied a 0700 directory of root's).
 */
class UnsafeDataDirTest {
    @TempDir
    Path root;

    @TempDir
    Path work;

    @TempDir
    Path rootsPrivateDir;

    FakeMachine m;
    final OffsetClock clock = new OffsetClock();

    @BeforeEach
    void setUp() throws IOException {
        m = new FakeMachine(root, work);
        m.handInstall(FakeMachine.agent("v1.2.3"));
        Files.createDirectories(m.dataDir());
        Files.writeString(rootsPrivateDir.resolve("keep-me"), "root's file\n");
        Files.setPosixFilePermissions(rootsPrivateDir, PosixFilePermissions.fromString("rwx------"));
    }

    private UpdateException recoverFails() {
        return catchThrowableOfType(() -> new Recovery(m.env(clock)).recover(), UpdateException.class);
    }

    @Test
    void aSymlinkedVersionsDirectoryIsRefusedAndItsTargetKeepsItsFiles() throws IOException {
        Files.createSymbolicLink(m.dataDir().resolve("versions"), rootsPrivateDir);

        UpdateException e = recoverFails();

        assertThat(e).as("refused").isNotNull();
        assertThat(e.code()).isEqualTo(ErrorCode.UNSAFE_DIRECTORY);
        assertThat(e.exitCode()).isEqualTo(77);
        assertThat(rootsPrivateDir.resolve("keep-me")).hasContent("root's file");
    }

    @Test
    void aSymlinkedVersionsDirectoryIsNeverPurgedThroughEvenWithoutRecovery() throws IOException {
        Files.createSymbolicLink(m.dataDir().resolve("versions"), rootsPrivateDir);
        BinaryCache cache = new BinaryCache(m.dataDir().resolve("versions"));

        UpdateException e = catchThrowableOfType(() -> cache.delete("keep-me"), UpdateException.class);

        assertThat(e.code()).isEqualTo(ErrorCode.UNSAFE_DIRECTORY);
        assertThat(rootsPrivateDir.resolve("keep-me")).exists();
    }

    @Test
    void aSymlinkedDataDirectoryIsRefusedBeforeAnythingIsWritten() throws IOException {
        Path data = m.dataDir();
        Files.delete(data);
        Files.createSymbolicLink(data, rootsPrivateDir);

        UpdateException e = recoverFails();

        assertThat(e.code()).isEqualTo(ErrorCode.UNSAFE_DIRECTORY);
        assertThat(rootsPrivateDir.resolve("state.json")).doesNotExist();
        assertThat(rootsPrivateDir.resolve("keep-me")).exists();
    }

    @Test
    void aGroupWritableDataDirectoryIsRefusedBeforeRecoveryRemovesAnything() throws IOException {
        Path leftover = m.installPath().resolveSibling(".cmdop.staging-0123456789abcdef");
        Files.writeString(leftover, "partial download");
        Files.setPosixFilePermissions(m.dataDir(), PosixFilePermissions.fromString("rwxrwxr-x"));

        UpdateException e = recoverFails();

        assertThat(e.code()).isEqualTo(ErrorCode.UNSAFE_DIRECTORY);
        assertThat(e.getMessage()).contains(m.dataDir().toString()).contains("chmod go-w");
        assertThat(leftover).as("recovery touched nothing").exists();
        assertThat(m.dataDir().resolve("state.json")).doesNotExist();
    }

    @Test
    void aSafeDataDirectoryIsRecoveredAsBefore() {
        RecoveryResult r = new Recovery(m.env(clock)).recover();

        assertThat(r.actions()).anyMatch(a -> a.contains("adopted"));
    }
}
