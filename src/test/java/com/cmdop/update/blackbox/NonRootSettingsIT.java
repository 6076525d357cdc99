package com.cmdop.update.blackbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #8 point 3, as reported: a user who may write config.yaml but not the scheduler directory runs
 * {@code --auto on}. The run is refused (77) before it writes anything: config.yaml must not say
 * {@code auto: true} while the report says nothing changed. Runs the jar as uid 65534 when the tests run
 * as root (root writes anywhere).
 */
class NonRootSettingsIT {
    private static final String CONFIG = "update:\n  channel: stable   # production\n";

    @TempDir
    Path root;

    @Test
    void autoOnThatCannotWriteTheSchedulerEntryChangesNothing() throws Exception {
        Path config = root.resolve("etc/cmdop/config.yaml");
        Files.createDirectories(config.getParent());
        Files.writeString(config, CONFIG);
        Files.createDirectories(root.resolve("etc/cron.d"));
        List<String> prefix = new ArrayList<>();
        // the user owns config.yaml, the data and the log directory; the scheduler directory is root's
        Files.createDirectories(root.resolve("var/lib/cmdop/update"));
        Files.createDirectories(root.resolve("var/log/cmdop"));
        if ("root".equals(System.getProperty("user.name"))) {
            for (String dir : List.of("etc/cmdop", "var/lib/cmdop/update", "var/log/cmdop")) {
                exec("chown", "-R", "65534:65534", root.resolve(dir).toString());
            }
            for (Path p = root; p != null && p.getParent() != null; p = p.getParent()) {
                exec("chmod", "o+rx", p.toString());
            }
            prefix.addAll(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"));
        } else {
            root.resolve("etc/cron.d").toFile().setWritable(false);
        }

        JarProcess.Result r = JarProcess.run(prefix, "", Map.of(), "--root", root.toString(), "--json", "--auto", "on",
                "--interval", "12h");

        assertThat(r.exit()).as(r.toString()).isEqualTo(77);
        assertThat(r.json().path("error").path("code").asText()).isEqualTo("PERMISSION_DENIED");
        assertThat(r.json().path("error").path("message").asText()).contains("cron.d").contains("nothing was changed");
        assertThat(r.json().path("changed").asBoolean()).isFalse();
        assertThat(config).hasContent(CONFIG);
        assertThat(root.resolve("etc/cron.d/cmdop-update")).doesNotExist();
    }

    private static void exec(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).inheritIO().start();
        assertThat(p.waitFor()).as(String.join(" ", cmd)).isZero();
    }
}
