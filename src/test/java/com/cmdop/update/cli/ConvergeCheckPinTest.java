package com.cmdop.update.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.cmdop.update.support.Cli;
import com.cmdop.update.support.Sandbox;
import com.cmdop.update.support.TestFeed;
import com.cmdop.update.support.Trees;
import java.io.IOException;
import java.util.Map;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #13.4: {@code converge --check} asks the signed feed, read-only, for a pin it would install, so a pin the
 * feed does not have fails in check mode as the real run does; and it writes nothing (SPEC section 5).
 */
class ConvergeCheckPinTest {
    @TempDir
    Path root;

    @TempDir
    Path feedDir;

    private final Cli cli = new Cli();
    private Sandbox machine;

    @BeforeEach
    void installedFromASignedFeed() throws IOException {
        machine = new Sandbox(root, cli);
        TestFeed feed = new TestFeed(feedDir).twoReleasesStableAtTheFirst();
        machine.writeConfig(feed.configRestartingNothing("stable"));
        assertThat(machine.run().exit()).isZero();
    }

    @Test
    void aPinTheFeedDoesNotHaveFailsInCheckModeWithTheRealRunsExitAndWritesNothing() {
        Map<String, String> before = Trees.snapshot(root);
        Cli.Result check = machine.runWithStdin("pin: v9.9.9\n", "converge", "--state", "-", "--check");
        assertThat(check.exit()).as(check.toString()).isEqualTo(65);
        assertThat(check.json().path("error").path("code").asText()).isEqualTo("VERSION_NOT_FOUND");
        assertThat(Trees.snapshot(root)).isEqualTo(before);

        Cli.Result real = machine.runWithStdin("pin: v9.9.9\n", "converge", "--state", "-");
        assertThat(real.exit()).isEqualTo(check.exit());
        assertThat(real.json().path("error").path("code").asText()).isEqualTo("VERSION_NOT_FOUND");
    }

    @Test
    void aPinTheFeedHasIsPlannedAndNothingIsWrittenNotEvenTheFeedsCacheOrSequences() {
        Map<String, String> before = Trees.snapshot(root);
        Cli.Result check = machine.runWithStdin("pin: v1.1.0\n", "converge", "--state", "-", "--check");
        assertThat(check.exit()).as(check.toString()).isZero();
        assertThat(check.json().path("changed").asBoolean()).isTrue();
        assertThat(check.json().path("drift").findValuesAsText("setting")).contains("version");
        assertThat(Trees.snapshot(root)).isEqualTo(before);
    }

    @Test
    void offlineComparesThePinWithTheInstalledVersionOnly() {
        Cli.Result check = machine.runWithStdin("pin: v9.9.9\n", "converge", "--state", "-", "--check", "--offline");
        assertThat(check.exit()).as(check.toString()).isZero();
        assertThat(check.json().path("drift").findValuesAsText("setting")).contains("version");
    }
}
