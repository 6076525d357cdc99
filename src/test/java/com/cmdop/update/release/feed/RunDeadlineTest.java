package com.cmdop.update.release.feed;

import static com.cmdop.update.release.feed.FeedTestSupport.HANG_GUARD;
import static com.cmdop.update.release.feed.FeedTestSupport.failureOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.cmdop.update.model.error.ErrorCode;
import com.cmdop.update.model.error.UpdateException;
import com.cmdop.update.release.feed.FaultyFeedServer.Fault;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #9, defect 8: every request had its own idle and total timeouts, but nothing bounded a run, so a
 * feed that stalled each file just under its limits kept an install going for the sum of all of them. One
 * client serves one run, and {@link FeedTimeouts#run()} is the budget all its requests share.
 */
class RunDeadlineTest {
    private static final String FIRST = "channels/stable.json";
    private static final String SECOND = "channels/stable.json.minisig";

    @TempDir
    Path feedDir;

    private FaultyFeedServer server;

    @BeforeEach
    void aFeedWhoseFilesNeverAnswer() throws IOException {
        Files.createDirectories(feedDir.resolve("channels"));
        Files.writeString(feedDir.resolve(FIRST), "{}");
        Files.writeString(feedDir.resolve(SECOND), "sig");
        server = FaultyFeedServer.serving(feedDir);
        server.fault(FIRST, Fault.neverAnswer());
        server.fault(SECOND, Fault.neverAnswer());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void aRequestStartedAfterTheRunsBudgetIsMostlySpentEndsWithTheRunTimeoutNotItsOwn() {
        // each request alone would wait its idle timeout (1 s) within its own total (60 s); the first one
        // spends at least that 1 s of the run's 1.5 s, so less than the idle timeout is left for the second
        FeedTimeouts timeouts = new FeedTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofSeconds(60),
                Duration.ofSeconds(60), Long.MAX_VALUE).withRun(Duration.ofMillis(1500));
        try (HttpFeedClient client = HttpFeedClientTest.clientFor(server.baseUri().toString(), timeouts)) {
            UpdateException first = assertTimeoutPreemptively(HANG_GUARD,
                    () -> failureOf(() -> client.fetch(FIRST, FeedLimits.MANIFEST_MAX_BYTES, Validators.NONE)));
            assertThat(first.details()).containsEntry("timeout", "idle");

            UpdateException second = assertTimeoutPreemptively(HANG_GUARD,
                    () -> failureOf(() -> client.fetch(SECOND, FeedLimits.SIGNATURE_MAX_BYTES, Validators.NONE)));

            assertThat(second.code()).isEqualTo(ErrorCode.FEED_UNAVAILABLE);
            assertThat(second.details()).containsEntry("timeout", "run");
            assertThat(second.getMessage()).contains("run timeout").contains(SECOND);
        }
    }

    @Test
    void aRunWhoseBudgetIsSpentMakesNoMoreRequests() {
        FeedTimeouts timeouts = new FeedTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofSeconds(60),
                Duration.ofSeconds(60), Long.MAX_VALUE).withRun(Duration.ofMillis(500));
        try (HttpFeedClient client = HttpFeedClientTest.clientFor(server.baseUri().toString(), timeouts)) {
            assertTimeoutPreemptively(HANG_GUARD,
                    () -> failureOf(() -> client.fetch(FIRST, FeedLimits.MANIFEST_MAX_BYTES, Validators.NONE)));
            int requests = server.requests().size();

            UpdateException late = assertTimeoutPreemptively(HANG_GUARD,
                    () -> failureOf(() -> client.fetch(SECOND, FeedLimits.SIGNATURE_MAX_BYTES, Validators.NONE)));

            assertThat(late.details()).containsEntry("timeout", "run");
            assertThat(server.requests()).hasSize(requests);
        }
    }

    @Test
    void aSlowFileThatIsWithinItsOwnTotalIsStillCutByTheRunsBudget() {
        server.fault(FIRST, Fault.slow(Duration.ofMillis(400))); // 2 bytes: 0.8 s, never idle for 1 s
        FeedTimeouts timeouts = new FeedTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofSeconds(60),
                Duration.ofSeconds(60), Long.MAX_VALUE).withRun(Duration.ofMillis(300));
        try (HttpFeedClient client = HttpFeedClientTest.clientFor(server.baseUri().toString(), timeouts)) {
            UpdateException e = assertTimeoutPreemptively(HANG_GUARD,
                    () -> failureOf(() -> client.fetch(FIRST, FeedLimits.MANIFEST_MAX_BYTES, Validators.NONE)));

            assertThat(e.details()).containsEntry("timeout", "run");
        }
    }

    @Test
    void theDefaultRunBudgetCoversTheLongestSingleArtifactTransfer() {
        FeedTimeouts d = FeedTimeouts.DEFAULTS;
        // a 50 MiB agent is allowed about 18 min; the run's default budget must not cut that
        assertThat(d.run()).isGreaterThan(d.artifactTotal(50L * 1024 * 1024).plus(d.manifestTotal()));
    }
}
