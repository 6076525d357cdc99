package com.cmdop.update.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.cmdop.update.model.Setting;
import com.cmdop.update.model.error.ErrorCode;
import com.cmdop.update.model.error.InvalidInputException;
import com.cmdop.update.state.ConfigReader;
import com.cmdop.update.state.Machine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Issue #9, defect 8: the restart command's time limit was a fixed 60 s; it is {@code service.restart_timeout}. */
class RestartTimeoutSettingTest {
    @TempDir
    Path root;

    private InstallEnv envWith(String config) throws IOException {
        Files.createDirectories(root.resolve("etc/cmdop"));
        Files.writeString(root.resolve("etc/cmdop/config.yaml"), config);
        return InstallEnv.of(Machine.open(root, null, "/root"), Map.of(), Clock.systemUTC(), null, null);
    }

    @Test
    void theInstallEngineGetsTheConfiguredRestartTimeout() throws IOException {
        InstallEnv env = envWith("update:\n  service:\n    restart_timeout: 5m\n");

        assertThat(env.restartTimeout()).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void withoutTheSettingTheRestartTimeoutIsSixtySeconds() throws IOException {
        assertThat(envWith("update:\n  channel: stable\n").restartTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(Setting.byId("service.restart_timeout")).isSameAs(Setting.RESTART_TIMEOUT);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0s", "11m", "1h", "soon", "-5s"})
    void aRestartTimeoutOutsideOneSecondToTenMinutesIsInvalidConfig(String value) {
        assertThatThrownBy(() -> ConfigReader.parse("update:\n  service:\n    restart_timeout: " + value + "\n", "c.yaml"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("service.restart_timeout")
                .extracting(e -> ((InvalidInputException) e).code()).isEqualTo(ErrorCode.INVALID_CONFIG);
    }
}
