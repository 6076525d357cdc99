package com.cmdop.update.publish;

import com.cmdop.update.model.error.ErrorCode;
import com.cmdop.update.model.error.InvalidInputException;
import com.cmdop.update.trust.MinisignSecretKey;
import com.cmdop.update.trust.ScryptLimits;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@code release keygen}: a new minisign key pair, {@value #SECRET_FILE} (mode 0600, minisign's secret
 * key format, encrypted with scrypt like {@code minisign -G} when a password is given, else like
 * {@code minisign -G -W}) and {@value #PUBLIC_FILE} (minisign's public key format). Existing keys are
 * never replaced without {@code force}: losing the publisher's key means every machine's
 * {@code update.trusted_keys} has to change.
 */
public final class KeyGenerator {
    public static final String SECRET_FILE = "cmdop.key";
    public static final String PUBLIC_FILE = "cmdop.pub";

    /** What was written. */
    public record Result(String keyId, String publicKeyBase64, boolean encrypted, Path secretKey, Path publicKey) {}

    private final SecureRandom random;
    private final ScryptLimits limits;

    /** Keys encrypted with minisign's own scrypt cost ({@link ScryptLimits#MINISIGN_DEFAULT}, 1 GiB). */
    public KeyGenerator(SecureRandom random) {
        this(random, ScryptLimits.MINISIGN_DEFAULT);
    }

    KeyGenerator(SecureRandom random, ScryptLimits limits) {
        this.random = Objects.requireNonNull(random, "random");
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    /** Checks that {@code outDir} may receive a key pair; call before asking for a password. */
    public static void checkTarget(Path outDir, boolean force) {
        if (Files.exists(outDir) && !Files.isDirectory(outDir)) {
            throw new InvalidInputException(ErrorCode.INVALID_INPUT, "--out " + outDir + " is not a directory;"
                    + " give the directory to write cmdop.key and cmdop.pub into", Map.of("field", "--out"));
        }
        List<String> existing = new ArrayList<>();
        for (String name : List.of(SECRET_FILE, PUBLIC_FILE)) {
            if (Files.exists(outDir.resolve(name), LinkOption.NOFOLLOW_LINKS)) {
                existing.add(outDir.resolve(name).toString());
            }
        }
        if (!existing.isEmpty() && !force) {
            throw new InvalidInputException(ErrorCode.INVALID_INPUT, String.join(" and ", existing)
                    + (existing.size() == 1 ? " already exists" : " already exist") + "; keeping them (machines"
                    + " trust the public key, so a new key means changing update.trusted_keys everywhere);"
                    + " choose another --out, or pass --force to replace them",
                    Map.of("field", "--out", "existing", existing));
        }
    }

    /**
     * Writes a new key pair into {@code outDir} (created with mode 0700 if missing). {@code password} null
     * means unencrypted; the array is wiped.
     */
    public Result generate(Path outDir, boolean force, char[] password) {
        checkTarget(outDir, force);
        MinisignSecretKey key = MinisignSecretKey.generate(random);
        String secretText;
        if (password == null) {
            secretText = key.toUnencryptedFileText();
        } else {
            try {
                secretText = key.toEncryptedFileText(MinisignSecretKey.DEFAULT_COMMENT, password, limits, random);
            } finally {
                Arrays.fill(password, '\0');
            }
        }
        FeedFiles.createDirectories(outDir, FeedFiles.PRIVATE_DIR);
        Path secret = outDir.resolve(SECRET_FILE);
        Path pub = outDir.resolve(PUBLIC_FILE);
        // the secret first: a pub without its secret key would be worse than a secret without its pub
        FeedFiles.write(secret, secretText.getBytes(StandardCharsets.UTF_8), FeedFiles.SECRET_FILE);
        FeedFiles.write(pub, key.publicKey().toFileText().getBytes(StandardCharsets.UTF_8), FeedFiles.PUBLIC_FILE);
        return new Result(key.keyId(), key.publicKey().toBase64(), password != null, secret, pub);
    }
}
