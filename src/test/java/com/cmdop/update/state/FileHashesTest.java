package com.cmdop.update.state;

import static org.assertj.core.api.Assertions.assertThat;

import com.cmdop.update.trust.Sha256;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A remembered hash stands for a file only while its identity (device, inode, size, mtime, ctime) is unchanged;
 * every other case reads the file. Counted with {@link FileHashes#passes()}: the number of times a file was read.
 */
class FileHashesTest {
    private static final long LATER = 10_000_000_000L; // "the hash began 10 s after the file last changed"

    @TempDir
    Path dir;
    Path bin;
    StateFile state;

    @BeforeEach
    void setUp() throws IOException {
        FileHashes.forgetRun();
        bin = dir.resolve("cmdop");
        Files.writeString(bin, "agent v1\n");
        state = StateFile.load(dir.resolve("state.json"));
    }

    private static long now() {
        return System.currentTimeMillis() * 1_000_000L;
    }

    private static String sha(String text) {
        return Sha256.hex(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aSettledFileIsReadOncePerRun() {
        long before = FileHashes.passes();
        assertThat(FileHashes.sha256OrNull(bin, state, now() + LATER)).isEqualTo(sha("agent v1\n"));
        assertThat(FileHashes.sha256OrNull(bin, state, now() + LATER)).isEqualTo(sha("agent v1\n"));
        assertThat(FileHashes.sha256OrNull(bin, StateFile.load(dir.resolve("state.json")), now() + LATER))
                .isEqualTo(sha("agent v1\n"));
        assertThat(FileHashes.passes() - before).isEqualTo(1);
    }

    @Test
    void aFileChangedInTheLastSecondsIsReadEveryTime() {
        long before = FileHashes.passes();
        FileHashes.sha256OrNull(bin, state); // it was written just now: its timestamps may share a clock tick
        FileHashes.sha256OrNull(bin, state);
        assertThat(FileHashes.passes() - before).isEqualTo(2);
        state.save();
        assertThat(StateFile.load(state.file()).knownHash(bin.toAbsolutePath().toString())).isNull();
    }

    @Test
    void theHashIsRememberedInStateJsonForTheNextRun() {
        FileHashes.sha256OrNull(bin, state, now() + LATER);
        state.save(); // a mutating run writes state.json under the lock
        FileHashes.forgetRun(); // a new process
        long before = FileHashes.passes();
        assertThat(FileHashes.sha256OrNull(bin, StateFile.load(state.file()))).isEqualTo(sha("agent v1\n"));
        assertThat(FileHashes.passes() - before).isZero();
    }

    @Test
    void aFileChangedInPlaceWithTheSameSizeIsReadAgainAndReported() throws IOException {
        Files.setLastModifiedTime(bin, FileTime.from(Instant.now().minusSeconds(3600)));
        FileHashes.written(bin, sha("agent v1\n"), state.file()); // as the installer records what it swapped in
        state.save();
        FileHashes.forgetRun();
        long before = FileHashes.passes();
        assertThat(FileHashes.sha256OrNull(bin, StateFile.load(state.file()))).isEqualTo(sha("agent v1\n"));
        assertThat(FileHashes.passes() - before).isZero();

        Files.writeString(bin, "agent v2\n"); // same size, same inode, written in place
        assertThat(FileHashes.sha256OrNull(bin, StateFile.load(state.file()))).isEqualTo(sha("agent v2\n"));
        assertThat(FileHashes.passes() - before).isEqualTo(1);
    }

    @Test
    void aFileReplacedByRenameIsReadAgain() throws IOException {
        FileHashes.sha256OrNull(bin, state, now() + LATER);
        Path other = dir.resolve("other");
        Files.writeString(other, "agent v3\n");
        Files.setLastModifiedTime(other, Files.getLastModifiedTime(bin));
        Files.move(other, bin, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        assertThat(FileHashes.sha256OrNull(bin, state, now() + LATER)).isEqualTo(sha("agent v3\n"));
    }

    @Test
    void aChmodChangesTheIdentity() throws IOException, InterruptedException {
        FileHashes.sha256OrNull(bin, state, now() + LATER);
        long ctime = ctime(bin);
        while (ctime(bin) == ctime) { // ctime moves with the kernel's clock tick: chmod until it does
            Thread.sleep(5);
            Files.setPosixFilePermissions(bin, PosixFilePermissions.fromString(
                    Files.getPosixFilePermissions(bin).size() == 6 ? "rw-r-----" : "rw-r--r--"));
        }
        long before = FileHashes.passes();
        FileHashes.sha256OrNull(bin, state, now() + LATER);
        assertThat(FileHashes.passes() - before).isEqualTo(1);
    }

    @Test
    void aTamperedRememberedEntryIsNotTrustedForAnotherFile() throws IOException {
        FileHashes.sha256OrNull(bin, state, now() + LATER);
        state.save();
        FileHashes.forgetRun();
        // state.json says install_path hashed to X; a different file at that path (another inode) is read
        Path moved = dir.resolve("moved");
        Files.move(bin, moved);
        Files.writeString(bin, "agent v4\n");
        assertThat(FileHashes.sha256OrNull(bin, StateFile.load(state.file()))).isEqualTo(sha("agent v4\n"));
    }

    @Test
    void noFileNoHash() {
        assertThat(FileHashes.sha256OrNull(dir.resolve("missing"), state)).isNull();
        assertThat(FileHashes.sha256OrNull(dir, state)).isNull();
    }

    @Test
    void atMostAFewFilesAreKept() throws IOException {
        for (int i = 0; i < FileHashes.MAX_REMEMBERED + 3; i++) {
            Path f = dir.resolve("f" + i);
            Files.writeString(f, "x" + i);
            FileHashes.sha256OrNull(f, state, now() + LATER);
        }
        state.save();
        StateFile read = StateFile.load(state.file());
        int kept = 0;
        for (int i = 0; i < FileHashes.MAX_REMEMBERED + 3; i++) {
            kept += read.knownHash(dir.resolve("f" + i).toAbsolutePath().toString()) == null ? 0 : 1;
        }
        assertThat(kept).isEqualTo(FileHashes.MAX_REMEMBERED);
    }

    private static long ctime(Path p) throws IOException {
        return ((FileTime) Files.getAttribute(p, "unix:ctime")).toInstant().toEpochMilli() * 1_000_000L
                + ((FileTime) Files.getAttribute(p, "unix:ctime")).toInstant().getNano() % 1_000_000;
    }
}
