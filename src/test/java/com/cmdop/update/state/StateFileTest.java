package com.cmdop.update.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.cmdop.update.model.Version;
import com.cmdop.update.model.error.ErrorCode;
import com.cmdop.update.model.error.UpdateException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateFileTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant T = Instant.parse("2026-11-27T10:00:00Z");

    /** state.json as the tool wrote it before it had a schema number, plus a field of some newer tool. */
    private static final String UNVERSIONED = """
            {"installed_version": "v1.2.4", "installed_sha256": "aa", "installed_signed": true,
             "installed_at": "2026-11-27T09:00:00Z",
             "previous": {"version": "v1.2.3", "sha256": "bb", "signed": true, "cache": "v1.2.3",
                          "replaced_at": "2026-11-27T09:00:00Z", "expires": "2026-12-04T09:00:00Z"},
             "last_check": {"time": "2026-11-27T08:00:00Z", "result": "ok"},
             "last_change": {"time": "2026-11-27T09:00:00Z", "actor": "converge", "actions": ["install", "set-pin"]},
             "future_field": {"kept": [1, 2, 3]}}
            """;

    @TempDir
    Path dataDir;

    private Path file() {
        return dataDir.resolve("state.json");
    }

    private JsonNode onDisk() throws IOException {
        return JSON.readTree(file().toFile());
    }

    @Test
    void theFileNameIsStateJsonInTheDataDirectory() {
        assertThat(StateFile.in(dataDir)).isEqualTo(dataDir.resolve("state.json"));
    }

    @Test
    void aMissingFileIsAnEmptyStateAndNothingIsWrittenByReading() {
        StateFile s = StateFile.ofDataDir(dataDir);
        assertThat(s.installed()).isNull();
        assertThat(s.previous()).isNull();
        assertThat(s.lastCheck()).isNull();
        assertThat(s.lastChange()).isNull();
        assertThat(s.installedVersion()).isNull();
        assertThat(file()).doesNotExist();
    }

    @Test
    void todaysUnversionedLayoutIsReadTypedAndMigratedToSchema1KeepingEveryField() throws IOException {
        Files.writeString(file(), UNVERSIONED);

        StateFile s = StateFile.load(file());

        assertThat(s.schema()).isEqualTo(StateFile.SCHEMA);
        assertThat(s.installed()).isEqualTo(new StateFile.Installed("v1.2.4", "aa", true,
                Instant.parse("2026-11-27T09:00:00Z")));
        assertThat(s.installedVersion()).isEqualTo(Version.parse("v1.2.4"));
        assertThat(s.previous()).isEqualTo(new StateFile.Previous("v1.2.3", "bb", true, "v1.2.3",
                Instant.parse("2026-11-27T09:00:00Z"), Instant.parse("2026-12-04T09:00:00Z")));
        assertThat(s.lastCheck()).isEqualTo(new StateFile.LastCheck(Instant.parse("2026-11-27T08:00:00Z"), "ok", null));
        assertThat(s.lastChange()).isEqualTo(new StateFile.LastChange(Instant.parse("2026-11-27T09:00:00Z"), "converge",
                List.of("install", "set-pin")));

        s.save();
        JsonNode saved = onDisk();
        assertThat(saved.fieldNames().next()).isEqualTo("schema");
        assertThat(saved.get("schema").asInt()).isEqualTo(1);
        assertThat(saved.get("future_field")).isEqualTo(JSON.readTree("{\"kept\": [1, 2, 3]}"));
        assertThat(saved.get("installed_sha256").asText()).isEqualTo("aa");
        assertThat(saved.get("previous").get("cache").asText()).isEqualTo("v1.2.3");
        assertThat(saved.get("last_change").get("actions")).hasSize(2);
    }

    @Test
    void aNewerSchemaIsReadForWhatIsKnownAndKeptAsItIs() throws IOException {
        Files.writeString(file(), "{\"schema\": 7, \"installed_version\": \"v2.0.0\", \"installed_sha256\": \"cc\", "
                + "\"new_thing\": true}");

        StateFile s = StateFile.load(file());
        s.recordCheck(T, "ok", null);
        s.save();

        assertThat(s.installed().version()).isEqualTo("v2.0.0");
        assertThat(onDisk().get("schema").asInt()).isEqualTo(7);
        assertThat(onDisk().get("new_thing").asBoolean()).isTrue();
    }

    @Test
    void fieldsOfTheWrongTypeReadAsAbsentAndAnUnreadableExpiryAsExpired() throws IOException {
        Files.writeString(file(), "{\"installed_version\": \"v1.2.4\", \"installed_sha256\": {\"x\": 1}, "
                + "\"previous\": {\"sha256\": \"bb\", \"cache\": \"v1.2.3\", \"expires\": \"next tuesday\"}, "
                + "\"last_check\": {\"time\": 42, \"result\": \"ok\"}, \"last_change\": [1]}");

        StateFile s = StateFile.load(file());

        assertThat(s.installed()).isNull();
        assertThat(s.previous().expires()).isEqualTo(Instant.EPOCH);
        assertThat(s.previous().version()).isEqualTo(StateFile.UNKNOWN);
        assertThat(s.lastCheck()).isNull();
        assertThat(s.lastCheckTime()).isNull();
        assertThat(s.lastChange()).isNull();
    }

    @Test
    void aFileThatIsNotAJsonObjectIsAnErrorNotSilentlyReplaced() throws IOException {
        Files.writeString(file(), "[\"not\", \"an\", \"object\"]");

        UpdateException e = catchThrowableOfType(UpdateException.class, () -> StateFile.load(file()));

        assertThat(e.code()).isEqualTo(ErrorCode.IO_ERROR);
        assertThat(e.getMessage()).contains("move it aside");
    }

    @Test
    void writesUseTodaysFieldNames() throws IOException {
        StateFile s = StateFile.load(file());
        s.setInstalled("v1.2.4", "aa", true, T.plusMillis(900));
        s.setPrevious(new StateFile.Previous("v1.2.3", "bb", false, "v1.2.3", T, T.plusSeconds(7 * 86400)));
        s.recordCheck(T, "failed", "FEED_UNAVAILABLE");
        s.recordChange(T, "cli", List.of("install"));
        s.save();

        JsonNode d = onDisk();
        assertThat(d.get("installed_version").asText()).isEqualTo("v1.2.4");
        assertThat(d.get("installed_signed").asBoolean()).isTrue();
        assertThat(d.get("installed_at").asText()).isEqualTo("2026-11-27T10:00:00Z");
        assertThat(d.get("previous").get("expires").asText()).isEqualTo("2026-12-04T10:00:00Z");
        assertThat(d.get("last_check").get("result").asText()).isEqualTo("failed");
        assertThat(d.get("last_check").get("error").asText()).isEqualTo("FEED_UNAVAILABLE");
        assertThat(d.get("last_change").get("actor").asText()).isEqualTo("cli");
        assertThat(StateFile.load(file()).lastCheck().errorCode()).isEqualTo("FEED_UNAVAILABLE");

        s.clearInstalled();
        s.setPrevious(null);
        s.save();
        assertThat(onDisk().has("installed_version")).isFalse();
        assertThat(onDisk().get("previous").isNull()).isTrue();
    }
}
