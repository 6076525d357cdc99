package com.cmdop.update.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import com.cmdop.update.model.error.ErrorCode;
import com.cmdop.update.model.error.IntegrityException;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class Sha256Test {
    private static final byte[] ABC = "abc".getBytes(StandardCharsets.US_ASCII);
    /** FIPS 180-2, appendix B.1. */
    private static final String ABC_SHA256 = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    @Test
    void hexIsTheStandardDigestInLowercase() {
        assertThat(Sha256.hex(ABC)).isEqualTo(ABC_SHA256);
    }

    @Test
    void measuringAStreamGivesItsDigestAndLength() throws Exception {
        Sha256.Measurement m = Sha256.measure(new ByteArrayInputStream(ABC), 3, "abc");

        assertThat(m.hex()).isEqualTo(ABC_SHA256);
        assertThat(m.length()).isEqualTo(3);
        assertThat(m.matches(ABC_SHA256)).isTrue();
        assertThat(m.matches(ABC_SHA256.toUpperCase())).isTrue();
        assertThat(m.digest()).isEqualTo(Sha256.digest(ABC));
    }

    @Test
    void streamLongerThanTheCapIsRefusedAsLengthExceeded() {
        assertThatExceptionOfType(IntegrityException.class)
                .isThrownBy(() -> Sha256.measure(new ByteArrayInputStream(ABC), 2, "cmdop_v1_linux-amd64"))
                .satisfies(e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.LENGTH_EXCEEDED);
                    assertThat(e.getMessage()).startsWith("cmdop_v1_linux-amd64: more than the allowed 2 bytes");
                    assertThat(e.details()).containsEntry("max_bytes", 2L);
                });
    }

    @Test
    void digestThatDiffersIsRefusedAsHashMismatch() throws Exception {
        Sha256.Measurement m = Sha256.measure(new ByteArrayInputStream("abd".getBytes(StandardCharsets.US_ASCII)),
                10, "artifact");

        assertThatExceptionOfType(IntegrityException.class)
                .isThrownBy(() -> Sha256.requireMatch(ABC_SHA256, m, "artifact"))
                .satisfies(e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.HASH_MISMATCH);
                    assertThat(e.details()).containsEntry("expected_sha256", ABC_SHA256)
                            .containsEntry("actual_sha256", m.hex());
                });
    }

    @Test
    void matchingDigestPasses() throws Exception {
        Sha256.requireMatch(ABC_SHA256, Sha256.measure(new ByteArrayInputStream(ABC), 3, "x"), "x");
    }

    @Test
    void malformedExpectedDigestNeverMatches() throws Exception {
        Sha256.Measurement m = Sha256.measure(new ByteArrayInputStream(ABC), 3, "x");

        assertThat(m.matches(ABC_SHA256.substring(1))).isFalse();
        assertThat(m.matches("z" + ABC_SHA256.substring(1))).isFalse();
        assertThat(m.matches(null)).isFalse();
        assertThatExceptionOfType(IllegalArgumentException.class).isThrownBy(() -> Sha256.parseHex("abc"));
        assertThat(Sha256.equal(Sha256.parseHex(ABC_SHA256), m.digest())).isTrue();
    }
}
