package com.cmdop.update.release.feed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.cmdop.update.model.error.UpdateException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** Small helpers shared by the feed tests. */
final class FeedTestSupport {
    /**
     * Short timeouts, for the tests that expect a timeout: they fail in well under a second. Only
     * those tests use them; a loaded build machine may only make such a timeout fire later.
     */
    static final FeedTimeouts FAST = new FeedTimeouts(
            Duration.ofSeconds(2), Duration.ofMillis(300), Duration.ofSeconds(3), Duration.ofSeconds(3), Long.MAX_VALUE);

    /**
     * Timeouts for every other test: long enough that a cold JVM on a busy machine never hits them,
     * so a test that expects success or another error cannot turn into a timeout.
     */
    static final FeedTimeouts RELAXED = new FeedTimeouts(
            Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(15), Duration.ofSeconds(15), Long.MAX_VALUE);

    /** A generous bound for assertTimeoutPreemptively: a safety net against hangs, not a timing check. */
    static final Duration HANG_GUARD = Duration.ofSeconds(20);

    private FeedTestSupport() {}

    static UpdateException failureOf(ThrowingCallable call) {
        Throwable t = catchThrowable(call);
        assertThat(t).as("expected a typed UpdateException").isInstanceOf(UpdateException.class);
        return (UpdateException) t;
    }

    static byte[] randomBytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    static Path write(Path root, String relativePath, byte[] content) {
        try {
            Path file = root.resolve(relativePath);
            Files.createDirectories(file.getParent());
            return Files.write(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
