package com.cmdop.update.trust;

import com.cmdop.update.model.error.ErrorCode;
import com.cmdop.update.model.error.InvalidInputException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.crypto.digests.Blake2bDigest;
import org.bouncycastle.crypto.generators.SCrypt;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * A minisign secret key, read from or written to minisign's secret key file: an untrusted comment
 * line, then base64 of 158 bytes laid out as in minisign's {@code SeckeyStruct}:
 *
 * <pre>
 * sig_alg[2] "Ed" | kdf_alg[2] "Sc" or 00 00 | chk_alg[2] "B2" | kdf_salt[32]
 * | kdf_opslimit[8] LE | kdf_memlimit[8] LE | keynum_sk { keynum[8] | sk[64] | chk[32] }
 * </pre>
 *
 * <p>{@code sk} is the Ed25519 seed followed by the public key; {@code chk} is BLAKE2b-256 over
 * sig_alg | keynum | sk. An encrypted key ({@code minisign -G}) XORs the 104 bytes of {@code keynum_sk}
 * with scrypt(password, salt, N, r, p) where N, r, p come from the limits as libsodium picks them
 * ({@link ScryptLimits}); a wrong password shows as a checksum mismatch. An unencrypted key
 * ({@code minisign -G -W}) has kdf_alg 00 00; minisign leaves its checksum all zeros, which is
 * accepted, and a non-zero checksum must match. In both cases the public half of {@code sk} must
 * be the one derived from the seed.
 *
 * <p>Writing: {@link #toUnencryptedFileText} writes the {@code -G -W} layout with a real checksum (as
 * {@code minisign -C -W} leaves it; minisign does not read it for unencrypted keys);
 * {@link #toEncryptedFileText} writes what {@code minisign -G} writes.
 */
public final class MinisignSecretKey {
    public static final String DEFAULT_COMMENT = "minisign encrypted secret key";
    static final int ENCODED_BYTES = 158;
    static final int MAX_FILE_BYTES = 4096;
    /** minisign reads passwords into a 1024-byte buffer (PASSWORDMAXBYTES). */
    static final int MAX_PASSWORD_BYTES = 1023;
    private static final int SEED_BYTES = 32;
    private static final int PUBLIC_BYTES = 32;
    private static final int SALT_BYTES = 32;
    private static final int CHECKSUM_BYTES = 32;
    private static final int KEYNUM_SK_OFFSET = 54;
    private static final int KEYNUM_SK_BYTES = KeyIds.LENGTH + SEED_BYTES + PUBLIC_BYTES + CHECKSUM_BYTES;
    private static final int SK_OFFSET = KEYNUM_SK_OFFSET + KeyIds.LENGTH;
    private static final int CHK_OFFSET = SK_OFFSET + SEED_BYTES + PUBLIC_BYTES;
    private static final byte[] SIG_ALG = {'E', 'd'};
    private static final byte[] KDF_SCRYPT = {'S', 'c'};
    private static final byte[] KDF_NONE = {0, 0};
    private static final byte[] CHK_BLAKE2B = {'B', '2'};
    private static final String COMMENT_PREFIX = "untrusted comment:";

    private final byte[] keyId;
    private final Ed25519PrivateKeyParameters privateKey;
    private final MinisignPublicKey publicKey;

    private MinisignSecretKey(byte[] keyId, Ed25519PrivateKeyParameters privateKey) {
        this.keyId = keyId.clone();
        this.privateKey = privateKey;
        this.publicKey = MinisignPublicKey.of(keyId, privateKey.generatePublicKey().getEncoded());
    }

    /** A new key pair: a random 32-byte Ed25519 seed and a random 8-byte key id. */
    public static MinisignSecretKey generate(SecureRandom random) {
        byte[] keyId = new byte[KeyIds.LENGTH];
        random.nextBytes(keyId);
        return new MinisignSecretKey(keyId, new Ed25519PrivateKeyParameters(random));
    }

    /**
     * Parses a secret key file's text. {@code passwords} is asked only when the key is encrypted.
     * Every problem is an {@link InvalidInputException} naming {@code source}.
     */
    public static MinisignSecretKey parse(String fileText, String source, PasswordSource passwords) {
        Objects.requireNonNull(passwords, "passwords");
        byte[] raw = decodeFile(fileText, source);
        try {
            return decrypt(raw, source, passwords);
        } finally {
            Arrays.fill(raw, (byte) 0);
        }
    }

    /** Reads and parses a secret key file. */
    public static MinisignSecretKey read(Path file, PasswordSource passwords) throws IOException {
        byte[] bytes = BoundedRead.keyFile(file, MAX_FILE_BYTES);
        try {
            return parse(new String(bytes, StandardCharsets.UTF_8), file.toString(), passwords);
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    private static byte[] decodeFile(String fileText, String source) {
        try {
            if (fileText == null || fileText.isEmpty()) {
                throw new FormatProblem("the file is empty");
            }
            byte[] bytes = fileText.getBytes(StandardCharsets.UTF_8);
            if (bytes.length > MAX_FILE_BYTES) {
                throw new FormatProblem("the file is larger than " + MAX_FILE_BYTES + " bytes");
            }
            List<TextLines.Line> lines = TextLines.split(bytes);
            if (lines.size() != 2) {
                throw new FormatProblem("expected 2 lines (an untrusted comment, then the base64 key), got "
                        + lines.size());
            }
            if (!TextLines.startsWith(lines.get(0).content(), COMMENT_PREFIX)) {
                throw new FormatProblem("line 1 must start with \"untrusted comment:\"");
            }
            byte[] raw = StrictBase64.decodeAny(new String(lines.get(1).content(), StandardCharsets.ISO_8859_1),
                    "line 2 (the key)");
            if (raw.length != ENCODED_BYTES) {
                String hint = raw.length == MinisignPublicKey.ENCODED_BYTES
                        ? "; this is a public key (.pub), the secret key is the other file" : "";
                throw new FormatProblem("line 2 decodes to " + raw.length + " bytes, expected " + ENCODED_BYTES
                        + hint);
            }
            if (!has(raw, 0, SIG_ALG)) {
                throw new FormatProblem("unsupported signature algorithm (expected \"Ed\")");
            }
            if (!has(raw, 4, CHK_BLAKE2B)) {
                throw new FormatProblem("unsupported checksum algorithm (expected \"B2\")");
            }
            if (!has(raw, 2, KDF_SCRYPT) && !has(raw, 2, KDF_NONE)) {
                throw new FormatProblem("unsupported key derivation (expected \"Sc\" for scrypt or none)");
            }
            return raw;
        } catch (FormatProblem e) {
            throw problem(source, "not a minisign secret key: " + e.getMessage()
                    + "; give the secret key file written by minisign -G or cmdop-update release keygen");
        }
    }

    private static MinisignSecretKey decrypt(byte[] raw, String source, PasswordSource passwords) {
        boolean encrypted = has(raw, 2, KDF_SCRYPT);
        if (encrypted) {
            ScryptLimits limits = new ScryptLimits(le64(raw, 38), le64(raw, 46));
            byte[] stream = scrypt(passwords, source, Arrays.copyOfRange(raw, 6, 6 + SALT_BYTES), limits);
            xor(raw, KEYNUM_SK_OFFSET, stream);
            Arrays.fill(stream, (byte) 0);
        }
        byte[] stored = Arrays.copyOfRange(raw, CHK_OFFSET, CHK_OFFSET + CHECKSUM_BYTES);
        boolean checksumMatches = MessageDigest.isEqual(stored, checksum(raw));
        if (encrypted && !checksumMatches) {
            throw problem(source, "wrong password or corrupted key: checksum mismatch; check the password"
                    + " and that this is the right key file");
        }
        if (!encrypted && !checksumMatches && !isAllZero(stored)) {
            throw problem(source, "corrupted key: checksum mismatch; restore the key file from a backup");
        }
        byte[] keyId = Arrays.copyOfRange(raw, KEYNUM_SK_OFFSET, SK_OFFSET);
        byte[] seed = Arrays.copyOfRange(raw, SK_OFFSET, SK_OFFSET + SEED_BYTES);
        Ed25519PrivateKeyParameters privateKey = new Ed25519PrivateKeyParameters(seed, 0);
        Arrays.fill(seed, (byte) 0);
        byte[] storedPublic = Arrays.copyOfRange(raw, SK_OFFSET + SEED_BYTES, CHK_OFFSET);
        if (!MessageDigest.isEqual(storedPublic, privateKey.generatePublicKey().getEncoded())) {
            throw problem(source, "corrupted key: its public half does not belong to its secret half;"
                    + " restore the key file from a backup");
        }
        return new MinisignSecretKey(keyId, privateKey);
    }

    private static byte[] scrypt(PasswordSource passwords, String source, byte[] salt, ScryptLimits limits) {
        ScryptLimits.Parameters parameters = limits.parameters();
        String refused = parameters.whyRefused();
        if (refused != null) {
            throw problem(source, "the key's scrypt parameters (" + limits + ") are refused: " + refused
                    + "; re-encrypt the key with minisign -C or cmdop-update release keygen");
        }
        char[] password = passwords.password(source);
        if (password == null) {
            throw problem(source, "the secret key is encrypted and no password was given");
        }
        byte[] passwordBytes = utf8(password, source);
        try {
            return SCrypt.generate(passwordBytes, salt, (int) parameters.n(), parameters.r(), parameters.p(),
                    KEYNUM_SK_BYTES);
        } catch (OutOfMemoryError e) {
            throw problem(source, "not enough memory to derive the key from the password (scrypt needs "
                    + (parameters.memoryBytes() >> 20) + " MiB); run with a larger Java heap, e.g."
                    + " JAVA_TOOL_OPTIONS=-Xmx2g");
        } finally {
            Arrays.fill(passwordBytes, (byte) 0);
        }
    }

    private static byte[] utf8(char[] password, String source) {
        try {
            ByteBuffer encoded = StandardCharsets.UTF_8.newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .encode(CharBuffer.wrap(password));
            byte[] out = new byte[encoded.remaining()];
            encoded.get(out);
            if (encoded.hasArray()) {
                Arrays.fill(encoded.array(), (byte) 0);
            }
            if (out.length > MAX_PASSWORD_BYTES) {
                Arrays.fill(out, (byte) 0);
                throw problem(source, "the password is longer than " + MAX_PASSWORD_BYTES
                        + " bytes, which minisign cannot use");
            }
            return out;
        } catch (CharacterCodingException e) {
            throw problem(source, "the password is not valid Unicode text");
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    /** BLAKE2b-256 over sig_alg | keynum | sk, as minisign's {@code seckey_compute_chk}. */
    private static byte[] checksum(byte[] raw) {
        Blake2bDigest digest = new Blake2bDigest(CHECKSUM_BYTES * 8);
        digest.update(raw, 0, 2);
        digest.update(raw, KEYNUM_SK_OFFSET, KeyIds.LENGTH + SEED_BYTES + PUBLIC_BYTES);
        byte[] out = new byte[CHECKSUM_BYTES];
        digest.doFinal(out, 0);
        return out;
    }

    public String keyId() {
        return KeyIds.display(keyId);
    }

    public MinisignPublicKey publicKey() {
        return publicKey;
    }

    /** The unencrypted key file ({@code minisign -G -W} layout) with {@link #DEFAULT_COMMENT}. */
    public String toUnencryptedFileText() {
        return toUnencryptedFileText(DEFAULT_COMMENT);
    }

    /** The unencrypted key file ({@code minisign -G -W} layout) with the given untrusted comment. */
    public String toUnencryptedFileText(String comment) {
        byte[] raw = plainStruct(KDF_NONE);
        try {
            return fileText(comment, raw);
        } finally {
            Arrays.fill(raw, (byte) 0);
        }
    }

    /**
     * The encrypted key file as {@code minisign -G} writes it, with a fresh random salt. Use
     * {@link ScryptLimits#MINISIGN_DEFAULT} unless there is a reason not to. The password array is wiped.
     */
    public String toEncryptedFileText(String comment, char[] password, ScryptLimits limits, SecureRandom random) {
        Objects.requireNonNull(limits, "limits");
        if (Long.compareUnsigned(limits.opsLimit(), ScryptLimits.OPS_LIMIT_MIN) < 0
                || Long.compareUnsigned(limits.memLimit(), ScryptLimits.MEM_LIMIT_MIN) < 0) {
            throw new IllegalArgumentException("scrypt limits below libsodium's minimum: " + limits);
        }
        String refused = limits.parameters().whyRefused();
        if (refused != null) {
            throw new IllegalArgumentException("scrypt limits " + limits + " refused: " + refused);
        }
        byte[] raw = plainStruct(KDF_SCRYPT);
        try {
            byte[] salt = new byte[SALT_BYTES];
            random.nextBytes(salt);
            System.arraycopy(salt, 0, raw, 6, SALT_BYTES);
            putLe64(raw, 38, limits.opsLimit());
            putLe64(raw, 46, limits.memLimit());
            byte[] stream = scrypt(keySource -> password.clone(), "new secret key", salt, limits);
            Arrays.fill(password, '\0');
            xor(raw, KEYNUM_SK_OFFSET, stream);
            Arrays.fill(stream, (byte) 0);
            return fileText(comment, raw);
        } finally {
            Arrays.fill(raw, (byte) 0);
        }
    }

    private byte[] plainStruct(byte[] kdf) {
        byte[] raw = new byte[ENCODED_BYTES];
        System.arraycopy(SIG_ALG, 0, raw, 0, 2);
        System.arraycopy(kdf, 0, raw, 2, 2);
        System.arraycopy(CHK_BLAKE2B, 0, raw, 4, 2);
        System.arraycopy(keyId, 0, raw, KEYNUM_SK_OFFSET, KeyIds.LENGTH);
        privateKey.encode(raw, SK_OFFSET);
        privateKey.generatePublicKey().encode(raw, SK_OFFSET + SEED_BYTES);
        System.arraycopy(checksum(raw), 0, raw, CHK_OFFSET, CHECKSUM_BYTES);
        return raw;
    }

    private static String fileText(String comment, byte[] raw) {
        if (comment == null || comment.indexOf('\n') >= 0 || comment.indexOf('\r') >= 0
                || comment.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("a key file comment is one line without CR, LF or NUL");
        }
        return "untrusted comment: " + comment + "\n" + StrictBase64.encode(raw) + "\n";
    }

    /** Ed25519 signature of {@code message}; a fresh signer per call (thread-safe). */
    byte[] sign(byte[] message) {
        Ed25519Signer signer = new Ed25519Signer();
        signer.init(true, privateKey);
        signer.update(message, 0, message.length);
        return signer.generateSignature();
    }

    byte[] keyIdBytes() {
        return keyId.clone();
    }

    private static InvalidInputException problem(String source, String message) {
        return InvalidInputException.field(ErrorCode.INVALID_INPUT, source, null, message);
    }

    private static boolean has(byte[] raw, int offset, byte[] expected) {
        return raw[offset] == expected[0] && raw[offset + 1] == expected[1];
    }

    private static boolean isAllZero(byte[] bytes) {
        int acc = 0;
        for (byte b : bytes) {
            acc |= b;
        }
        return acc == 0;
    }

    private static void xor(byte[] target, int offset, byte[] stream) {
        for (int i = 0; i < stream.length; i++) {
            target[offset + i] ^= stream[i];
        }
    }

    private static long le64(byte[] raw, int offset) {
        long value = 0;
        for (int i = 7; i >= 0; i--) {
            value = (value << 8) | (raw[offset + i] & 0xFFL);
        }
        return value;
    }

    private static void putLe64(byte[] raw, int offset, long value) {
        for (int i = 0; i < 8; i++) {
            raw[offset + i] = (byte) (value >>> (8 * i));
        }
    }

    @Override
    public String toString() {
        return "minisign secret key " + keyId();
    }
}
