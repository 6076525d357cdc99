package com.cmdop.update.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.cmdop.update.model.Channel;
import com.cmdop.update.support.Cli;
import com.cmdop.update.support.Sandbox;
import com.cmdop.update.support.TestFeed;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What docs/SECURITY.md says is not defended, and how to recover: a thief of the publisher's key signs a
 * channel manifest with a huge sequence; machines that see it refuse every honest manifest after it as a
 * rollback attack, so updates stop. The documented recovery (a new key, the feed re-signed with it, the new
 * key pushed to the machines, trust.json deleted) makes them update again, and the stolen key's manifests
 * are then refused.
 */
class FastForwardRecoveryTest {
    private static final byte[] V1 = "#!/bin/sh\necho cmdop v1.0.0\n".getBytes(StandardCharsets.UTF_8);
    private static final byte[] V2 = "#!/bin/sh\necho cmdop v1.1.0\n".getBytes(StandardCharsets.UTF_8);
    private static final String NO_RESTART = "  service:\n    restart: []\n";

    @TempDir
    Path root;

    @TempDir
    Path feedDir;

    private TestFeed stolen; // the publisher's key, now also in the attacker's hands
    private Sandbox machine;

    @BeforeEach
    void aMachineOnVersionOne() {
        stolen = new TestFeed(feedDir);
        stolen.release("v1.0.0", V1);
        stolen.point(Channel.STABLE, "v1.0.0", 1, Cli.NOW.plus(Duration.ofDays(30)));
        machine = new Sandbox(root, new Cli());
        machine.writeConfig(stolen.config("stable") + NO_RESTART);
        assertThat(machine.run().exit()).isZero();
    }

    @Test
    void aFastForwardedSequenceLocksOutUpdatesUntilTheDocumentedRecovery() throws Exception {
        // the attacker signs sequence 1000 with the stolen key; the machine accepts and records it
        stolen.point(Channel.STABLE, "v1.0.0", 1_000_000, Cli.NOW.plus(Duration.ofDays(30)));
        assertThat(machine.run().exit()).isZero();

        // the honest publisher's next manifest (sequence 2) is now refused: updates are locked out
        stolen.release("v1.1.0", V2);
        stolen.point(Channel.STABLE, "v1.1.0", 2, Cli.NOW.plus(Duration.ofDays(30)));
        Cli.Result locked = machine.run();
        assertThat(locked.exit()).as(locked.toString()).isEqualTo(80);
        assertThat(locked.json().path("error").path("code").asText()).isEqualTo("ROLLBACK_ATTACK");
        assertThat(Files.readAllBytes(machine.agent())).isEqualTo(V1);

        // recovery: 1. a new key; 2. the feed re-signed with it (releases and channel)
        TestFeed rotated = new TestFeed(feedDir);
        rotated.release("v1.0.0", V1);
        rotated.release("v1.1.0", V2);
        rotated.point(Channel.STABLE, "v1.1.0", 1, Cli.NOW.plus(Duration.ofDays(30)));
        // 3. the new key pushed to the machine (here with converge, as a fleet would); 4. trust.json deleted
        Cli.Result pushed = machine.runWithStdin("trusted_keys: [" + rotated.publicKey() + "]\n", "converge",
                "--state", "-", "--offline");
        assertThat(pushed.exit()).as(pushed.toString()).isZero();
        Files.delete(root.resolve("var/lib/cmdop/update/trust.json"));

        Cli.Result updated = machine.run();
        assertThat(updated.exit()).as(updated.toString()).isZero();
        assertThat(Files.readAllBytes(machine.agent())).isEqualTo(V2);

        // and whatever the thief signs next is refused: the stolen key is no longer trusted
        stolen.point(Channel.STABLE, "v1.0.0", 2_000_000, Cli.NOW.plus(Duration.ofDays(30)));
        Cli.Result refused = machine.run();
        assertThat(refused.exit()).as(refused.toString()).isEqualTo(80);
        assertThat(refused.json().path("error").path("code").asText()).isEqualTo("UNKNOWN_KEY");
        assertThat(Files.readAllBytes(machine.agent())).isEqualTo(V2);
    }
}
