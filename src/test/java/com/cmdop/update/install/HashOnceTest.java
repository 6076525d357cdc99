package com.cmdop.update.install;

import static org.assertj.core.api.Assertions.assertThat;

import com.cmdop.update.io.FileIdentity;
import com.cmdop.update.state.FileHashes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An install reads no binary it already knows: the one at install_path is known by its identity from the
 * install that put it there; the new one is hashed while it is downloaded; the old one is hard-linked into
 * the cache. Counted by {@link FileHashes#passes()} (each time a file is read to hash it).
 */
class HashOnceTest {
    @TempDir
    Path root;

    @TempDir
    Path work;

    FakeMachine m;
    final OffsetClock clock = new OffsetClock();

    @BeforeEach
    void setUp() {
        m = new FakeMachine(root, work);
        m.handInstall(FakeMachine.agent("v1.2.2")).bootAgent();
        new Installer(m.env(clock)).install(FakeMachine.artifact("v1.2.3").expected(), FakeMachine.artifact("v1.2.3").source());
    }

    private InstallStatus status() {
        return InstallStatus.read(m.installPath(), m.dataDir());
    }

    @Test
    void anInstallOverABinaryThisToolInstalledReadsNoBinaryToHashIt() {
        long before = FileHashes.passes();

        InstallResult r = new Installer(m.env(clock)).install(FakeMachine.artifact("v1.2.4").expected(),
                FakeMachine.artifact("v1.2.4").source());
        InstallStatus after = status(); // what the report and status show next

        assertThat(r.changed()).isTrue();
        assertThat(after.installedVerified()).isTrue();
        assertThat(FileHashes.passes() - before).isZero();
        m.assertConsistent("v1.2.4");
    }

    @Test
    void theReplacedBinaryIsKeptAsAHardLinkToTheSameInode() {
        FileIdentity old = FileIdentity.of(m.installPath());

        new Installer(m.env(clock)).install(FakeMachine.artifact("v1.2.4").expected(), FakeMachine.artifact("v1.2.4").source());

        FileIdentity cached = FileIdentity.of(m.dataDir().resolve("versions/v1.2.3/cmdop"));
        assertThat(cached.sameFile(old)).isTrue();
        assertThat(FileIdentity.of(m.installPath()).sameFile(old)).isFalse();
        assertThat(new Installer(m.env(clock)).rollback().to()).isEqualTo("v1.2.3"); // and it rolls back
        m.assertConsistent("v1.2.3");
    }

    @Test
    void aBinaryChangedInPlaceIsReportedModifiedAndNotCachedAsTheSignedOne() throws IOException {
        assertThat(status().installedVerified()).isTrue();
        byte[] bytes = Files.readAllBytes(m.installPath());
        bytes[bytes.length - 2] ^= 1; // same size, same inode: only mtime and ctime tell
        Files.write(m.installPath(), bytes, StandardOpenOption.TRUNCATE_EXISTING);

        assertThat(status().installedVerified()).isFalse();
    }
}
