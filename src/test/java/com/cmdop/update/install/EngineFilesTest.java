package com.cmdop.update.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.cmdop.update.model.error.ErrorCode;
import com.cmdop.update.model.error.UpdateException;
import com.cmdop.update.model.Version;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The engine's own files: journal, quarantine, cache entries, and the version probe's parser. */
class EngineFilesTest {
    private static final String SHA_A = "a".repeat(64);
    private static final String SHA_B = "b".repeat(64);

    @TempDir
    Path dir;

    @Test
    void aJournalRoundTrips() {
        Journal j = new Journal(Journal.INSTALL, Journal.Phase.SWAPPED, Instant.parse("2026-11-27T10:00:00Z"),
                new Journal.Binary("v1.2.3", SHA_A, false, "v1.2.3"), new Journal.Binary("v1.2.4", SHA_B, true, null),
                "KEY");
        j.save(dir.resolve("journal.json"));

        assertThat(Journal.load(dir.resolve("journal.json"))).isEqualTo(j);
        Journal.clear(dir.resolve("journal.json"));
        assertThat(Journal.load(dir.resolve("journal.json"))).isNull();
    }

    @Test
    void aJournalChangedByHandIsReportedNotGuessed() throws IOException {
        Files.writeString(dir.resolve("journal.json"), "{\"op\": \"install\"}");

        UpdateException e = catchThrowableOfType(UpdateException.class, () -> Journal.load(dir.resolve("journal.json")));

        assertThat(e.code()).isEqualTo(ErrorCode.IO_ERROR);
        assertThat(e.getMessage()).contains("move it aside");
    }

    @Test
    void quarantineAddsListsAndClearsUpToAVersion() {
        Quarantine q = Quarantine.load(dir);
        Instant t = Instant.parse("2026-11-27T10:00:00Z");
        q.add("v1.2.4", "failed its health check", t);
        q.add("v1.3.0-beta.1", "rolled back from", t);
        q.add("unknown", "ignored", t);

        Quarantine again = Quarantine.load(dir);
        assertThat(again.isQuarantined(Version.parse("1.2.4"))).isTrue();
        assertThat(again.list()).extracting(e -> e.version().toString()).containsExactly("v1.2.4", "v1.3.0-beta.1");
        assertThat(again.clearOlderThanOrEqual(Version.parse("v1.2.9"))).containsExactly(Version.parse("v1.2.4"));
        assertThat(Quarantine.load(dir).list()).extracting(Quarantine.Entry::reason).containsExactly("rolled back from");
    }

    @Test
    void aCacheEntryIsCompleteOnlyWithItsMarkerAndCollidingNamesGetTheHash() throws IOException {
        Path src = dir.resolve("cmdop");
        Files.writeString(src, "binary one");
        String sha = com.cmdop.update.trust.Sha256.hex("binary one".getBytes());
        BinaryCache cache = new BinaryCache(dir.resolve("versions"));

        cache.store("v1.2.3", src, sha, com.cmdop.update.state.StateFile.load(dir.resolve("state.json")));

        assertThat(cache.isComplete("v1.2.3", sha)).isTrue();
        assertThat(cache.binary("v1.2.3")).hasContent("binary one");
        assertThat(dir.resolve("versions/v1.2.3/cmdop.sha256")).hasContent(sha + "  cmdop");
        assertThat(cache.nameFor("v1.2.3", sha, Set.of("v1.2.3"))).isEqualTo("v1.2.3");
        assertThat(cache.nameFor("v1.2.3", SHA_B, Set.of("v1.2.3"))).isEqualTo("v1.2.3-" + SHA_B.substring(0, 12));
        assertThat(cache.nameFor("dev build", SHA_B, Set.of())).isEqualTo("unknown");

        Files.delete(dir.resolve("versions/v1.2.3/cmdop.sha256"));
        assertThat(cache.isComplete("v1.2.3", sha)).isFalse();
    }

    @Test
    void aSourceThatChangesWhileCachedIsRefused() throws IOException {
        Path src = dir.resolve("cmdop");
        Files.writeString(src, "binary one");
        BinaryCache cache = new BinaryCache(dir.resolve("versions"));

        UpdateException e = catchThrowableOfType(UpdateException.class, () -> cache.store("v1.2.3", src, SHA_A,
                com.cmdop.update.state.StateFile.load(dir.resolve("state.json"))));

        assertThat(e.code()).isEqualTo(ErrorCode.IO_ERROR);
        assertThat(e.getMessage()).contains("changed while it was being copied");
        assertThat(cache.isComplete("v1.2.3", SHA_A)).isFalse();
    }

    @Test
    void theVersionIsTheFirstVPlusSemVerTokenOfTheOutput() {
        assertThat(Adoption.parseVersion("cmdop v1.2.3 (linux/amd64, go1.21.0)\n")).isEqualTo("v1.2.3");
        assertThat(Adoption.parseVersion("cmdop version 1.3.0-beta.2+build.5")).isEqualTo("v1.3.0-beta.2+build.5");
        assertThat(Adoption.parseVersion("built with go1.21.0")).isEqualTo("unknown");
        assertThat(Adoption.parseVersion("cmdop development build")).isEqualTo("unknown");
        assertThat(Adoption.parseVersion("")).isEqualTo("unknown");
    }
}
