package com.cmdop.update.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.cmdop.update.model.error.UpdateException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #9 defect 1: a symlinked file (config.yaml kept elsewhere by configuration management, a unit
 * file) was replaced by a regular file with the link's own mode, 0777: world-writable.
 */
class AtomicFilesSymlinkTest {
    @TempDir
    Path dir;

    @Test
    void aSymlinkedFileIsWrittenThroughItsLinkKeepingTheTargetsMode() throws IOException {
        Path real = Files.createDirectories(dir.resolve("managed")).resolve("config.yaml");
        Files.writeString(real, "update:\n  channel: stable\n");
        Files.setPosixFilePermissions(real, PosixFilePermissions.fromString("rw-r-----"));
        Path link = Files.createSymbolicLink(dir.resolve("config.yaml"), real);

        AtomicFiles.write(link, "update:\n  channel: beta\n".getBytes(StandardCharsets.UTF_8), "rw-r--r--");

        assertThat(Files.isSymbolicLink(link)).as("the link stays a link").isTrue();
        assertThat(real).hasContent("update:\n  channel: beta\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(real))).isEqualTo("rw-r-----");
    }

    @Test
    void aDanglingLinkIsRefusedRatherThanFollowedToCreateItsTarget() throws IOException {
        Path link = Files.createSymbolicLink(dir.resolve("config.yaml"), dir.resolve("nowhere/config.yaml"));

        assertThatThrownBy(() -> AtomicFiles.write(link, "x".getBytes(StandardCharsets.UTF_8), "rw-r--r--"))
                .isInstanceOf(UpdateException.class).hasMessageContaining("symbolic link");
        assertThat(dir.resolve("nowhere")).doesNotExist();
    }
}
