package com.cmdop.update.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import com.cmdop.update.model.error.ErrorCode;
import com.cmdop.update.model.error.InvalidInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class MinisignPublicKeyTest {
    private static final String PK_A_FILE = Vectors.text("pk-a.pub");
    private static final String PK_A_LINE = PK_A_FILE.split("\n")[1];

    @Test
    void base64LineAloneIsAPublicKey() {
        MinisignPublicKey key = MinisignPublicKey.parse(PK_A_LINE);

        assertThat(key.keyId()).isEqualTo(Vectors.PK_A_ID);
        assertThat(key.toBase64()).isEqualTo(PK_A_LINE);
    }

    @Test
    void wholePubFileIsAPublicKey() {
        assertThat(MinisignPublicKey.parse(PK_A_FILE)).isEqualTo(MinisignPublicKey.parse(PK_A_LINE));
    }

    @Test
    void keyIdComesFromTheKeyBytesNeverFromTheComment() {
        String lying = "untrusted comment: minisign public key " + Vectors.PK_B_ID + "\n" + PK_A_LINE + "\n";

        assertThat(MinisignPublicKey.parse(lying).keyId()).isEqualTo(Vectors.PK_A_ID);
    }

    @Test
    void surroundingWhitespaceAndCrlfFromAPastedValueAreIgnored() {
        assertThat(MinisignPublicKey.parse("  " + PK_A_LINE + "\n\n").keyId()).isEqualTo(Vectors.PK_A_ID);
        assertThat(MinisignPublicKey.parse(PK_A_FILE.replace("\n", "\r\n")).keyId()).isEqualTo(Vectors.PK_A_ID);
    }

    @Test
    void fileTextIsWhatMinisignWrites() {
        assertThat(Vectors.pkA().toFileText()).isEqualTo(PK_A_FILE);
        assertThat(Vectors.pkA().toFileText("cmdop release key"))
                .isEqualTo("untrusted comment: cmdop release key\n" + PK_A_LINE + "\n");
    }

    @Test
    void pubFileIsReadFromDisk(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("cmdop.pub");
        Files.writeString(file, PK_A_FILE);

        assertThat(MinisignPublicKey.read(file)).isEqualTo(Vectors.pkA());
    }

    @Test
    void oversizedFileIsRefusedNamingIt(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("huge.pub");
        Files.writeString(file, PK_A_FILE + "#".repeat(5000));

        assertThatExceptionOfType(InvalidInputException.class)
                .isThrownBy(() -> MinisignPublicKey.read(file))
                .withMessageContaining(file.toString())
                .withMessageContaining("larger than a minisign key file can be");
    }

    @Test
    void differentKeysAreNotEqual() {
        assertThat(Vectors.pkA()).isNotEqualTo(Vectors.pkB());
        assertThat(Vectors.pkA()).hasSameHashCodeAs(MinisignPublicKey.parse(PK_A_LINE));
    }

    private static String base64WithLength(int length) {
        byte[] b = new byte[length];
        b[0] = 'E';
        b[1] = 'd';
        return Base64.getEncoder().encodeToString(b);
    }

    static Stream<Arguments> malformedPublicKeys() {
        byte[] decoded = Base64.getDecoder().decode(PK_A_LINE);
        byte[] otherAlgorithm = decoded.clone();
        otherAlgorithm[1] = 'x';
        byte[] notAPoint = decoded.clone();
        Arrays.fill(notAPoint, 10, 42, (byte) 0xFF);
        return Stream.of(
                Arguments.of("an empty value", "", "the value is empty"),
                Arguments.of("blanks", " \n ", "the value is empty"),
                Arguments.of("a non-base64 character", "!" + PK_A_LINE.substring(1), "is not base64"),
                Arguments.of("missing padding", base64WithLength(41).replace("=", ""), "not canonical base64"),
                Arguments.of("41 bytes", base64WithLength(41), "decodes to 41 bytes, expected 42"),
                Arguments.of("43 bytes", base64WithLength(43), "decodes to 43 bytes, expected 42"),
                Arguments.of("a secret key", base64WithLength(158), "this is a minisign SECRET key"),
                Arguments.of("a signature line", base64WithLength(74), "looks like a signature line"),
                Arguments.of("another algorithm", Base64.getEncoder().encodeToString(otherAlgorithm),
                        "unsupported key algorithm"),
                Arguments.of("a key that is not a curve point", Base64.getEncoder().encodeToString(notAPoint),
                        "not a valid curve point"),
                Arguments.of("three lines", PK_A_FILE + "extra\n", "expected 1 line (base64) or 2 lines"),
                Arguments.of("two lines without the comment prefix", "comment\n" + PK_A_LINE,
                        "starts with a line \"untrusted comment: ...\""),
                Arguments.of("the comment line alone", "untrusted comment: minisign public key " + Vectors.PK_A_ID,
                        "the base64 key line after it is missing"));
    }

    @ParameterizedTest(name = "{0} is refused")
    @MethodSource("malformedPublicKeys")
    void malformedPublicKeyIsRefusedWithAClearMessage(String what, String text, String reason) {
        assertThatExceptionOfType(InvalidInputException.class)
                .isThrownBy(() -> MinisignPublicKey.parse(text))
                .satisfies(e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT);
                    assertThat(e.getMessage()).contains("not a minisign public key").contains(reason)
                            .contains("give the base64 line");
                });
    }

    @Test
    void keyFromConfigNamesTheFileAndFieldAsInvalidConfig() {
        assertThatExceptionOfType(InvalidInputException.class)
                .isThrownBy(() -> MinisignPublicKey.parse("RWQ", "/etc/cmdop/update.yaml", "update.trusted_keys[1]",
                        ErrorCode.INVALID_CONFIG))
                .satisfies(e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CONFIG);
                    assertThat(e.getMessage()).startsWith("/etc/cmdop/update.yaml: update.trusted_keys[1]: ");
                    assertThat(e.details()).containsEntry("source", "/etc/cmdop/update.yaml")
                            .containsEntry("field", "update.trusted_keys[1]");
                });
    }

    @Test
    void thePubFileCommentWritesTheKeyIdAsMinisignDoesWithoutLeadingZeros() {
        // minisign prints the id with %" PRIX64 ": no zero padding (pk-b's id is 0D4D39827CD08C21)
        MinisignPublicKey key = MinisignPublicKey.parse("RWQhjNB8gjlNDQYRsRiGEzKTtGwzkcFLRMiSEy+texbTAVMvsgFLLfSr");
        assertThat(key.keyId()).isEqualTo("0D4D39827CD08C21");
        assertThat(key.toFileText()).startsWith("untrusted comment: minisign public key D4D39827CD08C21\n");
    }
}
