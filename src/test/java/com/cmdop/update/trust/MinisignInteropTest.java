package com.cmdop.update.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.fail;

import com.cmdop.update.model.error.ErrorCode;
import com.cmdop.update.model.error.IntegrityException;
import java.io.File;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Interoperability with the real {@code minisign} (Debian's 0.11; CI installs it). Everything we sign
 * must verify with {@code minisign -V}; everything {@code minisign -S} signs must verify with us; keys
 * go both ways. Without minisign on PATH these tests fail: they never skip silently.
 */
class MinisignInteropTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(180);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String PASSWORD = "correct horse battery staple";
    private static final PasswordSource NEVER_ASKED = source -> fail("the password was asked for " + source);
    private static final byte[] DATA = "{\"schema\":1,\"product\":\"cmdop\",\"version\":\"v1.2.3\"}\n"
            .getBytes(StandardCharsets.UTF_8);

    private static Path minisign;
    @TempDir
    static Path sharedDir;
    private static Path minisignEncryptedKey;

    @TempDir
    Path dir;

    @BeforeAll
    static void findMinisign() {
        for (String entry : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(entry.isEmpty() ? "." : entry, "minisign");
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                minisign = candidate;
                return;
            }
        }
        fail("minisign is not on PATH: install it (Debian/Ubuntu: apt-get install minisign, as CI does)."
                + " The minisign interop tests never skip.");
    }

    private record Result(int exit, String out, String err) {
        Result expectSuccess() {
            assertThat(exit).as("minisign exit status; stdout: %s; stderr: %s", out, err).isZero();
            return this;
        }
    }

    /** Runs minisign in {@code dir}, feeding {@code stdin} (null: none), waiting at most {@link #TIMEOUT}. */
    private static Result minisign(Path dir, String stdin, String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(minisign.toString());
        command.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "minisign", ".out");
        Path err = Files.createTempFile(dir, "minisign", ".err");
        Process process = new ProcessBuilder(command).directory(dir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try (OutputStream in = process.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        }
        if (!process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            fail("minisign %s did not finish within %s", command, TIMEOUT);
        }
        return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
    }

    /** An encrypted key pair made once by {@code minisign -G} (1 GiB scrypt, a few seconds), shared by tests. */
    private static synchronized Path minisignEncryptedKey() throws Exception {
        if (minisignEncryptedKey == null) {
            minisign(sharedDir, PASSWORD + "\n" + PASSWORD + "\n", "-G", "-p", "enc.pub", "-s", "enc.key")
                    .expectSuccess();
            minisignEncryptedKey = sharedDir.resolve("enc.key");
        }
        return minisignEncryptedKey;
    }

    private Path write(String name, byte[] content) throws Exception {
        return Files.write(dir.resolve(name), content);
    }

    private Path write(String name, String content) throws Exception {
        return write(name, content.getBytes(StandardCharsets.UTF_8));
    }

    private static MinisignVerifier trusting(MinisignPublicKey key) {
        return new MinisignVerifier(TrustedKeys.of(key));
    }

    // ---- what we sign, minisign verifies ----

    @Test
    void prehashedSignatureWeMakeVerifiesWithMinisignGivenTheBase64Key() throws Exception {
        MinisignSecretKey key = MinisignSecretKey.generate(RANDOM);
        String comment = MinisignSigner.defaultTrustedComment(1795810920L, "release.json", MinisignAlgorithm.PREHASHED);
        write("release.json", DATA);
        write("release.json.minisig", new MinisignSigner(key).sign(DATA, comment).toBytes());

        Result result = minisign(dir, null, "-V", "-H", "-m", "release.json", "-P", key.publicKey().toBase64())
                .expectSuccess();

        assertThat(result.out()).contains("Signature and comment signature verified")
                .contains("Trusted comment: " + comment);
    }

    @Test
    void streamedSignatureWeMakeVerifiesWithMinisignGivenThePubFile() throws Exception {
        MinisignSecretKey key = MinisignSecretKey.generate(RANDOM);
        byte[] big = new byte[3 * 1024 * 1024 + 1];
        RANDOM.nextBytes(big);
        write("cmdop_v1.2.3_linux_amd64", big);
        write("cmdop.pub", key.publicKey().toFileText());
        try (var in = Files.newInputStream(dir.resolve("cmdop_v1.2.3_linux_amd64"))) {
            write("artifact.sig", new MinisignSigner(key).sign(in, "artifact").toBytes());
        }

        minisign(dir, null, "-V", "-m", "cmdop_v1.2.3_linux_amd64", "-x", "artifact.sig", "-p", "cmdop.pub")
                .expectSuccess();
    }

    @Test
    void longestCommentsWeAllowAreAcceptedByMinisign() throws Exception {
        MinisignSecretKey key = MinisignSecretKey.generate(RANDOM);
        String trusted = "t".repeat(MinisignSigner.MAX_TRUSTED_COMMENT_BYTES);
        String untrusted = "u".repeat(MinisignSigner.MAX_UNTRUSTED_COMMENT_BYTES);
        write("data", DATA);
        write("data.minisig",
                new MinisignSigner(key).sign(DATA, MinisignAlgorithm.PREHASHED, trusted, untrusted).toBytes());

        Result result = minisign(dir, null, "-V", "-m", "data", "-P", key.publicKey().toBase64()).expectSuccess();

        assertThat(result.out()).contains("Trusted comment: " + trusted);
    }

    @Test
    void legacySignatureWeMakeVerifiesWithMinisignUnlessPrehashingIsRequired() throws Exception {
        MinisignSecretKey key = MinisignSecretKey.generate(RANDOM);
        String comment = MinisignSigner.defaultTrustedComment(1795810920L, "data", MinisignAlgorithm.LEGACY);
        write("data", DATA);
        write("data.minisig", new MinisignSigner(key).sign(DATA, MinisignAlgorithm.LEGACY, comment,
                MinisignSigner.DEFAULT_UNTRUSTED_COMMENT).toBytes());

        minisign(dir, null, "-V", "-m", "data", "-P", key.publicKey().toBase64()).expectSuccess();
        Result requiringPrehash = minisign(dir, null, "-V", "-H", "-m", "data", "-P", key.publicKey().toBase64());

        assertThat(requiringPrehash.exit()).isNotZero();
        assertThat(requiringPrehash.err()).contains("Legacy");
    }

    @Test
    void minisignRejectsDataWeSignedOnceItChanges() throws Exception {
        MinisignSecretKey key = MinisignSecretKey.generate(RANDOM);
        write("data.minisig", new MinisignSigner(key).sign(DATA, "c").toBytes());
        byte[] changed = DATA.clone();
        changed[0] ^= 1;
        write("data", changed);

        Result result = minisign(dir, null, "-V", "-m", "data", "-P", key.publicKey().toBase64());

        assertThat(result.exit()).isNotZero();
        assertThat(result.err()).contains("Signature verification failed");
    }

    // ---- what minisign signs, we verify ----

    @Test
    void filesMinisignSignsWithAnUnencryptedKeyVerifyWithUs() throws Exception {
        minisign(dir, null, "-G", "-W", "-p", "mk.pub", "-s", "mk.key").expectSuccess();
        write("release.json", DATA);
        minisign(dir, null, "-S", "-s", "mk.key", "-m", "release.json").expectSuccess();
        minisign(dir, null, "-S", "-l", "-s", "mk.key", "-m", "release.json", "-x", "legacy.minisig",
                "-t", "custom trusted", "-c", "custom untrusted").expectSuccess();
        MinisignPublicKey pub = MinisignPublicKey.read(dir.resolve("mk.pub"));

        VerifiedSignature prehashed = trusting(pub).verify(DATA,
                Files.readAllBytes(dir.resolve("release.json.minisig")), "release.json.minisig");
        MinisignSignature legacySig = MinisignSignature.parse(Files.readAllBytes(dir.resolve("legacy.minisig")), "l");
        VerifiedSignature legacy = trusting(pub).verify(DATA, legacySig, "legacy.minisig");

        assertThat(prehashed.algorithm()).isEqualTo(MinisignAlgorithm.PREHASHED);
        assertThat(prehashed.keyId()).isEqualTo(pub.keyId());
        assertThat(prehashed.trustedComment()).matches("timestamp:\\d+\tfile:release\\.json\thashed");
        assertThat(legacy.algorithm()).isEqualTo(MinisignAlgorithm.LEGACY);
        assertThat(legacy.trustedComment()).isEqualTo("custom trusted");
        assertThat(Vectors.untrustedComment(legacySig)).isEqualTo("custom untrusted");
    }

    @Test
    void dataChangedAfterMinisignSignedItIsRejectedByUs() throws Exception {
        minisign(dir, null, "-G", "-W", "-p", "mk.pub", "-s", "mk.key").expectSuccess();
        write("data", DATA);
        minisign(dir, null, "-S", "-s", "mk.key", "-m", "data").expectSuccess();
        byte[] changed = DATA.clone();
        changed[changed.length - 1] = ' ';

        assertThatExceptionOfType(IntegrityException.class)
                .isThrownBy(() -> trusting(MinisignPublicKey.read(dir.resolve("mk.pub")))
                        .verify(changed, Files.readAllBytes(dir.resolve("data.minisig")), "data.minisig"))
                .satisfies(e -> assertThat(e.code()).isEqualTo(ErrorCode.SIGNATURE_INVALID));
    }

    // ---- keys made by minisign work here ----

    @Test
    void unencryptedKeyPairFromMinisignLoadsAndSignsForMinisign() throws Exception {
        minisign(dir, null, "-G", "-W", "-p", "mk.pub", "-s", "mk.key").expectSuccess();
        MinisignSecretKey key = MinisignSecretKey.read(dir.resolve("mk.key"), NEVER_ASKED);
        MinisignPublicKey pub = MinisignPublicKey.read(dir.resolve("mk.pub"));
        write("data", DATA);
        write("data.minisig", new MinisignSigner(key).sign(DATA, "ours").toBytes());

        assertThat(key.publicKey()).isEqualTo(pub);
        assertThat(Files.readString(dir.resolve("mk.pub"))).isEqualTo(pub.toFileText());
        minisign(dir, null, "-V", "-m", "data", "-p", "mk.pub").expectSuccess();
    }

    @Test
    void encryptedKeyFromMinisignDecryptsWithItsPasswordAndSignsForMinisign() throws Exception {
        Path keyFile = minisignEncryptedKey();
        MinisignSecretKey key = MinisignSecretKey.read(keyFile, PasswordSource.of(PASSWORD.toCharArray()));
        MinisignPublicKey pub = MinisignPublicKey.read(sharedDir.resolve("enc.pub"));
        write("data", DATA);
        write("data.minisig", new MinisignSigner(key).sign(DATA, "ours").toBytes());

        assertThat(key.publicKey()).isEqualTo(pub);
        minisign(dir, null, "-V", "-m", "data", "-P", pub.toBase64()).expectSuccess();
    }

    @Test
    void filesMinisignSignsWithAnEncryptedKeyVerifyWithUs() throws Exception {
        Path keyFile = minisignEncryptedKey();
        write("data", DATA);
        minisign(dir, PASSWORD + "\n", "-S", "-s", keyFile.toString(), "-m", "data").expectSuccess();

        VerifiedSignature verified = trusting(MinisignPublicKey.read(sharedDir.resolve("enc.pub")))
                .verify(DATA, Files.readAllBytes(dir.resolve("data.minisig")), "data.minisig");

        assertThat(verified.algorithm()).isEqualTo(MinisignAlgorithm.PREHASHED);
    }

    // ---- keys made here work in minisign ----

    @Test
    void unencryptedKeyWeWriteSignsWithMinisignAndRecreatesOurPublicKey() throws Exception {
        MinisignSecretKey key = MinisignSecretKey.generate(RANDOM);
        write("ours.key", key.toUnencryptedFileText());
        write("data", DATA);

        minisign(dir, null, "-S", "-s", "ours.key", "-m", "data").expectSuccess();
        minisign(dir, null, "-R", "-s", "ours.key", "-p", "recreated.pub").expectSuccess();

        assertThat(trusting(key.publicKey()).verify(DATA, Files.readAllBytes(dir.resolve("data.minisig")), "d")
                .keyId()).isEqualTo(key.keyId());
        assertThat(Files.readString(dir.resolve("recreated.pub"))).isEqualTo(key.publicKey().toFileText());
    }

    @ParameterizedTest(name = "opslimit {0}, memlimit {1}")
    @CsvSource({
        // pickparams' first branch (ops < mem/32): N = 2^10, p = 1
        "32768, 16777216",
        // its second branch with p = 2: N = 2^14
        "1048576, 16777216",
        // libsodium's INTERACTIVE limits: N = 2^14, p = 1
        "524288, 16777216",
    })
    void encryptedKeyWeWriteIsDecryptedByMinisignWithTheSamePassword(long ops, long mem) throws Exception {
        MinisignSecretKey key = MinisignSecretKey.generate(RANDOM);
        write("ours.key", key.toEncryptedFileText(MinisignSecretKey.DEFAULT_COMMENT, PASSWORD.toCharArray(),
                new ScryptLimits(ops, mem), RANDOM));
        write("data", DATA);

        minisign(dir, PASSWORD + "\n", "-S", "-s", "ours.key", "-m", "data").expectSuccess();
        Result wrongPassword = minisign(dir, "not the password\n", "-S", "-s", "ours.key", "-m", "data",
                "-x", "wrong.minisig");

        assertThat(trusting(key.publicKey()).verify(DATA, Files.readAllBytes(dir.resolve("data.minisig")), "d")
                .keyId()).isEqualTo(key.keyId());
        assertThat(wrongPassword.exit()).isNotZero();
        assertThat(wrongPassword.err()).contains("Wrong password");
    }
}
