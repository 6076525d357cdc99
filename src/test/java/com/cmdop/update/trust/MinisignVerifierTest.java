package com.cmdop.update.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import com.cmdop.update.model.error.ErrorCode;
import com.cmdop.update.model.error.IntegrityException;
import com.cmdop.update.model.error.InvalidInputException;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class MinisignVerifierTest {

    @Test
    void signatureFromAnyOfSeveralTrustedKeysVerifies() {
        MinisignVerifier verifier = new MinisignVerifier(TrustedKeys.of(Vectors.pkB(), Vectors.pkA()));

        assertThat(verifier.verify(Vectors.TEST, Vectors.bytes("kat2-prehashed.minisig"), "kat2").keyId())
                .isEqualTo(Vectors.PK_A_ID);
    }

    @Test
    void emptyTrustSetSaysThatNoKeysAreTrusted() {
        MinisignVerifier verifier = new MinisignVerifier(TrustedKeys.of(List.of()));

        assertThatExceptionOfType(IntegrityException.class)
                .isThrownBy(() -> verifier.verify(Vectors.TEST, Vectors.bytes("kat2-prehashed.minisig"), "kat2"))
                .satisfies(e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.UNKNOWN_KEY);
                    assertThat(e.getMessage()).contains("update.trusted_keys is empty");
                });
    }

    @Test
    void malformedSignatureBytesAreRefusedAsSignatureInvalid() {
        MinisignVerifier verifier = new MinisignVerifier(TrustedKeys.of(Vectors.pkA()));

        assertThatExceptionOfType(IntegrityException.class)
                .isThrownBy(() -> verifier.verify(Vectors.TEST, "<html>404</html>".getBytes(), "stable.json.minisig"))
                .satisfies(e -> assertThat(e.code()).isEqualTo(ErrorCode.SIGNATURE_INVALID));
    }

    @Test
    void sameKeyListedTwiceIsTrustedOnce() {
        TrustedKeys keys = TrustedKeys.of(Vectors.pkA(), MinisignPublicKey.parse(Vectors.pkA().toBase64()));

        assertThat(keys.size()).isEqualTo(1);
        assertThat(keys.keyIds()).containsExactly(Vectors.PK_A_ID);
        assertThat(keys.find(Vectors.PK_A_ID.toLowerCase())).contains(Vectors.pkA());
        assertThat(keys.find(Vectors.PK_B_ID)).isEmpty();
    }

    @Test
    void twoDifferentKeysWithOneKeyIdAreRefused() {
        byte[] b = Base64.getDecoder().decode(Vectors.pkB().toBase64());
        byte[] a = Base64.getDecoder().decode(Vectors.pkA().toBase64());
        System.arraycopy(a, 2, b, 2, 8);
        MinisignPublicKey impostor = MinisignPublicKey.parse(Base64.getEncoder().encodeToString(b));

        assertThatExceptionOfType(InvalidInputException.class)
                .isThrownBy(() -> TrustedKeys.of(Vectors.pkA(), impostor))
                .satisfies(e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CONFIG);
                    assertThat(e.getMessage()).contains("update.trusted_keys").contains(Vectors.PK_A_ID);
                });
    }

    @Test
    void keysKnownToTheVerifierAreOnlyThoseOfTheTrustSet() {
        MinisignVerifier verifier = new MinisignVerifier(TrustedKeys.of(Vectors.pkA()));

        assertThat(verifier.trustedKeys().keyIds()).containsExactly(Vectors.PK_A_ID);
    }
}
