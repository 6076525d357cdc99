package com.cmdop.update.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.cmdop.update.model.Channel;
import com.cmdop.update.support.Cli;
import com.cmdop.update.support.Sandbox;
import com.cmdop.update.support.TestFeed;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Found by the fault suite (issue #9): someone who may write the parent of the data or log directory (a
 * careless 0777 on /var/lib/cmdop or /var/log) replaces that directory with a link to a directory of
 * root's. The run then created its lock file in the data directory's target before it refused the link,
 * and appended agent.log and audit.jsonl in the log directory's target. Neither directory is now written
 * through such a link.
 */
class PlantedDirectoryLinkTest {
    @TempDir
    Path root;

    @TempDir
    Path feedDir;

    @TempDir
    Path rootsOwn; // a directory of root's elsewhere, mode 0700, that the link points at

    private Sandbox machine;

    @BeforeEach
    void aMachineAndAFeed() throws Exception {
        TestFeed feed = new TestFeed(feedDir);
        feed.release("v1.0.0", "#!/bin/sh\necho cmdop v1.0.0\n".getBytes(StandardCharsets.UTF_8));
        feed.point(Channel.STABLE, "v1.0.0");
        machine = new Sandbox(root, new Cli());
        machine.writeConfig(feed.configRestartingNothing("stable"));
        Files.setPosixFilePermissions(rootsOwn, PosixFilePermissions.fromString("rwx------"));
    }

    private void plantLink(String dir) throws Exception {
        Path link = root.resolve(dir);
        Files.createDirectories(link.getParent());
        Files.setPosixFilePermissions(link.getParent(), PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.createSymbolicLink(link, rootsOwn);
    }

    private long entriesIn(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.count();
        }
    }

    @Test
    void aLinkedDataDirectoryIsRefusedBeforeTheLockFileIsCreatedInItsTarget() throws Exception {
        plantLink("var/lib/cmdop/update");

        Cli.Result r = machine.run();

        assertThat(r.exit()).as(r.toString()).isEqualTo(77);
        assertThat(entriesIn(rootsOwn)).as("files created in the link's target").isZero();
    }

    /**
     * Found by the fault suite after converge began reading advisories (issue #10.3): a converge (and a
     * {@code --check}) that changes nothing takes no lock, and wrote the verified feed's cache and sequences
     * into the linked data directory's target.
     */
    @Test
    void aRunThatTakesNoLockDoesNotWriteTheFeedCacheThroughALinkedDataDirectory() throws Exception {
        plantLink("var/lib/cmdop/update");

        Cli.Result converge = machine.runWithStdin("channel: stable\n", "converge", "--state", "-");
        Cli.Result check = machine.run("--check");

        assertThat(entriesIn(rootsOwn)).as("files created in the link's target").isZero();
        assertThat(converge.exit()).as(converge.toString()).isEqualTo(77);
        assertThat(check.exit()).as(check.toString()).isEqualTo(77);
    }

    @Test
    void aLinkedLogDirectoryInADirectoryOthersMayWriteIsNotWrittenThrough() throws Exception {
        plantLink("var/log/cmdop");

        Cli.Result r = machine.run();

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(entriesIn(rootsOwn)).as("files created in the link's target").isZero();
        assertThat(r.json().path("warnings").toString()).contains("symbolic link");
    }
}
