package com.cmdop.update.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import com.cmdop.update.model.error.ErrorCode;
import com.cmdop.update.model.error.IntegrityException;
import com.cmdop.update.model.error.InvalidInputException;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class MinisignSignerTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final byte[] DATA = "{\"schema\":1,\"version\":\"v1.2.3\"}\n".getBytes(StandardCharsets.UTF_8);
    private static final String COMMENT = "timestamp:1795810920\tfile:release.json\thashed";

    private final MinisignSecretKey key = MinisignSecretKey.generate(RANDOM);
    private final MinisignSigner signer = new MinisignSigner(key);
    private final MinisignVerifier verifier = new MinisignVerifier(TrustedKeys.of(key.publicKey()));

    /** Deterministic pseudo-random bytes of a given length, produced on the fly (never held in memory). */
    private static InputStream generated(long length) {
        return new InputStream() {
            long position;
            long state = 0x9E3779B97F4A7C15L;

            @Override
            public int read() {
                if (position >= length) {
                    return -1;
                }
                position++;
                state ^= state << 13;
                state ^= state >>> 7;
                state ^= state << 17;
                return (int) (state & 0xFF);
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (position >= length) {
                    return -1;
                }
                int n = (int) Math.min(len, length - position);
                for (int i = 0; i < n; i++) {
                    b[off + i] = (byte) read();
                }
                return n;
            }
        };
    }

    private static String algorithmBytesOf(String signatureLine) {
        return new String(Base64.getDecoder().decode(signatureLine), 0, 2, StandardCharsets.US_ASCII);
    }

    @Test
    void signatureWeMakeVerifiesWithOurPublicKey() {
        MinisignSignature sig = signer.sign(DATA, COMMENT);

        VerifiedSignature verified = verifier.verify(DATA, sig.toBytes(), "release.json.minisig");

        assertThat(verified).isEqualTo(new VerifiedSignature(key.keyId(), MinisignAlgorithm.PREHASHED, COMMENT));
    }

    @Test
    void signatureFileHasMinisignsFourLineLayout() {
        String text = signer.sign(DATA, COMMENT).toFileText();
        String[] lines = text.split("\n", -1);

        assertThat(lines).hasSize(5);
        assertThat(lines[0]).isEqualTo("untrusted comment: signature from minisign secret key");
        assertThat(lines[1]).hasSize(100);
        assertThat(algorithmBytesOf(lines[1])).isEqualTo("ED");
        assertThat(lines[2]).isEqualTo("trusted comment: " + COMMENT);
        assertThat(lines[3]).hasSize(88).endsWith("==");
        assertThat(lines[4]).as("the file ends with a newline").isEmpty();
    }

    @Test
    void defaultTrustedCommentIsMinisigns() {
        assertThat(MinisignSigner.defaultTrustedComment(1635443258L, "test", MinisignAlgorithm.PREHASHED))
                .isEqualTo(Vectors.signature("kat2-prehashed.minisig").trustedComment());
        assertThat(MinisignSigner.defaultTrustedComment(1635442742L, "test", MinisignAlgorithm.LEGACY))
                .isEqualTo(Vectors.signature("kat1-legacy.minisig").trustedComment());
    }

    @Test
    void signingIsDeterministicAndStreamingGivesTheSameFile() throws Exception {
        byte[] fromBytes = signer.sign(DATA, COMMENT).toBytes();

        assertThat(signer.sign(DATA, COMMENT).toBytes()).isEqualTo(fromBytes);
        assertThat(signer.sign(new ByteArrayInputStream(DATA), COMMENT).toBytes()).isEqualTo(fromBytes);
    }

    @Test
    void largeStreamIsSignedAndVerifiedPrehashedWithoutLoadingIt() throws Exception {
        long length = 48L * 1024 * 1024 + 7;
        MinisignSignature sig = signer.sign(generated(length), "big");

        assertThat(verifier.verify(generated(length), sig, "big").algorithm()).isEqualTo(MinisignAlgorithm.PREHASHED);
        assertThatExceptionOfType(IntegrityException.class)
                .isThrownBy(() -> verifier.verify(generated(length - 1), sig, "big"))
                .satisfies(e -> assertThat(e.details()).containsEntry("reason", "signature_mismatch"));
    }

    @Test
    void legacySignatureVerifiesUnderTheDefaultPolicyButNotPrehashedOnly() {
        MinisignSignature sig = signer.sign(DATA, MinisignAlgorithm.LEGACY, "legacy", "u");

        assertThat(algorithmBytesOf(sig.toFileText().split("\n")[1])).isEqualTo("Ed");
        assertThat(verifier.verify(DATA, sig, "x").algorithm()).isEqualTo(MinisignAlgorithm.LEGACY);
        MinisignVerifier prehashedOnly = new MinisignVerifier(TrustedKeys.of(key.publicKey()),
                MinisignVerifier.Policy.PREHASHED_ONLY);
        assertThatExceptionOfType(IntegrityException.class)
                .isThrownBy(() -> prehashedOnly.verify(DATA, sig, "x"))
                .satisfies(e -> assertThat(e.details()).containsEntry("reason", "legacy_rejected"));
    }

    @Test
    void legacySignatureOverMoreThanThePolicyBoundIsRefusedWithAClearError() {
        byte[] big = new byte[2048];
        MinisignSignature sig = signer.sign(big, MinisignAlgorithm.LEGACY, "legacy", "u");
        MinisignVerifier small = new MinisignVerifier(TrustedKeys.of(key.publicKey()),
                new MinisignVerifier.Policy(true, 2047));

        assertThatExceptionOfType(IntegrityException.class)
                .isThrownBy(() -> small.verify(big, sig, "big.bin.minisig"))
                .satisfies(e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.SIGNATURE_INVALID);
                    assertThat(e.getMessage()).contains("legacy").contains("more than 2047 bytes")
                            .contains("re-sign the file prehashed");
                    assertThat(e.details()).containsEntry("reason", "legacy_too_large");
                });
        assertThatExceptionOfType(IntegrityException.class)
                .isThrownBy(() -> small.verify(generated(1L << 40), sig, "endless"))
                .satisfies(e -> assertThat(e.details()).containsEntry("reason", "legacy_too_large"));
        assertThat(new MinisignVerifier(TrustedKeys.of(key.publicKey()), new MinisignVerifier.Policy(true, 2048))
                .verify(big, sig, "x")).isNotNull();
    }

    @Test
    void signatureByAKeyNobodyTrustsIsRefusedAsUnknownKey() {
        MinisignSignature sig = new MinisignSigner(MinisignSecretKey.generate(RANDOM)).sign(DATA, COMMENT);

        assertThatExceptionOfType(IntegrityException.class)
                .isThrownBy(() -> verifier.verify(DATA, sig, "x"))
                .satisfies(e -> assertThat(e.code()).isEqualTo(ErrorCode.UNKNOWN_KEY));
    }

    @Test
    void everySingleFlippedBitOfTheSignedDataIsDetected() {
        MinisignSignature sig = signer.sign(DATA, COMMENT);
        for (int i = 0; i < DATA.length * 8; i++) {
            byte[] changed = DATA.clone();
            changed[i / 8] ^= (byte) (1 << (i % 8));
            assertThatExceptionOfType(IntegrityException.class).as("bit %d", i)
                    .isThrownBy(() -> verifier.verify(changed, sig, "x"));
        }
    }

    @Test
    void trustedCommentOnSeveralLinesIsRefused() {
        assertThatExceptionOfType(InvalidInputException.class)
                .isThrownBy(() -> signer.sign(DATA, "a\nb"))
                .withMessageContaining("trusted comment: must be one line");
        assertThatExceptionOfType(InvalidInputException.class)
                .isThrownBy(() -> signer.sign(DATA, MinisignAlgorithm.PREHASHED, "ok", "a\rb"))
                .withMessageContaining("untrusted comment: must be one line");
    }

    @Test
    void trustedCommentIsBoundedLikeMinisignBoundsIt() {
        String longest = "t".repeat(MinisignSigner.MAX_TRUSTED_COMMENT_BYTES);

        MinisignSignature sig = MinisignSignature.parse(signer.sign(DATA, longest).toBytes(), "x");

        assertThat(verifier.verify(DATA, sig, "x").trustedComment()).isEqualTo(longest);
        assertThatExceptionOfType(InvalidInputException.class)
                .isThrownBy(() -> signer.sign(DATA, longest + "t"))
                .withMessageContaining("minisign accepts at most 8173");
    }

    @Test
    void untrustedCommentChosenByTheCallerIsWrittenAndNotSigned() {
        MinisignSignature sig = signer.sign(DATA, MinisignAlgorithm.PREHASHED, COMMENT, "cmdop release v1.2.3");
        String edited = sig.toFileText().replace("cmdop release v1.2.3", "anything else");

        assertThat(sig.toFileText()).startsWith("untrusted comment: cmdop release v1.2.3\n");
        assertThat(verifier.verify(DATA, edited.getBytes(StandardCharsets.UTF_8), "x").trustedComment())
                .isEqualTo(COMMENT);
    }

    @Test
    void trustedCommentThatIsNotUtf8IsVerifiedOverItsRawBytes() {
        byte[] latin1 = {'c', 'a', 'f', (byte) 0xE9};
        byte[] signature = key.sign(Blake2b512.of(Vectors.TEST));
        byte[] global = key.sign(MinisignSignature.globallySigned(signature, latin1));
        byte[] file = new MinisignSignature(MinisignAlgorithm.PREHASHED, key.keyIdBytes(), signature,
                "x".getBytes(StandardCharsets.US_ASCII), latin1, global).toBytes();

        MinisignSignature parsed = MinisignSignature.parse(file, "latin1");

        assertThat(verifier.verify(Vectors.TEST, parsed, "latin1").trustedComment()).isEqualTo("caf\uFFFD");
        assertThat(parsed.toBytes()).isEqualTo(file);
    }
}
