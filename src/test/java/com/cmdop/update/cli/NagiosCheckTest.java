package com.cmdop.update.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.cmdop.update.model.Advisory;
import com.cmdop.update.model.Channel;
import com.cmdop.update.model.Version;
import com.cmdop.update.support.Cli;
import com.cmdop.update.support.Sandbox;
import com.cmdop.update.support.TestFeed;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --check --format nagios} (issue #13 point 5): one line {@code SERVICE STATE - text | perfdata} and
 * the plugin exit codes 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.
 */
class NagiosCheckTest {
    @TempDir
    Path root;

    @TempDir
    Path feedDir;

    private TestFeed feed;
    private Sandbox machine;

    @BeforeEach
    void machineRunningV1() {
        feed = new TestFeed(feedDir);
        feed.release("v1.0.0", "#!/bin/sh\necho cmdop v1.0.0\n".getBytes(StandardCharsets.UTF_8));
        feed.point(Channel.STABLE, "v1.0.0");
        machine = new Sandbox(root, new Cli());
        machine.writeConfig(feed.configRestartingNothing("stable"));
        assertThat(machine.run().exit()).isZero();
    }

    private Cli.Result nagios() {
        return new Cli().run("--root", root.toString(), "--check", "--format", "nagios");
    }

    @Test
    void upToDateIsOkWithPerfdata() {
        Cli.Result r = nagios();
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).startsWith("CMDOP UPDATE OK - up to date: installed v1.0.0")
                .contains(" | update_available=0;;;0;1 advisories=0;;;0 advisories_severe=0;;;0").hasLineCount(1);
    }

    @Test
    void aWaitingUpdateIsAWarning() {
        feed.release("v1.1.0", "#!/bin/sh\necho cmdop v1.1.0\n".getBytes(StandardCharsets.UTF_8));
        feed.point(Channel.STABLE, "v1.1.0");
        Cli.Result r = nagios();
        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.out()).startsWith("CMDOP UPDATE WARNING - update waiting: v1.1.0").contains("update_available=1");
    }

    @Test
    void aHighAdvisoryAffectingThisMachineIsCritical() {
        feed.release("v1.1.0", "#!/bin/sh\necho cmdop v1.1.0\n".getBytes(StandardCharsets.UTF_8),
                new Advisory("CMDOP-2026-9", "high", "token | leak\u001b[2J", Version.parse("v1.1.0")));
        feed.point(Channel.STABLE, "v1.1.0");
        Cli.Result r = nagios();
        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(r.out()).startsWith("CMDOP UPDATE CRITICAL - ").contains("1 advisory (1 high or critical)")
                .contains("advisories_severe=1").hasLineCount(1);
    }

    @Test
    void aCheckThatCannotRunIsUnknown() {
        machine.writeConfig("update:\n  feed: " + root.resolve("gone") + "\n  trusted_keys:\n    - " + feed.publicKey()
                + "\n");
        Cli.Result r = nagios();
        assertThat(r.exit()).as(r.toString()).isEqualTo(3);
        assertThat(r.out()).startsWith("CMDOP UPDATE UNKNOWN - FEED_UNAVAILABLE: ").hasLineCount(1);
    }

    @Test
    void theFormatGoesWithCheckOnly() {
        assertThat(new Cli().run("--root", root.toString(), "--format", "nagios").exit()).isEqualTo(64);
        assertThat(new Cli().run("--root", root.toString(), "--check", "--format", "xml").exit()).isEqualTo(64);
    }
}
