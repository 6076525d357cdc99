package com.cmdop.update.publish;

import com.cmdop.update.model.error.ErrorCode;
import com.cmdop.update.model.error.IntegrityException;
import com.cmdop.update.model.error.InvalidInputException;
import com.cmdop.update.io.AtomicFiles;
import com.cmdop.update.trust.MinisignPublicKey;
import com.cmdop.update.trust.MinisignSignature;
import com.cmdop.update.trust.MinisignVerifier;
import com.cmdop.update.trust.TrustedKeys;
import com.cmdop.update.trust.VerifiedSignature;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * {@code release verify}: checks a file against its {@code .minisig} the way the updater checks feed
 * files ({@link MinisignVerifier} with its default policy: the key id must be one of the given keys;
 * prehashed {@code ED} and legacy {@code Ed} both verify; the trusted comment must be intact). The file
 * is streamed, so an artifact of any size can be checked.
 */
public final class FileVerifier {
    private FileVerifier() {}

    /** A successful verification. */
    public record Outcome(Path file, Path signature, VerifiedSignature verified) {}

    public static Outcome verify(List<MinisignPublicKey> keys, Path file, Path signature) {
        if (!Files.isRegularFile(file)) {
            throw new InvalidInputException(ErrorCode.INVALID_INPUT, file + ": " + (Files.exists(file)
                    ? "not a regular file" : "no such file") + "; give the file to verify",
                    Map.of("field", "FILE", "path", file.toString()));
        }
        if (!Files.isRegularFile(signature)) {
            throw new IntegrityException(ErrorCode.SIGNATURE_INVALID, signature + ": no such signature file, so "
                    + file + " cannot be verified; give it with --sig FILE.minisig (default: the file's name +"
                    + " .minisig)", Map.of("source", signature.toString(), "reason", "missing_signature"));
        }
        MinisignVerifier verifier = new MinisignVerifier(TrustedKeys.of(keys));
        MinisignSignature sig;
        try (InputStream in = Files.newInputStream(signature)) {
            sig = MinisignSignature.read(in, signature.toString());
        } catch (IOException e) {
            throw AtomicFiles.ioFailure("read", signature, e);
        }
        try (InputStream in = Files.newInputStream(file)) {
            return new Outcome(file, signature, verifier.verify(in, sig, signature.toString()));
        } catch (IOException e) {
            throw AtomicFiles.ioFailure("read", file, e);
        }
    }
}
