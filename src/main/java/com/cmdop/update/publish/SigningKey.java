package com.cmdop.update.publish;

import com.cmdop.update.model.error.ErrorCode;
import com.cmdop.update.model.error.InvalidInputException;
import com.cmdop.update.io.AtomicFiles;
import com.cmdop.update.trust.MinisignAlgorithm;
import com.cmdop.update.trust.MinisignPublicKey;
import com.cmdop.update.trust.MinisignSecretKey;
import com.cmdop.update.trust.MinisignSigner;
import com.cmdop.update.trust.MinisignVerifier;
import com.cmdop.update.trust.PasswordSource;
import com.cmdop.update.trust.TrustedKeys;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

/**
 * The publisher's secret key, loaded once per run, with what a publisher does with it: sign feed files
 * (prehashed {@code ED}, minisign's default trusted comment) and verify what is already in the feed
 * against its own public half before building on it.
 */
public final class SigningKey {
    private final MinisignSecretKey key;
    private final MinisignSigner signer;
    private final MinisignVerifier verifier;

    private SigningKey(MinisignSecretKey key) {
        this.key = key;
        this.signer = new MinisignSigner(key);
        this.verifier = new MinisignVerifier(TrustedKeys.of(key.publicKey()), MinisignVerifier.Policy.DEFAULT);
    }

    public static SigningKey of(MinisignSecretKey key) {
        return new SigningKey(key);
    }

    /**
     * Reads a minisign secret key file ({@code release keygen}, {@code minisign -G} or {@code -G -W}).
     * A missing or unreadable file, a public key given by mistake, a wrong password: INVALID_INPUT (65)
     * naming the file and what to do.
     */
    public static SigningKey read(Path file, PasswordSource passwords) {
        if (Files.isDirectory(file)) {
            throw problem(file, "is a directory; give the secret key file itself (cmdop.key)");
        }
        if (!Files.exists(file)) {
            throw problem(file, "no such file; give the secret key written by cmdop-update release keygen"
                    + " (cmdop.key) or minisign -G");
        }
        try {
            return new SigningKey(MinisignSecretKey.read(file, passwords));
        } catch (NoSuchFileException e) {
            throw problem(file, "no such file; give the secret key written by cmdop-update release keygen");
        } catch (AccessDeniedException e) {
            throw problem(file, "cannot be read (permission denied); run as the user who owns the key");
        } catch (IOException e) {
            throw AtomicFiles.ioFailure("read", file, e);
        }
    }

    private static InvalidInputException problem(Path file, String message) {
        return new InvalidInputException(ErrorCode.INVALID_INPUT, "--key " + file + ": " + message,
                Map.of("field", "--key", "path", file.toString()));
    }

    public String keyId() {
        return key.keyId();
    }

    public MinisignPublicKey publicKey() {
        return key.publicKey();
    }

    /** A verifier that trusts this key only. */
    public MinisignVerifier verifier() {
        return verifier;
    }

    /** The {@code .minisig} bytes for {@code data}, named {@code fileName} in minisign's default trusted comment. */
    public byte[] sign(byte[] data, String fileName, Instant now) {
        String comment = MinisignSigner.defaultTrustedComment(now.getEpochSecond(), fileName,
                MinisignAlgorithm.PREHASHED);
        return signer.sign(data, comment).toBytes();
    }
}
