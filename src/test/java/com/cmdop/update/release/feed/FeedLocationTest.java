package com.cmdop.update.release.feed;

import static com.cmdop.update.release.feed.FeedTestSupport.failureOf;
import static com.cmdop.update.release.feed.FeedTestSupport.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.cmdop.update.model.error.ErrorCode;
import com.cmdop.update.model.error.IntegrityException;
import com.cmdop.update.model.error.InvalidInputException;
import com.cmdop.update.model.error.UpdateException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class FeedLocationTest {

    // --- parsing -------------------------------------------------------------------------------

    @ParameterizedTest
    @CsvSource({
        "https://releases.example.com/cmdop, https://releases.example.com/cmdop/",
        "https://releases.example.com/cmdop/, https://releases.example.com/cmdop/",
        "https://Releases.Example.COM:443/cmdop, https://releases.example.com/cmdop/",
        "https://releases.example.com, https://releases.example.com/",
        "https://releases.example.com:8443/a/b, https://releases.example.com:8443/a/b/",
        "HTTPS://releases.example.com/x, https://releases.example.com/x/",
        "'  https://releases.example.com/x  ', https://releases.example.com/x/",
    })
    void httpsUrlsAreNormalisedToABaseWithATrailingSlash(String value, String base) {
        FeedLocation feed = FeedLocation.parse(value);

        assertThat(feed.kind()).isEqualTo(FeedLocation.Kind.HTTP);
        assertThat(feed.resolveUri("channels/stable.json")).hasToString(base + "channels/stable.json");
        assertThat(feed.isLoopbackHttp()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "http://127.0.0.1:8080/feed",
        "http://127.5.6.7/",
        "http://[::1]:8080/feed",
        "http://localhost/feed",
        "http://LOCALHOST:9000",
    })
    void plainHttpIsAcceptedForLoopbackHosts(String value) {
        FeedLocation feed = FeedLocation.parse(value);

        assertThat(feed.kind()).isEqualTo(FeedLocation.Kind.HTTP);
        assertThat(feed.isLoopbackHttp()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "http://releases.example.com/cmdop",
        "http://10.0.0.1/feed",
        "http://128.0.0.1/",
        "http://127.1/",
        "http://localhost.evil.com/",
        "http://127.0.0.1.nip.io/",
        "http://[::2]/",
        "http://0.0.0.0/",
    })
    void plainHttpToANonLoopbackHostIsRefusedAtParseTime(String value) {
        UpdateException e = failureOf(() -> FeedLocation.parse(value));

        assertThat(e).isInstanceOf(InvalidInputException.class);
        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CONFIG);
        assertThat(e.exitCode()).isEqualTo(65);
        assertThat(e.details()).containsEntry("field", "update.feed");
        assertThat(e.getMessage()).contains("update.feed", "remote feeds must be https://");
    }

    @ParameterizedTest
    @CsvSource({
        "'', is empty",
        "'   ', is empty",
        "ftp://releases.example.com/cmdop, unsupported scheme 'ftp'",
        "s3://bucket/cmdop, unsupported scheme 's3'",
        "https://user:secret@releases.example.com/, credentials",
        "https://releases.example.com/cmdop?x=1, query or fragment",
        "https://releases.example.com/cmdop#frag, query or fragment",
        "https:///cmdop, no host",
        "https:releases.example.com, no host",
        "https://releases.example.com/a/../../b, '..'",
        "file://fileserver/srv/feed, must be local",
        "file:feed, not a valid file URL",
        "https://exa mple.com/, not a valid URL",
    })
    void invalidFeedValuesAreRefusedNamingTheConfigKey(String value, String problem) {
        UpdateException e = failureOf(() -> FeedLocation.parse(value));

        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CONFIG);
        assertThat(e.getMessage()).startsWith("update.feed: ").contains(problem);
    }

    @Test
    void nullFeedIsRefusedSayingWhatToSet() {
        assertThat(failureOf(() -> FeedLocation.parse(null)).getMessage())
                .contains("update.feed", "https://", "file://", "directory");
    }

    @Test
    void credentialsInTheFeedUrlAreNotEchoedBack() {
        assertThat(failureOf(() -> FeedLocation.parse("https://user:secret@releases.example.com/")).getMessage())
                .contains("credentials");
    }

    @ParameterizedTest
    @CsvSource({
        "file:///srv/cmdop-feed, /srv/cmdop-feed",
        "file://localhost/srv/cmdop-feed, /srv/cmdop-feed",
        "file:/srv/cmdop-feed, /srv/cmdop-feed",
        "file:///srv/cmdop%20feed, /srv/cmdop feed",
        "/srv/cmdop-feed, /srv/cmdop-feed",
        "feeds/local, feeds/local",
        "./feed, ./feed",
        "../shared/feed, ../shared/feed",
    })
    void fileUrlsAndDirectoriesAreUsedAsGivenAndNotReRooted(String value, String directory) {
        FeedLocation feed = FeedLocation.parse(value);

        assertThat(feed.kind()).isEqualTo(FeedLocation.Kind.DIRECTORY);
        assertThat(feed.directory()).isEqualTo(Path.of(directory));
    }

    @Test
    void accessorsOfTheOtherKindAreProgrammingErrors() {
        assertThatThrownBy(() -> FeedLocation.parse("/srv/feed").resolveUri("channels/stable.json")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> FeedLocation.parse("https://x.example/").directory())
                .isInstanceOf(IllegalStateException.class);
    }

    // --- resolving URLs ------------------------------------------------------------------------

    @Test
    void relativePathsResolveUnderTheBaseUrlWithEncodedSegments() {
        FeedLocation feed = FeedLocation.parse("https://releases.example.com/cmdop");

        assertThat(feed.resolveUri("channels/stable.json"))
                .hasToString("https://releases.example.com/cmdop/channels/stable.json");
        assertThat(feed.resolveUri("releases/v1.2.3+b.5/cmdop_v1.2.3+b.5_linux_amd64"))
                .hasToString("https://releases.example.com/cmdop/releases/v1.2.3%2Bb.5/cmdop_v1.2.3%2Bb.5_linux_amd64");
    }

    @ParameterizedTest
    @ValueSource(strings = {"../../x", "/etc/passwd", "https://evil/x", "a/../b", "..", "x\\y", "%2e%2e", "//evil.com/x"})
    void relativePathsThatEscapeTheFeedAreRefusedWhenResolvingUrls(String path) {
        FeedLocation feed = FeedLocation.parse("https://releases.example.com/cmdop");

        UpdateException e = failureOf(() -> feed.resolveUri(path));

        assertThat(e).isInstanceOf(IntegrityException.class);
        assertThat(e.code()).isEqualTo(ErrorCode.BAD_PATH);
    }

    @Test
    void equivalentSpellingsOfAFeedShareACacheKey() {
        assertThat(FeedLocation.parse("https://Releases.example.com:443/cmdop").cacheKey())
                .isEqualTo(FeedLocation.parse("https://releases.example.com/cmdop/").cacheKey());
        assertThat(FeedLocation.parse("https://releases.example.com/a").cacheKey())
                .isNotEqualTo(FeedLocation.parse("https://releases.example.com/b").cacheKey());
        assertThat(FeedLocation.parse("/srv/feed").cacheKey()).isEqualTo("dir:/srv/feed");
    }

    // --- resolving files -----------------------------------------------------------------------

    @Test
    void filesInsideTheFeedDirectoryResolveToTheirRealPath(@TempDir Path dir) throws IOException {
        Path file = write(dir, "channels/stable.json", new byte[] {1});

        assertThat(FeedLocation.parse(dir.toString()).resolvePath("channels/stable.json"))
                .isEqualTo(file.toRealPath());
    }

    @Test
    void aFeedDirectoryThatIsItselfASymlinkIsFollowed(@TempDir Path dir) throws IOException {
        Path real = dir.resolve("real");
        Path file = write(real, "channels/stable.json", new byte[] {1});
        Path link = Files.createSymbolicLink(dir.resolve("feed"), real);

        assertThat(FeedLocation.parse(link.toString()).resolvePath("channels/stable.json"))
                .isEqualTo(file.toRealPath());
    }

    @Test
    void symlinksThatStayInsideTheFeedAreFollowed(@TempDir Path dir) throws IOException {
        Path target = write(dir, "releases/v1.2.3/release.json", new byte[] {1});
        Files.createDirectories(dir.resolve("channels"));
        Files.createSymbolicLink(dir.resolve("channels/stable.json"), Path.of("../releases/v1.2.3/release.json"));

        assertThat(FeedLocation.parse(dir.toString()).resolvePath("channels/stable.json"))
                .isEqualTo(target.toRealPath());
    }

    @Test
    void aSymlinkedFileThatEscapesTheFeedDirectoryIsRefused(@TempDir Path dir) throws IOException {
        Path feedDir = Files.createDirectories(dir.resolve("feed/channels"));
        Path secret = write(dir, "secret.txt", new byte[] {1});
        Files.createSymbolicLink(feedDir.resolve("stable.json"), secret);

        UpdateException e = failureOf(() -> FeedLocation.parse(dir.resolve("feed").toString())
                .resolvePath("channels/stable.json"));

        assertThat(e).isInstanceOf(IntegrityException.class);
        assertThat(e.code()).isEqualTo(ErrorCode.BAD_PATH);
        assertThat(e.getMessage()).contains("outside the feed directory", secret.toRealPath().toString());
    }

    @Test
    void aSymlinkedDirectoryThatEscapesTheFeedDirectoryIsRefused(@TempDir Path dir) throws IOException {
        Path outside = Files.createDirectories(dir.resolve("outside/v1.2.3"));
        write(outside, "release.json", new byte[] {1});
        Path feedDir = Files.createDirectories(dir.resolve("feed"));
        Files.createSymbolicLink(feedDir.resolve("releases"), dir.resolve("outside"));

        UpdateException e = failureOf(() -> FeedLocation.parse(feedDir.toString())
                .resolvePath("releases/v1.2.3/release.json"));

        assertThat(e.code()).isEqualTo(ErrorCode.BAD_PATH);
    }

    @Test
    void aMissingFileIsFeedUnavailableNamingThePath(@TempDir Path dir) {
        UpdateException e = failureOf(() -> FeedLocation.parse(dir.toString()).resolvePath("channels/beta.json"));

        assertThat(e.code()).isEqualTo(ErrorCode.FEED_UNAVAILABLE);
        assertThat(e.getMessage()).contains("channels/beta.json", "not found", "update.feed");
    }

    @Test
    void aMissingFeedDirectoryIsFeedUnavailableNamingTheConfigKey(@TempDir Path dir) {
        Path missing = dir.resolve("no-such-feed");

        UpdateException e = failureOf(() -> FeedLocation.parse(missing.toString()).resolvePath("channels/beta.json"));

        assertThat(e.code()).isEqualTo(ErrorCode.FEED_UNAVAILABLE);
        assertThat(e.getMessage()).contains(missing.toString(), "does not exist", "update.feed");
    }

    // --- loopback detection --------------------------------------------------------------------

    @ParameterizedTest
    @CsvSource({
        "127.0.0.1, true",
        "127.255.255.254, true",
        "localhost, true",
        "localhost., true",
        "::1, true",
        "[::1], true",
        "0:0:0:0:0:0:0:1, true",
        "::ffff:127.0.0.1, true",
        "127.1, false",
        "127.0.0.256, false",
        "0177.0.0.1, false",
        "0x7f.0.0.1, false",
        "127.0.0.1.evil.com, false",
        "localhost.evil.com, false",
        "::2, false",
        "::, false",
        "::ffff:10.0.0.1, false",
        "fe80::1%lo, false",
        "1:2:3:4:5:6:7:8:9, false",
        "1::2::3, false",
        "10.0.0.1, false",
        "'', false",
    })
    void loopbackIsDecidedFromTheHostTextAlone(String host, boolean loopback) {
        assertThat(Loopback.isLoopbackHost(host)).isEqualTo(loopback);
    }
}
