package com.cmdop.update.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.cmdop.update.model.Channel;
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
 * config.yaml is root's instructions (service.restart, feed, trusted keys), so, like sshd's StrictModes, a
 * config that another user could change is refused (issue #9, defect 3).
 */
class ConfigFileSafetyTest {
    private static final String CONFIG = "update:\n  channel: beta\n  service:\n    restart: [touch, /tmp/x]\n";
    private static final int NOBODY = 65534;

    @TempDir
    Path root;

    private Path dir;
    private Path config;

    @BeforeEach
    void aConfigOwnedByThisUser() throws IOException {
        dir = Files.createDirectories(root.resolve("etc/cmdop"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        config = dir.resolve("config.yaml");
        Files.writeString(config, CONFIG);
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-r--r--"));
    }

    private UpdateException refusal() {
        return (UpdateException) org.assertj.core.api.Assertions.catchThrowable(() -> ConfigFile.load(config));
    }

    @Test
    void aConfigOnlyItsOwnerMayWriteIsRead() {
        assertThat(ConfigFile.load(config).settings().channel()).isEqualTo(Channel.BETA);
    }

    @Test
    void aWorldWritableConfigIsRefusedNamingTheFileItsModeAndTheFix() throws IOException {
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-rw-rw-"));

        UpdateException e = refusal();

        assertThat(e).isNotNull();
        assertThat(e.code()).isEqualTo(ErrorCode.UNSAFE_DIRECTORY);
        assertThat(e.exitCode()).isEqualTo(77);
        assertThat(e.getMessage()).contains(config.toString()).contains("0666").contains("chmod go-w " + config);
        assertThat(e.details()).containsEntry("mode", "0666");
    }

    @Test
    void aGroupWritableConfigIsRefused() throws IOException {
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-rw-r--"));

        assertThat(refusal().code()).isEqualTo(ErrorCode.UNSAFE_DIRECTORY);
    }

    @Test
    void aConfigInAWorldWritableDirectoryIsRefused() throws IOException {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));

        UpdateException e = refusal();

        assertThat(e.code()).isEqualTo(ErrorCode.UNSAFE_DIRECTORY);
        assertThat(e.getMessage()).contains("its directory " + dir.toRealPath()).contains("chmod go-w");
    }

    @Test
    void aConfigOwnedByAnotherUserIsRefusedWithTheChownFix() throws IOException {
        assumeTrue(isRoot(), "only root can give a file away");
        Files.setAttribute(config, "unix:uid", NOBODY);

        UpdateException e = refusal();

        assertThat(e.code()).isEqualTo(ErrorCode.UNSAFE_DIRECTORY);
        assertThat(e.getMessage()).contains("owner uid " + NOBODY).contains("chown root " + config);
    }

    @Test
    void aSymlinkIsFollowedAndTheFileItResolvesToIsChecked() throws IOException {
        Path managed = Files.createDirectories(root.resolve("srv/cm"));
        Files.setPosixFilePermissions(managed, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path target = managed.resolve("cmdop.yaml");
        Files.move(config, target);
        Files.createSymbolicLink(config, target);

        assertThat(ConfigFile.load(config).settings().channel()).as("a safe target is read").isEqualTo(Channel.BETA);

        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-rw-rw-"));
        UpdateException e = refusal();
        assertThat(e.code()).isEqualTo(ErrorCode.UNSAFE_DIRECTORY);
        assertThat(e.getMessage()).contains("resolves to").contains(target.toRealPath().toString());
    }

    @Test
    void aSymlinkInAWorldWritableDirectoryIsRefusedThoughItsTargetIsSafe() throws IOException {
        Path target = root.resolve("cmdop.yaml");
        Files.move(config, target);
        Path open = Files.createDirectories(root.resolve("open"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        config = open.resolve("config.yaml");
        Files.createSymbolicLink(config, target);

        assertThat(refusal().code()).isEqualTo(ErrorCode.UNSAFE_DIRECTORY);
    }

    @Test
    void aMissingConfigStillMeansTheDefaults() throws IOException {
        Files.delete(config);

        assertThat(ConfigFile.load(config).exists()).isFalse();
    }

    @Test
    void theRefusalHappensBeforeTheContentIsParsed() throws IOException {
        Files.writeString(config, "update: [not, a, map\n");
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-rw-rw-"));

        assertThatThrownBy(() -> ConfigFile.load(config)).isInstanceOf(UpdateException.class)
                .extracting(t -> ((UpdateException) t).code()).isEqualTo(ErrorCode.UNSAFE_DIRECTORY);
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }
}
