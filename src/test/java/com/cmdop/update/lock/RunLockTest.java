package com.cmdop.update.lock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.cmdop.update.model.error.ErrorCode;
import com.cmdop.update.model.error.UpdateException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunLockTest {
    @TempDir
    Path dir;

    @Test
    void theLockFileIsCreatedReadableByTheOwnerOnly() throws IOException {
        Path lock = dir.resolve("data/lock");
        try (RunLock l = RunLock.acquire(lock, Duration.ZERO)) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(lock))).isEqualTo("rw-------");
        }
    }

    @Test
    void aSymlinkPlantedAsTheLockFileIsNeitherFollowedNorUsedToCreateAFile() throws IOException {
        Path target = dir.resolve("etc/created-by-root");
        Files.createDirectories(target.getParent());
        Files.createDirectories(dir.resolve("data"));
        Files.createSymbolicLink(dir.resolve("data/lock"), target);

        UpdateException e = catchThrowableOfType(() -> RunLock.acquire(dir.resolve("data/lock"), Duration.ZERO),
                UpdateException.class);

        assertThat(e.code()).isEqualTo(ErrorCode.UNSAFE_DIRECTORY);
        assertThat(target).doesNotExist();
    }
}
