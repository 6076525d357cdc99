package com.cmdop.update.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.cmdop.update.model.error.ErrorCode;
import com.cmdop.update.model.error.UpdateException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The decisions made before any download (permission: see InstallPermissionIT, which drops root). */
class PreflightTest {
    @TempDir
    Path tmp;

    private long free = Long.MAX_VALUE;
    private boolean sharedFs = true;

    private Preflight preflight() {
        return new Preflight(new Preflight.Disk() {
            @Override
            public long usableSpace(Path existingDir) {
                return free;
            }

            @Override
            public Object fileSystemOf(Path existingDir) {
                return sharedFs ? "one" : existingDir.toString();
            }
        }, Preflight.currentUid());
    }

    private Path dir(String name, String mode) throws IOException {
        Path d = Files.createDirectories(tmp.resolve(name));
        Files.setPosixFilePermissions(d, PosixFilePermissions.fromString(mode));
        return d;
    }

    @Test
    void aSafeWritableDirectoryWithRoomPasses() throws IOException {
        Path bin = dir("bin", "rwxr-xr-x");
        assertThatCode(() -> preflight().check(bin.resolve("cmdop"), tmp.resolve("data"), 1000, 1000))
                .doesNotThrowAnyException();
    }

    @Test
    void aMissingInstallDirectoryIsCheckedThroughItsNearestParent() throws IOException {
        dir("root", "rwxr-xr-x");
        assertThatCode(() -> preflight().check(tmp.resolve("root/usr/local/bin/cmdop"), tmp.resolve("root/var/lib"),
                1000, 0)).doesNotThrowAnyException();
    }

    @Test
    void aWorldWritableInstallDirectoryIsUnsafeEvenWithTheStickyBit() throws IOException {
        Path bin = dir("bin", "rwxrwxrwx");
        Files.setAttribute(bin, "unix:mode", 01777);

        UpdateException e = catchThrowableOfType(UpdateException.class, () -> preflight().check(bin.resolve("cmdop"), tmp.resolve("data"), 1, 0));

        assertThat(e.code()).isEqualTo(ErrorCode.UNSAFE_DIRECTORY);
        assertThat(e.exitCode()).isEqualTo(77);
        assertThat(e.getMessage()).contains(bin.toString()).contains("chmod go-w").contains("update.install_path");
        assertThat(e.details()).containsEntry("mode", "1777");
    }

    @Test
    void aGroupWritableParentIsUnsafe() throws IOException {
        Path parent = dir("opt", "rwxrwxr-x");
        Path bin = Files.createDirectories(parent.resolve("bin"));

        UpdateException e = catchThrowableOfType(UpdateException.class, () -> preflight().check(bin.resolve("cmdop"), tmp.resolve("data"), 1, 0));

        assertThat(e.code()).isEqualTo(ErrorCode.UNSAFE_DIRECTORY);
        assertThat(e.details()).containsEntry("path", parent.toString());
    }

    @Test
    void aStickyWorldWritableParentLikeTmpIsAccepted() throws IOException {
        Path shared = dir("shared", "rwxrwxrwx");
        Files.setAttribute(shared, "unix:mode", 01777);
        Path bin = Files.createDirectories(shared.resolve("bin"));

        assertThatCode(() -> preflight().check(bin.resolve("cmdop"), tmp.resolve("data"), 1, 0))
                .doesNotThrowAnyException();
    }

    @Test
    void aDirectoryOwnedByAnotherUserIsUnsafe() throws IOException {
        Path bin = dir("bin", "rwxr-xr-x");
        Files.setAttribute(bin, "unix:uid", 65534);

        UpdateException e = catchThrowableOfType(UpdateException.class, () -> preflight().check(bin.resolve("cmdop"), tmp.resolve("data"), 1, 0));

        assertThat(e.code()).isEqualTo(ErrorCode.UNSAFE_DIRECTORY);
        assertThat(e.details()).containsEntry("owner_uid", 65534L);
    }

    @Test
    void anUnsafeDataDirectoryIsRefusedToo() throws IOException {
        Path bin = dir("bin", "rwxr-xr-x");
        Path data = dir("data", "rwxrwxrwx");

        UpdateException e = catchThrowableOfType(UpdateException.class, () -> preflight().check(bin.resolve("cmdop"), data, 1, 0));

        assertThat(e.code()).isEqualTo(ErrorCode.UNSAFE_DIRECTORY);
        assertThat(e.getMessage()).contains("update.data_dir");
    }

    @Test
    void onOneFilesystemTheNewBinaryAndTheCopyOfTheOldMustFit() throws IOException {
        Path bin = dir("bin", "rwxr-xr-x");
        long len = 50L << 20;
        free = 2 * len + 2 * Preflight.MARGIN;
        assertThatCode(() -> preflight().check(bin.resolve("cmdop"), tmp.resolve("data"), len, len))
                .doesNotThrowAnyException();

        free -= 1;
        UpdateException e = catchThrowableOfType(UpdateException.class, () -> preflight().check(bin.resolve("cmdop"), tmp.resolve("data"), len,
                len));

        assertThat(e.code()).isEqualTo(ErrorCode.DISK_FULL);
        assertThat(e.exitCode()).isEqualTo(74);
        assertThat(e.getMessage()).contains("not enough space").contains("108 MiB needed").contains("nothing was changed");
        assertThat(e.details()).containsEntry("required_bytes", 2 * len + 2 * Preflight.MARGIN);
    }

    @Test
    void onTwoFilesystemsEachNeedsOnlyItsOwnShare() throws IOException {
        Path bin = dir("bin", "rwxr-xr-x");
        sharedFs = false;
        long len = 50L << 20;
        free = len + Preflight.MARGIN;
        assertThatCode(() -> preflight().check(bin.resolve("cmdop"), tmp.resolve("data"), len, len))
                .doesNotThrowAnyException();
    }

    @Test
    void aDirectoryAtInstallPathIsAConfigError() throws IOException {
        Path bin = dir("bin/cmdop", "rwxr-xr-x");

        UpdateException e = catchThrowableOfType(UpdateException.class, () -> preflight().check(bin, tmp.resolve("data"), 1, 0));

        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CONFIG);
        assertThat(e.details()).containsEntry("field", "update.install_path");
    }
}
