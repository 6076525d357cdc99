package com.cmdop.update.release.feed;


import static com.cmdop.update.release.feed.FeedTestSupport.RELAXED;
import static com.cmdop.update.release.feed.FeedTestSupport.failureOf;
import static com.cmdop.update.release.feed.FeedTestSupport.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.cmdop.update.model.error.ErrorCode;
import com.cmdop.update.model.error.UpdateException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValidatorCacheTest {
    static final FeedLocation FEED = FeedLocation.parse("https://releases.example.com/cmdop");
    static final String CHANNEL = "channels/stable.json";
    static final Validators VALIDATORS = new Validators("\"abc123\"", "Wed, 21 Oct 2026 07:28:00 GMT");

    @TempDir
    Path dataDir;

    ValidatorCache cache() {
        return new ValidatorCache(dataDir.resolve("feed-cache"));
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void storedBytesAndValidatorsAreReadBack() {
        cache().store(FEED, CHANNEL, bytes("v1"), VALIDATORS);

        ValidatorCache.Entry entry = cache().read(FEED, CHANNEL).orElseThrow();

        assertThat(entry.bytes()).isEqualTo(bytes("v1"));
        assertThat(entry.validators()).isEqualTo(VALIDATORS);
    }

    @Test
    void anEmptyCacheHasNoEntry() {
        assertThat(cache().read(FEED, CHANNEL)).isEmpty();
    }

    @Test
    void validatorsMayBeMissing() {
        cache().store(FEED, CHANNEL, bytes("v1"), new Validators(null, "Wed, 21 Oct 2026 07:28:00 GMT"));

        assertThat(cache().read(FEED, CHANNEL).orElseThrow().validators().etag()).isNull();
    }

    @Test
    void aNewerStoreReplacesTheEntryAndLeavesNoTemporaryFiles() throws IOException {
        cache().store(FEED, CHANNEL, bytes("v1"), VALIDATORS);
        cache().store(FEED, CHANNEL, bytes("v2"), new Validators("\"def\"", null));

        assertThat(cache().read(FEED, CHANNEL).orElseThrow().bytes()).isEqualTo(bytes("v2"));
        assertThat(files()).hasSize(1);
    }

    @Test
    void entriesAreKeptPerFeedAndPath() {
        FeedLocation other = FeedLocation.parse("https://mirror.example.net/cmdop");
        cache().store(FEED, CHANNEL, bytes("a"), VALIDATORS);
        cache().store(other, CHANNEL, bytes("b"), VALIDATORS);
        cache().store(FEED, "channels/beta.json", bytes("c"), VALIDATORS);

        assertThat(cache().read(FEED, CHANNEL).orElseThrow().bytes()).isEqualTo(bytes("a"));
        assertThat(cache().read(other, CHANNEL).orElseThrow().bytes()).isEqualTo(bytes("b"));
        assertThat(cache().read(FEED, "channels/beta.json").orElseThrow().bytes()).isEqualTo(bytes("c"));
    }

    @Test
    void fileNamesAreSha256HashesNotUrls() throws IOException {
        cache().store(FEED, CHANNEL, bytes("v1"), VALIDATORS);

        List<String> names = files();

        assertThat(names).singleElement().satisfies(name -> assertThat(name).matches("[0-9a-f]{64}\\.entry"));
        assertThat(names.get(0)).isEqualTo(ValidatorCache.fileName(FEED.cacheKey() + "\n" + CHANNEL));
    }

    @Test
    void theCacheDirectoryIsCreatedPrivate() throws IOException {
        cache().store(FEED, CHANNEL, bytes("v1"), VALIDATORS);

        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dataDir.resolve("feed-cache")))).isEqualTo("rwx------");
    }

    @Test
    void aCorruptEntryIsTreatedAsMissing() throws IOException {
        cache().store(FEED, CHANNEL, bytes("v1 with some length"), VALIDATORS);
        Path file = cache().fileFor(FEED, CHANNEL);
        byte[] raw = Files.readAllBytes(file);
        raw[raw.length / 2] ^= 0x01;
        Files.write(file, raw);

        assertThat(cache().read(FEED, CHANNEL)).isEmpty();
    }

    @Test
    void aTruncatedEntryIsTreatedAsMissing() throws IOException {
        cache().store(FEED, CHANNEL, bytes("v1 with some length"), VALIDATORS);
        Path file = cache().fileFor(FEED, CHANNEL);
        byte[] raw = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(raw, raw.length - 5));

        assertThat(cache().read(FEED, CHANNEL)).isEmpty();
    }

    @Test
    void anEntryRenamedToAnotherKeyIsNotServedForIt() throws IOException {
        cache().store(FEED, CHANNEL, bytes("stable"), VALIDATORS);
        Files.createDirectories(cache().fileFor(FEED, "channels/beta.json").getParent());
        Files.copy(cache().fileFor(FEED, CHANNEL), cache().fileFor(FEED, "channels/beta.json"));

        assertThat(cache().read(FEED, "channels/beta.json")).isEmpty();
    }

    @Test
    void removeForgetsAnEntry() {
        cache().store(FEED, CHANNEL, bytes("v1"), VALIDATORS);

        cache().remove(FEED, CHANNEL);
        cache().remove(FEED, CHANNEL);

        assertThat(cache().read(FEED, CHANNEL)).isEmpty();
    }

    @Test
    void badPathsAreRefusedAsKeysToo() {
        assertThat(failureOf(() -> cache().store(FEED, "../x", bytes("v1"), VALIDATORS)).code())
                .isEqualTo(ErrorCode.BAD_PATH);
    }

    @Test
    void bytesLargerThanTheCacheHoldsAreAProgrammingError() {
        assertThatThrownBy(() -> cache().store(FEED, CHANNEL, new byte[ValidatorCache.MAX_ENTRY_BYTES + 1], VALIDATORS))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anUnwritableCacheDirectoryIsAnIoErrorNamingTheFile() throws IOException {
        Files.writeString(dataDir.resolve("feed-cache"), "not a directory");

        UpdateException e = failureOf(() -> cache().store(FEED, CHANNEL, bytes("v1"), VALIDATORS));

        assertThat(e.code()).isEqualTo(ErrorCode.IO_ERROR);
        assertThat(e.exitCode()).isEqualTo(74);
        assertThat(e.getMessage()).contains("feed-cache", "update.data_dir");
        assertThat(cache().read(FEED, CHANNEL)).isEmpty();
    }

    @Test
    void notModifiedResponseIsAnsweredFromTheCache() {
        byte[] manifest = bytes("{\"sequence\":7}");
        write(dataDir.resolve("feed"), CHANNEL, manifest);
        try (FaultyFeedServer server = FaultyFeedServer.serving(dataDir.resolve("feed"));
                FeedClient client = FeedClient.open(FeedLocation.parse(server.baseUri().toString()), RELAXED, Map.of())) {
            ValidatorCache cache = cache();
            // first check: cold cache, unconditional; the caller stores after its signature check
            Validators cold = cache.read(client.location(), CHANNEL).map(ValidatorCache.Entry::validators)
                    .orElse(Validators.NONE);
            FetchResult first = client.fetch(CHANNEL, FeedLimits.MANIFEST_MAX_BYTES, cold);
            cache.store(client.location(), CHANNEL, first.bytes(), first.validators());

            // second check: conditional, 304, bytes from the cache
            ValidatorCache.Entry entry = cache.read(client.location(), CHANNEL).orElseThrow();
            FetchResult second = client.fetch(CHANNEL, FeedLimits.MANIFEST_MAX_BYTES, entry.validators());

            assertThat(cold).isEqualTo(Validators.NONE);
            assertThat(second.isNotModified()).isTrue();
            assertThat(entry.bytes()).isEqualTo(manifest);
            assertThat(server.requests().get(1).header("If-None-Match")).isEqualTo(first.validators().etag());
        }
    }

    private List<String> files() throws IOException {
        try (Stream<Path> s = Files.list(dataDir.resolve("feed-cache"))) {
            return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }
}
