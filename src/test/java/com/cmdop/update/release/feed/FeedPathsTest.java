package com.cmdop.update.release.feed;

import static com.cmdop.update.release.feed.FeedTestSupport.failureOf;
import static org.assertj.core.api.Assertions.assertThat;

import com.cmdop.update.model.error.ErrorCode;
import com.cmdop.update.model.error.IntegrityException;
import com.cmdop.update.model.error.UpdateException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class FeedPathsTest {

    @ParameterizedTest
    @ValueSource(strings = {
        "channels/stable.json",
        "channels/stable.json.minisig",
        "releases/v1.2.3/release.json",
        "releases/v1.3.0-beta.2/SHA256SUMS",
        "releases/v1.2.3+build.5/cmdop_v1.2.3+build.5_linux_amd64",
        "file",
        "...",
        "..a",
        "a..",
    })
    void pathsOfBareNamesAreAccepted(String path) {
        assertThat(FeedPaths.segments(path)).containsExactly(path.split("/"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {
        "",
        "..",
        ".",
        "../../x",
        "../channels/stable.json",
        "a/../b",
        "a/./b",
        "./a",
        "a/..",
        "/etc/passwd",
        "//evil/x",
        "a//b",
        "a/",
        "x\\y",
        "..\\..\\x",
        "https://evil/x",
        "file:///etc/passwd",
        "C:x",
        "%2e%2e",
        "a/%2e%2e/b",
        "%2F",
        "a\u0000b",
        "a\nb",
        "a\rb",
        "a\tb",
        "a\u007fb",
        "a\u0085b",
    })
    void pathsThatAreNotMadeOfBareNamesAreRefusedWithBadPath(String path) {
        UpdateException e = failureOf(() -> FeedPaths.segments(path));

        assertThat(e).isInstanceOf(IntegrityException.class);
        assertThat(e.code()).isEqualTo(ErrorCode.BAD_PATH);
        assertThat(e.exitCode()).isEqualTo(80);
        assertThat(e.details()).containsEntry("path", path);
        assertThat(e.getMessage()).startsWith("refusing feed path").doesNotContain("\n", "\u0000");
    }

    @Test
    void nullPathIsRefusedWithBadPath() {
        assertThat(failureOf(() -> FeedPaths.segments(null)).code()).isEqualTo(ErrorCode.BAD_PATH);
    }

    @Test
    void overlongSegmentsAndPathsAreRefused() {
        assertThat(failureOf(() -> FeedPaths.segments("a".repeat(256))).code()).isEqualTo(ErrorCode.BAD_PATH);
        assertThat(FeedPaths.segments("a".repeat(255))).hasSize(1);
        String longPath = ("a".repeat(200) + "/").repeat(6) + "x";
        assertThat(failureOf(() -> FeedPaths.segments(longPath)).getMessage()).contains("longer than");
    }

    @Test
    void bareNameCheckNamesTheManifestField() {
        assertThat(FeedPaths.requireBareName("artifacts[0].file", "cmdop_v1.2.3_linux_amd64"))
                .isEqualTo("cmdop_v1.2.3_linux_amd64");

        UpdateException e = failureOf(() -> FeedPaths.requireBareName("artifacts[0].file", "../../bin/sh"));

        assertThat(e.code()).isEqualTo(ErrorCode.BAD_PATH);
        assertThat(e.details()).containsEntry("field", "artifacts[0].file").containsEntry("path", "../../bin/sh");
        assertThat(e.getMessage()).startsWith("artifacts[0].file: ");
    }

    @ParameterizedTest
    @CsvSource({
        "release.json, release.json",
        "v1.2.3+build.5, v1.2.3%2Bbuild.5",
        "'a b?#&=', a%20b%3F%23%26%3D",
        "caf\u00e9, caf%C3%A9",
        "x~y_z-1.2, x~y_z-1.2",
    })
    void segmentsArePercentEncodedForUrls(String segment, String encoded) {
        assertThat(FeedPaths.encodeSegment(segment)).isEqualTo(encoded);
    }

    @Test
    void hostileTextIsQuotedSafelyInMessages() {
        assertThat(FeedPaths.quote("a\nb\u0000")).isEqualTo("'a\\u000ab\\u0000'");
        assertThat(FeedPaths.quote("x".repeat(500))).hasSize(205);
    }
}
