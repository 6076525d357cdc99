package com.cmdop.update.release.feed;


import static com.cmdop.update.release.feed.FeedTestSupport.failureOf;
import static com.cmdop.update.release.feed.FeedTestSupport.randomBytes;
import static com.cmdop.update.release.feed.FeedTestSupport.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.cmdop.update.model.error.ErrorCode;
import com.cmdop.update.model.error.IntegrityException;
import com.cmdop.update.model.error.UpdateException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoryFeedClientTest {
    static final String CHANNEL = "channels/stable.json";
    static final String ARTIFACT = "releases/v1.2.3/cmdop_v1.2.3_linux_amd64";

    @TempDir
    Path dir;

    Path feedDir;
    DirectoryFeedClient client;
    byte[] manifest;
    byte[] artifact;

    @BeforeEach
    void createFeed() throws IOException {
        feedDir = Files.createDirectories(dir.resolve("feed"));
        manifest = "{\"schema\":1}\n".getBytes(StandardCharsets.UTF_8);
        artifact = randomBytes(200 * 1024, 1);
        write(feedDir, CHANNEL, manifest);
        write(feedDir, ARTIFACT, artifact);
        client = new DirectoryFeedClient(FeedLocation.parse(feedDir.toString()));
    }

    @Test
    void fetchReadsTheFileWithoutValidators() throws IOException {
        FetchResult result = client.fetch(CHANNEL, FeedLimits.MANIFEST_MAX_BYTES, Validators.NONE);

        assertThat(result.bytes()).isEqualTo(manifest);
        assertThat(result.validators().isEmpty()).isTrue();
        assertThat(result.source()).isEqualTo(feedDir.resolve(CHANNEL).toRealPath().toString());
    }

    @Test
    void fetchIgnoresValidatorsAndAlwaysReadsTheFile() {
        FetchResult result = client.fetch(CHANNEL, FeedLimits.MANIFEST_MAX_BYTES, new Validators("\"x\"", "yesterday"));

        assertThat(result.isNotModified()).isFalse();
        assertThat(result.bytes()).isEqualTo(manifest);
    }

    @Test
    void fileUrlFeedsAreReadLikeDirectories() {
        FeedClient viaUrl = FeedClient.open(FeedLocation.parse(feedDir.toUri().toString()), FeedTimeouts.DEFAULTS, Map.of());

        assertThat(viaUrl).isInstanceOf(DirectoryFeedClient.class);
        assertThat(viaUrl.fetch(CHANNEL, FeedLimits.MANIFEST_MAX_BYTES, Validators.NONE).bytes()).isEqualTo(manifest);
    }

    @Test
    void relativeDirectoryIsResolvedAgainstTheWorkingDirectoryAsGiven() {
        Path relative = Path.of("").toAbsolutePath().relativize(feedDir);
        assumeFalse(relative.isAbsolute());

        DirectoryFeedClient relativeClient = new DirectoryFeedClient(FeedLocation.parse(relative.toString()));

        assertThat(relativeClient.fetch(CHANNEL, FeedLimits.MANIFEST_MAX_BYTES, Validators.NONE).bytes())
                .isEqualTo(manifest);
    }

    @Test
    void fileOfExactlyTheCapIsAccepted() {
        byte[] full = randomBytes((int) FeedLimits.SIGNATURE_MAX_BYTES, 2);
        write(feedDir, "channels/stable.json.minisig", full);

        assertThat(client.fetch("channels/stable.json.minisig", FeedLimits.SIGNATURE_MAX_BYTES, Validators.NONE)
                .bytes()).isEqualTo(full);
    }

    @Test
    void fileOverTheCapIsRefusedFromItsSizeWithoutReadingIt() throws IOException {
        // sparse: 10 MiB on paper, nothing on disk
        try (RandomAccessFile f = new RandomAccessFile(feedDir.resolve(CHANNEL).toFile(), "rw")) {
            f.setLength(10L * 1024 * 1024);
        }

        UpdateException e = failureOf(() -> client.fetch(CHANNEL, FeedLimits.MANIFEST_MAX_BYTES, Validators.NONE));

        assertThat(e).isInstanceOf(IntegrityException.class);
        assertThat(e.code()).isEqualTo(ErrorCode.LENGTH_EXCEEDED);
        assertThat(e.exitCode()).isEqualTo(80);
        assertThat(e.details()).containsEntry("limit", FeedLimits.MANIFEST_MAX_BYTES);
        assertThat(e.getMessage()).contains("10485760 bytes", "65536");
    }

    @Test
    void missingChannelManifestIsFeedUnavailableWithAHint() {
        UpdateException e = failureOf(() -> client.fetch("channels/nightly.json", 1024, Validators.NONE));

        assertThat(e.code()).isEqualTo(ErrorCode.FEED_UNAVAILABLE);
        assertThat(e.details()).containsKey("path");
        assertThat(e.getMessage()).contains("channels/nightly.json", "update.feed", "channel");
    }

    @Test
    void missingFeedDirectoryIsFeedUnavailable() {
        DirectoryFeedClient missing = new DirectoryFeedClient(FeedLocation.parse(dir.resolve("nope").toString()));

        UpdateException e = failureOf(() -> missing.fetch(CHANNEL, 1024, Validators.NONE));

        assertThat(e.code()).isEqualTo(ErrorCode.FEED_UNAVAILABLE);
        assertThat(e.getMessage()).contains("does not exist", "update.feed");
    }

    @Test
    void aSymlinkEscapingTheFeedDirectoryIsRefused() throws IOException {
        Path secret = write(dir, "secret", "root:x:0:0".getBytes(StandardCharsets.UTF_8));
        Files.delete(feedDir.resolve(CHANNEL));
        Files.createSymbolicLink(feedDir.resolve(CHANNEL), secret);

        UpdateException e = failureOf(() -> client.fetch(CHANNEL, 1024, Validators.NONE));

        assertThat(e.code()).isEqualTo(ErrorCode.BAD_PATH);
        assertThat(e.exitCode()).isEqualTo(80);
    }

    @Test
    void parentSegmentsAreRefusedEvenWhenTheTargetExists() {
        write(dir, "secret", new byte[] {1});

        UpdateException e = failureOf(() -> client.fetch("../secret", 1024, Validators.NONE));

        assertThat(e.code()).isEqualTo(ErrorCode.BAD_PATH);
    }

    @Test
    void aDirectoryWhereAFileIsExpectedIsFeedUnavailable() {
        UpdateException e = failureOf(() -> client.fetch("releases/v1.2.3", 1024, Validators.NONE));

        assertThat(e.code()).isEqualTo(ErrorCode.FEED_UNAVAILABLE);
        assertThat(e.getMessage()).contains("not a regular file");
    }

    @Test
    void aFifoInTheFeedIsRefusedWithoutBlocking() throws Exception {
        Path fifo = feedDir.resolve("channels/beta.json");
        Process mkfifo;
        try {
            mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
        } catch (IOException e) {
            assumeTrue(false, "mkfifo is not available");
            return;
        }
        assumeTrue(mkfifo.waitFor(10, TimeUnit.SECONDS) && mkfifo.exitValue() == 0, "mkfifo failed");

        UpdateException e = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(FeedTestSupport.HANG_GUARD,
                () -> failureOf(() -> client.fetch("channels/beta.json", 1024, Validators.NONE)));

        assertThat(e.getMessage()).contains("not a regular file");
    }

    @Test
    void unreadableFileIsPermissionDenied() throws IOException {
        Path file = feedDir.resolve(CHANNEL);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("---------"));
        assumeFalse(Files.isReadable(file), "running as root: permissions are not enforced");

        UpdateException e = failureOf(() -> client.fetch(CHANNEL, 1024, Validators.NONE));

        assertThat(e.code()).isEqualTo(ErrorCode.PERMISSION_DENIED);
        assertThat(e.getMessage()).contains("permission denied");
    }

    @Test
    void artifactIsCopiedIntoTheSink() {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();

        client.fetchTo(ARTIFACT, artifact.length, sink);

        assertThat(sink.toByteArray()).isEqualTo(artifact);
    }

    @Test
    void artifactIsCopiedIntoANewFile() throws IOException {
        Path target = dir.resolve("cmdop.new");

        client.fetchTo(ARTIFACT, artifact.length, target);

        assertThat(Files.readAllBytes(target)).isEqualTo(artifact);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target))).isEqualTo("rw-------");
    }

    @Test
    void downloadingOverAnExistingFileIsRefused() throws IOException {
        Path target = Files.writeString(dir.resolve("cmdop.new"), "keep me");

        UpdateException e = failureOf(() -> client.fetchTo(ARTIFACT, artifact.length, target));

        assertThat(e.code()).isEqualTo(ErrorCode.IO_ERROR);
        assertThat(Files.readString(target)).isEqualTo("keep me");
    }

    @Test
    void artifactLongerThanItsSignedLengthIsRefusedBeforeCopying() {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();

        UpdateException e = failureOf(() -> client.fetchTo(ARTIFACT, artifact.length - 1, sink));

        assertThat(e.code()).isEqualTo(ErrorCode.LENGTH_EXCEEDED);
        assertThat(sink.size()).isZero();
    }

    @Test
    void artifactShorterThanItsSignedLengthIsTruncated() {
        Path target = dir.resolve("cmdop.new");

        UpdateException e = failureOf(() -> client.fetchTo(ARTIFACT, artifact.length + 10, target));

        assertThat(e.code()).isEqualTo(ErrorCode.FEED_UNAVAILABLE);
        assertThat(e.getMessage()).contains("truncated");
        assertThat(target).doesNotExist();
    }
}
