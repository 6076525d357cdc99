package com.cmdop.update.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import com.cmdop.update.model.error.ErrorCode;
import com.cmdop.update.model.error.IntegrityException;
import com.cmdop.update.model.error.InvalidInputException;
import com.cmdop.update.release.manifest.Sha256Sums;
import com.cmdop.update.release.manifest.Sha256Sums.Entry;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link Sha256Sums}: the format sha256sum writes, parsed strictly (the tests of the real sha256sum are in FeedRoundTripTest). */
class Sha256SumsTest {
    private static final String A = "a".repeat(64);
    private static final String B = "0123456789abcdef".repeat(4);

    private static Sha256Sums parse(String text) {
        return Sha256Sums.parse(text.getBytes(StandardCharsets.UTF_8), "SHA256SUMS");
    }

    @Test
    void writesSortedLinesWithTwoSpacesAsSha256sumDoes() {
        Sha256Sums sums = Sha256Sums.of(List.of(new Entry("cmdop_v1_linux_arm64", B), new Entry("cmdop_v1_linux_amd64", A)));

        assertThat(new String(sums.toBytes(), StandardCharsets.UTF_8))
                .isEqualTo(A + "  cmdop_v1_linux_amd64\n" + B + "  cmdop_v1_linux_arm64\n");
    }

    @Test
    void whatIsWrittenParsesBackToTheSameEntries() {
        Sha256Sums sums = Sha256Sums.of(List.of(new Entry("b", B), new Entry("a", A)));

        Sha256Sums back = Sha256Sums.parse(sums.toBytes(), "x");

        assertThat(back).isEqualTo(sums);
        assertThat(new String(back.toBytes(), StandardCharsets.UTF_8).lines()).containsExactly(A + "  a", B + "  b");
    }

    @Test
    void binaryModeUppercaseHexAndAMissingLastNewlineAreAccepted() {
        Sha256Sums sums = parse(A.toUpperCase() + " *cmdop_v1.2.3_linux_amd64\n" + B + "  cmdop_v1.2.3+build.7_linux_arm64");

        assertThat(sums.lookup("cmdop_v1.2.3_linux_amd64")).contains(A);
        assertThat(sums.lookup("cmdop_v1.2.3+build.7_linux_arm64")).contains(B);
        assertThat(sums.lookup("cmdop")).isEmpty();
    }

    @Test
    void aRenamedBinaryIsFoundByItsDigest() {
        Sha256Sums sums = parse(A + "  one\n" + B + "  two\n");

        assertThat(sums.namesWithSha256(B.toUpperCase())).containsExactly("two");
        assertThat(sums.namesWithSha256("f".repeat(64))).isEmpty();
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @CsvSource(delimiter = '|', value = {
        "''|is empty",
        "AAA  x\\n|line 1 is not '<64 hex digits>  <file name>'",
        "HEX x\\n|line 1 is not '<64 hex digits>  <file name>'",
        "HEX  x\\n\\nHEX  y\\n|line 2 is blank",
        "# comment\\nHEX  x\\n|line 1 is not",
        "HEX  x\\r\\n|CR characters",
        "SHA256 (x) = HEX\\n|line 1 is not",
        "\\\\HEX  x\\n|line 1 is not",
        "HEX  x\\nHEX  x\\n|line 2 x is listed twice",
        "gggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggg  x\\n|line 1 is not",
    })
    void malformedFilesAreRefusedAsInvalidInput(String text, String message) {
        String content = text.replace("HEX", A).replace("\\n", "\n").replace("\\r", "\r").replace("\\\\", "\\");
        assertThatExceptionOfType(InvalidInputException.class).isThrownBy(() -> parse(content))
                .satisfies(e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT))
                .withMessageStartingWith("SHA256SUMS").withMessageContaining(message);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource({"../etc/passwd", "dir/cmdop", "/usr/bin/cmdop", "..", ".", "name with space", "tab\tname",
        "' x'"})
    void namesThatAreNotBareAreRefusedAsBadPath(String name) {
        assertThatExceptionOfType(IntegrityException.class).isThrownBy(() -> parse(A + "  " + name + "\n"))
                .satisfies(e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_PATH))
                .withMessageContaining("not a bare file name");
    }

    @Test
    void sizeAndLineCountAreCapped() {
        String line = A + "  f";
        StringBuilder many = new StringBuilder();
        for (int i = 0; i <= Sha256Sums.MAX_ENTRIES; i++) {
            many.append(line).append(i).append('\n');
        }
        assertThatExceptionOfType(InvalidInputException.class).isThrownBy(() -> parse(many.toString()))
                .withMessageContaining("more than " + Sha256Sums.MAX_ENTRIES + " lines");
        byte[] huge = new byte[Sha256Sums.MAX_BYTES + 1];
        assertThatExceptionOfType(InvalidInputException.class).isThrownBy(() -> Sha256Sums.parse(huge, "big"))
                .withMessageContaining("larger than");
    }

    @Test
    void invalidUtf8IsRefused() {
        byte[] bytes = (A + "  x\n").getBytes(StandardCharsets.US_ASCII);
        bytes[bytes.length - 2] = (byte) 0xff;
        assertThatExceptionOfType(InvalidInputException.class).isThrownBy(() -> Sha256Sums.parse(bytes, "s"))
                .withMessageContaining("not UTF-8");
    }

    @Test
    void theWriterRefusesWhatItCouldNotReadBack() {
        assertThatIllegalArgumentException().isThrownBy(() -> Sha256Sums.of(List.of()));
        assertThatIllegalArgumentException().isThrownBy(() -> Sha256Sums.of(List.of(new Entry("a/b", A))));
        assertThatIllegalArgumentException().isThrownBy(() -> Sha256Sums.of(List.of(new Entry("a", A.toUpperCase()))));
        assertThatIllegalArgumentException().isThrownBy(() -> Sha256Sums.of(List.of(new Entry("a", A), new Entry("a", B))));
    }
}
