package com.cmdop.update.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.cmdop.update.model.Channel;
import com.cmdop.update.support.Cli;
import com.cmdop.update.support.Sandbox;
import com.cmdop.update.support.TestFeed;
import java.io.FileOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Found by the fault suite (issue #9): a FIFO in place of a file of the data directory that the run reads
 * (trust.json, state.json, the journal, the quarantine list) made the run block forever in open(2), with
 * the run lock held. Each is now read only when it is a regular file: the run fails with IO_ERROR (74),
 * naming the file, and ends; an unreadable journal is moved aside by recovery, as a corrupt one always was.
 */
class FifoInDataDirTest {
    @TempDir
    Path root;

    @TempDir
    Path feedDir;

    private Path fifo;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"trust.json", "state.json", "quarantine.json"})
    void aFifoInTheDataDirectoryFailsTheRunInsteadOfHangingIt(String name) throws Exception {
        Cli.Result r = updateWithAFifoAt(name);

        assertThat(r.exit()).as(r.toString()).isEqualTo(74);
        assertThat(r.json().path("error").path("code").asText()).isEqualTo("IO_ERROR");
        assertThat(r.json().path("error").path("message").asText()).contains(name).contains("not a regular file");
        assertThat(root.resolve("usr/local/bin/cmdop")).doesNotExist();
    }

    @org.junit.jupiter.api.Test
    void aFifoAsTheJournalIsMovedAsideByRecoveryAndTheRunGoesOn() throws Exception {
        Cli.Result r = updateWithAFifoAt("journal.json");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.json().path("warnings").toString()).contains("not a regular file").contains("moved to");
        assertThat(root.resolve("usr/local/bin/cmdop")).exists();
    }

    private Cli.Result updateWithAFifoAt(String name) throws Exception {
        TestFeed feed = new TestFeed(feedDir);
        feed.release("v1.0.0", "#!/bin/sh\necho cmdop v1.0.0\n".getBytes(StandardCharsets.UTF_8));
        feed.point(Channel.STABLE, "v1.0.0");
        Sandbox machine = new Sandbox(root, new Cli());
        machine.writeConfig(feed.configRestartingNothing("stable"));
        Path dataDir = Files.createDirectories(root.resolve("var/lib/cmdop/update"));
        fifo = dataDir.resolve(name);
        Process mkfifo = new ProcessBuilder("mkfifo", "-m", "0600", fifo.toString()).start();
        assertThat(mkfifo.waitFor()).isZero();

        return assertTimeoutPreemptively(Duration.ofSeconds(20), () -> machine.run(),
                "the run blocked on the FIFO " + fifo);
    }

    /** Before the fix a reader stayed blocked on the FIFO: give it a writer so the thread ends. */
    @AfterEach
    void releaseABlockedReader() {
        if (fifo != null && Files.exists(fifo)) {
            Thread t = new Thread(() -> {
                try (FileOutputStream unblock = new FileOutputStream(fifo.toFile())) {
                    unblock.flush();
                } catch (Exception ignored) {
                    // nobody was blocked
                }
            });
            t.setDaemon(true);
            t.start();
        }
    }
}
