package com.cmdop.update.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.cmdop.update.model.Channel;
import com.cmdop.update.support.Cli;
import com.cmdop.update.support.TestFeed;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #9, defect 3: with config.yaml at 0666 another user set {@code service.restart}, and root's next
 * update ran it. A config that others may write is refused before anything in it is used.
 */
class UnsafeConfigTest {
    @TempDir
    Path root;

    @TempDir
    Path feedDir;

    private Path config;
    private Path planted;
    private final Cli cli = new Cli();

    @BeforeEach
    void aWorldWritableConfigWithAPlantedRestartCommand() throws IOException {
        TestFeed feed = new TestFeed(feedDir);
        feed.release("v1.0.0", "#!/bin/sh\necho cmdop v1.0.0\n".getBytes(StandardCharsets.UTF_8));
        feed.point(Channel.STABLE, "v1.0.0");
        planted = root.resolve("planted-command-ran");
        config = Files.createDirectories(root.resolve("etc/cmdop")).resolve("config.yaml");
        Files.writeString(config, feed.config("stable") + "  service:\n    restart: [touch, " + planted + "]\n");
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-rw-rw-"));
    }

    @Test
    void anUpdateRefusesAWorldWritableConfigAndNeverRunsItsRestartCommand() throws IOException {
        String before = Files.readString(config);

        Cli.Result r = cli.run("--root", root.toString(), "--json");

        assertThat(r.exit()).as(r.toString()).isEqualTo(77);
        assertThat(r.json().get("error").get("code").asText()).isEqualTo("UNSAFE_DIRECTORY");
        assertThat(r.json().get("error").get("message").asText()).contains(config.toString()).contains("0666")
                .contains("chmod go-w");
        assertThat(planted).doesNotExist();
        assertThat(root.resolve("usr/local/bin/cmdop")).doesNotExist();
        assertThat(config).hasContent(before);
    }

    @Test
    void aSettingsChangeRefusesItToo() {
        Cli.Result r = cli.run("--root", root.toString(), "--json", "--channel", "beta");

        assertThat(r.exit()).as(r.toString()).isEqualTo(77);
        assertThat(r.json().get("error").get("code").asText()).isEqualTo("UNSAFE_DIRECTORY");
    }

    @Test
    void afterChmodGoWTheSameConfigIsUsed() throws IOException {
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-r--r--"));

        Cli.Result r = cli.run("--root", root.toString(), "--json", "--check");

        assertThat(r.exit()).as(r.toString()).isZero();
    }
}
