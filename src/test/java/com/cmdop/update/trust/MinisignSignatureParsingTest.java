package com.cmdop.update.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import com.cmdop.update.model.error.ErrorCode;
import com.cmdop.update.model.error.IntegrityException;
import java.io.InputStream;
import java.util.Base64;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class MinisignSignatureParsingTest {
    private static final String[] KAT2 = Vectors.text("kat2-prehashed.minisig").split("\n");
    private static final String L1 = KAT2[0];
    private static final String L2 = KAT2[1];
    private static final String L3 = KAT2[2];
    private static final String L4 = KAT2[3];

    private static String lines(String... lines) {
        return String.join("\n", lines) + "\n";
    }

    private static String base64OfBytes(int length, char firstAlgorithmByte, char secondAlgorithmByte) {
        byte[] b = new byte[length];
        b[0] = (byte) firstAlgorithmByte;
        b[1] = (byte) secondAlgorithmByte;
        return Base64.getEncoder().encodeToString(b);
    }

    static Stream<Arguments> malformedSignatureFiles() {
        String sigBytes = L2;
        byte[] decodedSig = Base64.getDecoder().decode(sigBytes);
        decodedSig[1] = 'X';
        String unknownAlgorithm = Base64.getEncoder().encodeToString(decodedSig);
        decodedSig[0] = 'e';
        decodedSig[1] = 'd';
        String lowercaseAlgorithm = Base64.getEncoder().encodeToString(decodedSig);
        return Stream.of(
                Arguments.of("an empty file", "", "the file is empty"),
                Arguments.of("only the untrusted comment line", lines(L1), "the signature line (line 2) is missing"),
                Arguments.of("two lines", lines(L1, L2), "the trusted comment line (line 3) is missing"),
                Arguments.of("three lines", lines(L1, L2, L3), "the global signature line (line 4) is missing"),
                Arguments.of("no untrusted comment prefix", lines("comment: x", L2, L3, L4),
                        "line 1 must start with \"untrusted comment: \""),
                Arguments.of("no trusted comment prefix", lines(L1, L2, "trusted: x", L4),
                        "line 3 must start with \"trusted comment: \""),
                Arguments.of("the trusted comment before the signature", lines(L1, L3, L2, L4),
                        "line 2 (the signature) is not base64"),
                Arguments.of("a non-base64 character in the signature", lines(L1, "*" + L2.substring(1), L3, L4),
                        "line 2 (the signature) is not base64"),
                Arguments.of("a space after the signature", lines(L1, L2 + " ", L3, L4),
                        "line 2 (the signature) is not base64"),
                Arguments.of("the signature's padding removed", lines(L1, L2.replace("=", ""), L3, L4),
                        "not canonical base64"),
                Arguments.of("a signature one byte short", lines(L1, base64OfBytes(73, 'E', 'D'), L3, L4),
                        "line 2 (the signature) has 73 bytes, expected 74"),
                Arguments.of("a signature one byte long", lines(L1, base64OfBytes(75, 'E', 'D'), L3, L4),
                        "line 2 (the signature) has 75 bytes, expected 74"),
                Arguments.of("a public key where the signature belongs",
                        lines(L1, Vectors.pkA().toBase64(), L3, L4), "has 42 bytes, expected 74"),
                Arguments.of("unknown algorithm bytes EX", lines(L1, unknownAlgorithm, L3, L4),
                        "unsupported signature algorithm"),
                Arguments.of("lowercase algorithm bytes ed", lines(L1, lowercaseAlgorithm, L3, L4),
                        "unsupported signature algorithm"),
                Arguments.of("a global signature one byte short", lines(L1, L2, L3, base64OfBytes(63, 'x', 'x')),
                        "line 4 (the global signature) has 63 bytes, expected 64"),
                Arguments.of("a global signature that is not base64", lines(L1, L2, L3, L4.replace('/', '_')),
                        "line 4 (the global signature) is not base64"),
                Arguments.of("an empty global signature line", lines(L1, L2, L3, ""),
                        "line 4 (the global signature) is empty"),
                Arguments.of("a fifth line", lines(L1, L2, L3, L4, "junk"), "unexpected content after the 4th line"),
                Arguments.of("an empty fifth line", lines(L1, L2, L3, L4) + "\n", "unexpected content after the 4th line"),
                Arguments.of("junk after the last line without a newline", lines(L1, L2, L3, L4) + "x",
                        "unexpected content after the 4th line"),
                Arguments.of("a file over 16 KiB", lines(L1, L2, L3, L4) + "#".repeat(16 * 1024),
                        "larger than 16384 bytes"),
                Arguments.of("an untrusted comment line over 1023 bytes",
                        lines("untrusted comment: " + "x".repeat(1023 - 19), L2, L3, L4),
                        "line 1 (the untrusted comment) is longer than 1023 bytes"),
                Arguments.of("a trusted comment line over 8191 bytes",
                        lines(L1, L2, "trusted comment: " + "x".repeat(8191 - 17), L4),
                        "line 3 (the trusted comment) is longer than 8191 bytes"),
                Arguments.of("a carriage return inside the trusted comment",
                        lines(L1, L2, "trusted comment: a\rb", L4), "line 3 contains a carriage return"),
                Arguments.of("old Mac line endings", String.join("\r", L1, L2, L3, L4) + "\r",
                        "line 1 contains a carriage return"),
                Arguments.of("a NUL byte inside the trusted comment",
                        lines(L1, L2, "trusted comment: a\0b", L4), "line 3 contains a NUL byte"));
    }

    @ParameterizedTest(name = "{0} is refused")
    @MethodSource("malformedSignatureFiles")
    void malformedSignatureFileIsRefusedAsSignatureInvalid(String what, String file, String reason) {
        assertThatExceptionOfType(IntegrityException.class)
                .isThrownBy(() -> MinisignSignature.parse(file, "release.json.minisig"))
                .satisfies(e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.SIGNATURE_INVALID);
                    assertThat(e.getMessage()).startsWith("release.json.minisig: not a valid minisign signature file")
                            .contains(reason).contains("nothing was changed");
                    assertThat(e.details()).containsEntry("source", "release.json.minisig")
                            .containsKey("reason");
                });
    }

    @Test
    void parsedSignatureExposesAlgorithmKeyIdAndComments() {
        MinisignSignature sig = MinisignSignature.parse(Vectors.bytes("kat2-prehashed.minisig"), "kat2");

        assertThat(sig.algorithm()).isEqualTo(MinisignAlgorithm.PREHASHED);
        assertThat(sig.keyId()).isEqualTo(Vectors.PK_A_ID);
        assertThat(sig.trustedComment()).isEqualTo("timestamp:1635443258\tfile:test\thashed");
        assertThat(Vectors.untrustedComment(sig)).isEqualTo("signature from minisign secret key");
        assertThat(MinisignSignature.parse(Vectors.bytes("kat1-legacy.minisig"), "kat1").algorithm())
                .isEqualTo(MinisignAlgorithm.LEGACY);
    }

    @Test
    void crlfLineEndingsAreToleratedAndNotPartOfTheTrustedComment() {
        String crlf = String.join("\r\n", L1, L2, L3, L4) + "\r\n";
        MinisignSignature sig = MinisignSignature.parse(crlf, "kat2-crlf");

        assertThat(sig.trustedComment()).isEqualTo("timestamp:1635443258\tfile:test\thashed");
        assertThat(new MinisignVerifier(TrustedKeys.of(Vectors.pkA())).verify(Vectors.TEST, sig, "kat2-crlf"))
                .isNotNull();
        assertThat(sig.toFileText()).isEqualTo(lines(L1, L2, L3, L4));
    }

    @Test
    void missingNewlineAfterTheLastLineIsAccepted() {
        MinisignSignature sig = MinisignSignature.parse(String.join("\n", L1, L2, L3, L4), "no-final-newline");

        assertThat(new MinisignVerifier(TrustedKeys.of(Vectors.pkA())).verify(Vectors.TEST, sig, "x").keyId())
                .isEqualTo(Vectors.PK_A_ID);
    }

    @Test
    void commentLinesExactlyAtMinisignsLimitsAreAccepted() {
        String untrusted = "untrusted comment: " + "u".repeat(1022 - 19);
        String trusted = "trusted comment: " + "t".repeat(8190 - 17);

        MinisignSignature sig = MinisignSignature.parse(lines(untrusted, L2, trusted, L4), "limits");

        assertThat(sig.trustedComment()).hasSize(8190 - 17);
        assertThat(Vectors.untrustedComment(sig)).hasSize(1022 - 19);
    }

    @Test
    void endlessStreamIsReadOnlyUpToTheCap() {
        InputStream endless = new InputStream() {
            long served;

            @Override
            public int read() {
                served++;
                if (served > MinisignSignature.MAX_FILE_BYTES + 1) {
                    throw new AssertionError("read past the cap");
                }
                return 'x';
            }
        };

        assertThatExceptionOfType(IntegrityException.class)
                .isThrownBy(() -> MinisignSignature.read(endless, "endless"))
                .withMessageContaining("larger than 16384 bytes");
    }
}
