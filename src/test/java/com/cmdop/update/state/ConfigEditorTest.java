package com.cmdop.update.state;

import com.cmdop.update.model.Channel;
import com.cmdop.update.model.Setting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.cmdop.update.model.error.ErrorCode;
import com.cmdop.update.model.error.UpdateException;
import com.cmdop.update.model.Version;
import com.cmdop.update.model.MaintenanceWindow;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigEditorTest {
    private static final String KEY_A = "RWQf6LRCGA9i53mlYecO4IzT51TGPpvWucNSCh1CBM0QTaLn73Y7GFO3";
    private static final String KEY_B = "RWQhjNB8gjlNDQYRsRiGEzKTtGwzkcFLRMiSEy+texbTAVMvsgFLLfSr";

    private static final String RICH = """
            # CMDOP agent configuration
            agent:
              name: web-01   # the agent's own settings
              tags: [a, b]

            update:
              # which channel to follow
              channel: stable            # stable | beta | nightly
              auto: false
              trusted_keys:
                - %s   # release key
              service:
                restart: [systemctl, restart, cmdop-agent]

            # trailing comment
            logging:
              level: info
            """.formatted(KEY_A);

    private static Map<Setting<?>, Object> change(Setting<?> k, Object v) {
        Map<Setting<?>, Object> m = new LinkedHashMap<>();
        m.put(k, v);
        return m;
    }

    @Test
    void changingAValueKeepsEveryOtherLineAndTheTrailingCommentColumn() {
        String out = ConfigEditor.apply(RICH, change(Setting.CHANNEL, Channel.BETA), "c.yaml");
        assertThat(out).isEqualTo(RICH.replace("  channel: stable            # stable",
                "  channel: beta              # stable"));
    }

    @Test
    void aNewKeyIsAddedAtTheEndOfTheUpdateSectionInItsIndentation() {
        String out = ConfigEditor.apply(RICH, change(Setting.INTERVAL, Duration.ofHours(12)), "c.yaml");
        assertThat(out).isEqualTo(RICH.replace("    restart: [systemctl, restart, cmdop-agent]\n",
                "    restart: [systemctl, restart, cmdop-agent]\n  interval: 12h\n"));
    }

    @Test
    void replacingAListKeepsTheCommentOfAnItemThatStays() {
        String out = ConfigEditor.apply(RICH, change(Setting.TRUSTED_KEYS, List.of(KEY_B, KEY_A)), "c.yaml");
        assertThat(out).contains("  trusted_keys:\n    - " + KEY_B + "\n    - " + KEY_A + "   # release key\n");
        assertThat(ConfigReader.parse(out, "c").trustedKeys()).containsExactly(KEY_B, KEY_A);
        assertThat(out).contains("# trailing comment\nlogging:\n  level: info\n");
    }

    @Test
    void aMissingFileGetsAMinimalUpdateSection() {
        Map<Setting<?>, Object> changes = change(Setting.CHANNEL, Channel.NIGHTLY);
        changes.put(Setting.AUTO, true);
        assertThat(ConfigEditor.apply("", changes, "c.yaml")).isEqualTo("update:\n  auto: true\n  channel: nightly\n");
    }

    @Test
    void aFileWithoutAnUpdateSectionGetsOneAppendedAndKeepsTheRest() {
        String agentOnly = "agent:\n  name: x # keep\n";
        assertThat(ConfigEditor.apply(agentOnly, change(Setting.PIN, Version.parse("1.2.3")), "c.yaml"))
                .isEqualTo("agent:\n  name: x # keep\n\nupdate:\n  pin: v1.2.3\n");
    }

    @Test
    void valuesThatYamlWouldMisreadAreQuoted() {
        String out = ConfigEditor.apply("update:\n  channel: stable\n",
                change(Setting.WINDOW, MaintenanceWindow.parse("Mon-Fri 02:00-05:00")), "c.yaml");
        assertThat(out).contains("  window: \"Mon-Fri 02:00-05:00\"\n");
        assertThat(ConfigEditor.scalar("on")).isEqualTo("\"on\"");
        assertThat(ConfigEditor.scalar("1.5")).isEqualTo("\"1.5\"");
        assertThat(ConfigEditor.scalar("https://releases.example.com/cmdop")).isEqualTo("https://releases.example.com/cmdop");
    }

    @Test
    void unpinningWritesNullAndKeepsTheComment() {
        String out = ConfigEditor.apply("update:\n  pin: v1.2.3   # pinned for the freeze\n",
                change(Setting.PIN, null), "c.yaml");
        assertThat(out).isEqualTo("update:\n  pin: null     # pinned for the freeze\n");
    }

    @Test
    void windowsLineEndingsArePreserved() {
        String out = ConfigEditor.apply("update:\r\n  channel: stable\r\n", change(Setting.CHANNEL, Channel.BETA),
                "c.yaml");
        assertThat(out).isEqualTo("update:\r\n  channel: beta\r\n");
    }

    @Test
    void aFourSpaceIndentIsFollowed() {
        String out = ConfigEditor.apply("update:\n    channel: stable\n", change(Setting.AUTO, true), "c.yaml");
        assertThat(out).isEqualTo("update:\n    channel: stable\n    auto: true\n");
    }

    @Test
    void aFlowStyleUpdateSectionIsRefusedInsteadOfReformatted() {
        assertThatThrownBy(() -> ConfigEditor.apply("update: {channel: stable}\n", change(Setting.AUTO, true),
                "c.yaml")).isInstanceOf(UpdateException.class)
                .satisfies(e -> assertThat(((UpdateException) e).code()).isEqualTo(ErrorCode.INVALID_CONFIG))
                .hasMessageContaining("flow style");
    }

    @Test
    void aKeyOfTheSameNameInTheAgentsSectionIsLeftAlone() {
        String text = "agent:\n  channel: internal\nupdate:\n  channel: stable\n";
        assertThat(ConfigEditor.apply(text, change(Setting.CHANNEL, Channel.BETA), "c.yaml"))
                .isEqualTo("agent:\n  channel: internal\nupdate:\n  channel: beta\n");
    }
}
