package com.cmdop.update.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import com.cmdop.update.model.error.ErrorCode;
import com.cmdop.update.model.error.IntegrityException;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The public vectors of src/test/resources/vectors/minisign/README.md. */
class MinisignKnownAnswerTest {
    private static final byte[] TAMPERED = "tesT".getBytes(StandardCharsets.US_ASCII);

    private final MinisignVerifier trustingA = new MinisignVerifier(TrustedKeys.of(Vectors.pkA()));

    @Test
    void keyIdIsDisplayedAsTheLittleEndianNumberOfItsBytes() {
        byte[] decoded = Base64.getDecoder().decode(Vectors.pkA().toBase64());
        assertThat(HexFormat.of().formatHex(decoded, 2, 10)).isEqualTo("1fe8b442180f62e7");
        assertThat(Vectors.pkA().keyId()).isEqualTo(Vectors.PK_A_ID);
        assertThat(Vectors.pkB().keyId()).isEqualTo(Vectors.PK_B_ID);
    }

    @Test
    void legacySignatureFromGoMinisignVerifiesWithItsKey() {
        VerifiedSignature verified = trustingA.verify(Vectors.TEST, Vectors.signature("kat1-legacy.minisig"), "kat1");

        assertThat(verified).isEqualTo(new VerifiedSignature(Vectors.PK_A_ID, MinisignAlgorithm.LEGACY,
                "timestamp:1635442742\tfile:test"));
    }

    @Test
    void legacySignatureIsRejectedUnderThePrehashedOnlyPolicy() {
        MinisignVerifier prehashedOnly = new MinisignVerifier(TrustedKeys.of(Vectors.pkA()),
                MinisignVerifier.Policy.PREHASHED_ONLY);

        assertThatExceptionOfType(IntegrityException.class)
                .isThrownBy(() -> prehashedOnly.verify(Vectors.TEST, Vectors.signature("kat1-legacy.minisig"), "kat1"))
                .satisfies(e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.SIGNATURE_INVALID);
                    assertThat(e.exitCode()).isEqualTo(80);
                    assertThat(e.getMessage()).contains("legacy").contains("only prehashed");
                    assertThat(e.details()).containsEntry("reason", "legacy_rejected")
                            .containsEntry("key_id", Vectors.PK_A_ID);
                });
    }

    @Test
    void prehashedSignatureFromGoMinisignVerifiesWithItsKey() {
        VerifiedSignature verified = trustingA.verify(Vectors.TEST, Vectors.signature("kat2-prehashed.minisig"), "kat2");

        assertThat(verified).isEqualTo(new VerifiedSignature(Vectors.PK_A_ID, MinisignAlgorithm.PREHASHED,
                "timestamp:1635443258\tfile:test\thashed"));
    }

    @Test
    void prehashedSignatureVerifiesFromAStreamAndUnderThePrehashedOnlyPolicy() throws Exception {
        MinisignVerifier prehashedOnly = new MinisignVerifier(TrustedKeys.of(Vectors.pkA()),
                MinisignVerifier.Policy.PREHASHED_ONLY);

        VerifiedSignature verified = prehashedOnly.verify(new ByteArrayInputStream(Vectors.TEST),
                Vectors.signature("kat2-prehashed.minisig"), "kat2");

        assertThat(verified.algorithm()).isEqualTo(MinisignAlgorithm.PREHASHED);
    }

    @Test
    void legacySignatureVerifiesFromAStream() throws Exception {
        VerifiedSignature verified = trustingA.verify(new ByteArrayInputStream(Vectors.TEST),
                Vectors.signature("kat1-legacy.minisig"), "kat1");

        assertThat(verified.algorithm()).isEqualTo(MinisignAlgorithm.LEGACY);
    }

    @Test
    void signatureByAnUntrustedKeyIsRefusedAsUnknownKey() {
        MinisignVerifier trustingB = new MinisignVerifier(TrustedKeys.of(Vectors.pkB()));

        assertThatExceptionOfType(IntegrityException.class)
                .isThrownBy(() -> trustingB.verify(Vectors.TEST, Vectors.signature("kat2-prehashed.minisig"), "kat2"))
                .satisfies(e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.UNKNOWN_KEY);
                    assertThat(e.getMessage()).contains(Vectors.PK_A_ID).contains(Vectors.PK_B_ID)
                            .contains("update.trusted_keys");
                    assertThat(e.details()).containsEntry("key_id", Vectors.PK_A_ID);
                });
    }

    @Test
    void unknownKeyIsDecidedBeforeTheDataIsReadOrAnyCryptographyRuns() {
        MinisignVerifier trustingB = new MinisignVerifier(TrustedKeys.of(Vectors.pkB()));
        InputStream untouchable = new InputStream() {
            @Override
            public int read() {
                throw new AssertionError("the data was read before the key id was checked");
            }
        };

        assertThatExceptionOfType(IntegrityException.class)
                .isThrownBy(() -> trustingB.verify(untouchable, Vectors.signature("kat2-prehashed.minisig"), "kat2"))
                .satisfies(e -> assertThat(e.code()).isEqualTo(ErrorCode.UNKNOWN_KEY));
    }

    @Test
    void prehashedSignatureOverChangedDataIsRejected() {
        assertThatExceptionOfType(IntegrityException.class)
                .isThrownBy(() -> trustingA.verify(TAMPERED, Vectors.signature("kat2-prehashed.minisig"), "kat2"))
                .satisfies(e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.SIGNATURE_INVALID);
                    assertThat(e.getMessage()).startsWith("kat2: ").contains("does not match the data");
                    assertThat(e.details()).containsEntry("reason", "signature_mismatch");
                });
    }

    @Test
    void legacySignatureOverChangedDataIsRejected() {
        assertThatExceptionOfType(IntegrityException.class)
                .isThrownBy(() -> trustingA.verify(TAMPERED, Vectors.signature("kat1-legacy.minisig"), "kat1"))
                .satisfies(e -> assertThat(e.details()).containsEntry("reason", "signature_mismatch"));
    }

    @Test
    void alteredTrustedCommentIsRejectedByTheGlobalSignature() {
        assertThatExceptionOfType(IntegrityException.class)
                .isThrownBy(() -> trustingA.verify(Vectors.TEST, Vectors.signature("neg-tampered-comment.minisig"),
                        "neg"))
                .satisfies(e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.SIGNATURE_INVALID);
                    assertThat(e.getMessage()).contains("trusted comment");
                    assertThat(e.details()).containsEntry("reason", "trusted_comment_mismatch");
                });
    }

    @Test
    void blake2b512OfTestIsTheValueInTheReadme() {
        assertThat(HexFormat.of().formatHex(Blake2b512.of(Vectors.TEST))).isEqualTo(
                "a71079d42853dea26e453004338670a53814b78137ffbed07603a41d76a483aa"
                        + "9bc33b582f77d30a65e6f29a896c0411f38312e1d66e0bf16386c86a89bea572");
    }

    @Test
    void vectorsWrittenBackAreByteIdenticalToTheOriginals() {
        for (String name : new String[] {"kat1-legacy.minisig", "kat2-prehashed.minisig"}) {
            assertThat(Vectors.signature(name).toBytes()).as(name).isEqualTo(Vectors.bytes(name));
        }
        assertThat(Vectors.pkA().toFileText()).isEqualTo(Vectors.text("pk-a.pub"));
        // pk-b.pub comes from go-minisign, which zero-pads the id in the comment; minisign itself does not
        assertThat(Vectors.pkB().toFileText("minisign public key 0D4D39827CD08C21")).isEqualTo(Vectors.text("pk-b.pub"));
    }
}
