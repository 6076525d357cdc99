package com.cmdop.update.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.fail;

import com.cmdop.update.model.error.ErrorCode;
import com.cmdop.update.model.error.InvalidInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class MinisignSecretKeyTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Cheap scrypt (N = 2^10) so tests stay fast; the format is the same as with minisign's default. */
    private static final ScryptLimits CHEAP = new ScryptLimits(32_768, 16_777_216);
    private static final PasswordSource NEVER_ASKED = source -> fail("the password was asked for " + source);
    private static final byte[] MESSAGE = "message".getBytes(StandardCharsets.UTF_8);

    private final MinisignSecretKey key = MinisignSecretKey.generate(RANDOM);

    private static byte[] struct(String fileText) {
        return Base64.getDecoder().decode(fileText.split("\n")[1]);
    }

    private static String withStruct(String fileText, byte[] struct) {
        return fileText.split("\n")[0] + "\n" + Base64.getEncoder().encodeToString(struct) + "\n";
    }

    private void assertSameKey(MinisignSecretKey parsed) {
        assertThat(parsed.keyId()).isEqualTo(key.keyId());
        assertThat(parsed.publicKey()).isEqualTo(key.publicKey());
        // Ed25519 is deterministic: equal signatures mean equal secret keys.
        assertThat(parsed.sign(MESSAGE)).isEqualTo(key.sign(MESSAGE));
    }

    @Test
    void generatedKeysHaveDistinctIdsAndKeys() {
        MinisignSecretKey other = MinisignSecretKey.generate(RANDOM);

        assertThat(other.keyId()).isNotEqualTo(key.keyId()).hasSize(16);
        assertThat(other.publicKey()).isNotEqualTo(key.publicKey());
    }

    @Test
    void unencryptedKeyRoundTripsWithoutAskingForAPassword() {
        assertSameKey(MinisignSecretKey.parse(key.toUnencryptedFileText(), "cmdop.key", NEVER_ASKED));
    }

    @Test
    void unencryptedKeyFileHasTheLayoutMinisignWritesWithMinusW() {
        String text = key.toUnencryptedFileText();
        byte[] s = struct(text);

        assertThat(text).startsWith("untrusted comment: minisign encrypted secret key\n").endsWith("=\n");
        assertThat(s).hasSize(158);
        assertThat(new String(s, 0, 2, StandardCharsets.US_ASCII)).isEqualTo("Ed");
        assertThat(Arrays.copyOfRange(s, 2, 4)).containsOnly(0);
        assertThat(new String(s, 4, 2, StandardCharsets.US_ASCII)).isEqualTo("B2");
        assertThat(Arrays.copyOfRange(s, 6, 54)).as("salt and limits").containsOnly(0);
        assertThat(Arrays.copyOfRange(s, 54, 62)).isEqualTo(key.keyIdBytes());
        assertThat(Base64.getEncoder().encodeToString(Arrays.copyOfRange(s, 94, 126)))
                .isEqualTo(Base64.getEncoder().encodeToString(
                        Arrays.copyOfRange(Base64.getDecoder().decode(key.publicKey().toBase64()), 10, 42)));
    }

    @Test
    void unencryptedKeyWithMinisignsAllZeroChecksumIsAccepted() {
        byte[] s = struct(key.toUnencryptedFileText());
        Arrays.fill(s, 126, 158, (byte) 0);

        assertSameKey(MinisignSecretKey.parse(withStruct(key.toUnencryptedFileText(), s), "k", NEVER_ASKED));
    }

    @Test
    void unencryptedKeyWithAWrongChecksumIsRefusedAsCorrupted() {
        byte[] s = struct(key.toUnencryptedFileText());
        s[70] ^= 1;

        assertThatExceptionOfType(InvalidInputException.class)
                .isThrownBy(() -> MinisignSecretKey.parse(withStruct(key.toUnencryptedFileText(), s), "k.key",
                        NEVER_ASKED))
                .withMessage("k.key: corrupted key: checksum mismatch; restore the key file from a backup");
    }

    @Test
    void keyWhosePublicHalfDoesNotMatchItsSeedIsRefusedEvenWithoutAChecksum() {
        byte[] s = struct(key.toUnencryptedFileText());
        Arrays.fill(s, 126, 158, (byte) 0);
        s[100] ^= 1;

        assertThatExceptionOfType(InvalidInputException.class)
                .isThrownBy(() -> MinisignSecretKey.parse(withStruct(key.toUnencryptedFileText(), s), "k.key",
                        NEVER_ASKED))
                .withMessageContaining("corrupted key: its public half does not belong to its secret half");
    }

    @Test
    void encryptedKeyRoundTripsWithItsPassword() {
        String text = key.toEncryptedFileText("my key", "correct horse".toCharArray(), CHEAP, RANDOM);

        assertSameKey(MinisignSecretKey.parse(text, "cmdop.key", PasswordSource.of("correct horse".toCharArray())));
    }

    @Test
    void encryptedKeyFileHasTheLayoutMinisignWrites() {
        byte[] s = struct(key.toEncryptedFileText("c", "pw".toCharArray(), CHEAP, RANDOM));

        assertThat(new String(s, 0, 6, StandardCharsets.US_ASCII)).isEqualTo("EdScB2");
        assertThat(Arrays.copyOfRange(s, 6, 38)).as("salt").isNotEqualTo(new byte[32]);
        assertThat(HexFormat.of().formatHex(s, 38, 54)).as("opslimit, memlimit little-endian")
                .isEqualTo("0080000000000000" + "0000000100000000");
        assertThat(Arrays.copyOfRange(s, 54, 62)).as("the key id is encrypted too").isNotEqualTo(key.keyIdBytes());
    }

    @Test
    void encryptingTwiceUsesFreshSalts() {
        String first = key.toEncryptedFileText("c", "pw".toCharArray(), CHEAP, RANDOM);
        String second = key.toEncryptedFileText("c", "pw".toCharArray(), CHEAP, RANDOM);

        assertThat(first).isNotEqualTo(second);
    }

    @Test
    void wrongPasswordIsRefusedAsAChecksumMismatch() {
        String text = key.toEncryptedFileText("c", "right".toCharArray(), CHEAP, RANDOM);

        assertThatExceptionOfType(InvalidInputException.class)
                .isThrownBy(() -> MinisignSecretKey.parse(text, "cmdop.key", PasswordSource.of("wrong".toCharArray())))
                .satisfies(e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT);
                    assertThat(e.getMessage()).startsWith(
                            "cmdop.key: wrong password or corrupted key: checksum mismatch; check the password");
                    assertThat(e.details()).containsEntry("source", "cmdop.key");
                });
    }

    @Test
    void encryptedKeyWithoutAPasswordSaysHowToGiveOne() {
        String text = key.toEncryptedFileText("c", "pw".toCharArray(), CHEAP, RANDOM);

        assertThatExceptionOfType(InvalidInputException.class)
                .isThrownBy(() -> MinisignSecretKey.parse(text, "cmdop.key", PasswordSource.none()))
                .withMessageContaining("cmdop.key: the secret key is encrypted and no password was given")
                .withMessageContaining("CMDOP_KEY_PASSWORD");
    }

    @Test
    void passwordArraysAreWipedAfterUse() {
        char[] given = "secret".toCharArray();
        String text = key.toEncryptedFileText("c", given, CHEAP, RANDOM);
        char[] handedOut = "secret".toCharArray();

        MinisignSecretKey.parse(text, "k", source -> handedOut);

        assertThat(given).containsOnly('\0');
        assertThat(handedOut).containsOnly('\0');
    }

    @Test
    void nonAsciiPasswordsAreUsedAsUtf8() {
        String text = key.toEncryptedFileText("c", "pässwörd✓".toCharArray(), CHEAP, RANDOM);

        assertSameKey(MinisignSecretKey.parse(text, "k", PasswordSource.of("pässwörd✓".toCharArray())));
    }

    @Test
    void keyDemandingMoreScryptMemoryThanAllowedIsRefusedBeforeAskingForThePassword() {
        String text = key.toEncryptedFileText("c", "pw".toCharArray(), CHEAP, RANDOM);
        byte[] s = struct(text);
        s[38 + 3] = 0x08; // opslimit 2^27
        s[46 + 4] = 0x01; // memlimit 2^32: N = 2^22, 4 GiB

        assertThatExceptionOfType(InvalidInputException.class)
                .isThrownBy(() -> MinisignSecretKey.parse(withStruct(text, s), "k.key", NEVER_ASKED))
                .withMessageContaining("scrypt parameters")
                .withMessageContaining("more memory than this tool allows");
    }

    @Test
    void writingBelowLibsodiumsMinimumLimitsIsRefused() {
        assertThatExceptionOfType(IllegalArgumentException.class)
                .isThrownBy(() -> key.toEncryptedFileText("c", "pw".toCharArray(), new ScryptLimits(1024, 1024),
                        RANDOM));
    }

    @Test
    void keyFileIsReadFromDisk(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("cmdop.key");
        Files.writeString(file, key.toUnencryptedFileText());

        assertSameKey(MinisignSecretKey.read(file, NEVER_ASKED));
    }

    private static String keyTextWith(int offset, byte... replacement) {
        MinisignSecretKey k = MinisignSecretKey.generate(RANDOM);
        byte[] s = struct(k.toUnencryptedFileText());
        System.arraycopy(replacement, 0, s, offset, replacement.length);
        return withStruct(k.toUnencryptedFileText(), s);
    }

    static Stream<Arguments> malformedSecretKeys() {
        String good = MinisignSecretKey.generate(RANDOM).toUnencryptedFileText();
        String[] lines = good.split("\n");
        return Stream.of(
                Arguments.of("an empty file", "", "the file is empty"),
                Arguments.of("the comment line alone", lines[0] + "\n", "expected 2 lines"),
                Arguments.of("a third line", good + "junk\n", "expected 2 lines"),
                Arguments.of("no comment prefix", "comment\n" + lines[1] + "\n", "line 1 must start with"),
                Arguments.of("bad base64", lines[0] + "\n" + lines[1].replace('A', '*') + "\n", "is not base64"),
                Arguments.of("a public key file", Vectors.text("pk-a.pub"), "this is a public key (.pub)"),
                Arguments.of("a signature algorithm other than Ed", keyTextWith(0, (byte) 'E', (byte) 'D'),
                        "unsupported signature algorithm"),
                Arguments.of("an unknown key derivation", keyTextWith(2, (byte) 'A', (byte) '2'),
                        "unsupported key derivation"),
                Arguments.of("an unknown checksum", keyTextWith(4, (byte) 'S', (byte) 'H'),
                        "unsupported checksum algorithm"),
                Arguments.of("a file over 4 KiB", "untrusted comment: " + "x".repeat(5000) + "\n" + lines[1] + "\n",
                        "larger than 4096 bytes"));
    }

    @ParameterizedTest(name = "{0} is refused")
    @MethodSource("malformedSecretKeys")
    void malformedSecretKeyFileIsRefusedNamingTheFile(String what, String text, String reason) {
        assertThatExceptionOfType(InvalidInputException.class)
                .isThrownBy(() -> MinisignSecretKey.parse(text, "/keys/cmdop.key", NEVER_ASKED))
                .satisfies(e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT);
                    assertThat(e.getMessage()).startsWith("/keys/cmdop.key: not a minisign secret key: ")
                            .contains(reason);
                    String[] parts = text.split("\n");
                    if (parts.length > 1) {
                        assertThat(e.getMessage()).as("never echoes key material").doesNotContain(parts[1]);
                    }
                });
    }
}
