package com.cmdop.update.trust;

import com.cmdop.update.model.error.ErrorCode;
import com.cmdop.update.model.error.InvalidInputException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * A minisign public key: base64 of 42 bytes, {@code "Ed"} | key id (8 bytes) | Ed25519 key (32 bytes).
 *
 * <p>{@link #parse} accepts what operators paste into {@code update.trusted_keys}: either the base64
 * line alone or the whole {@code .pub} file (an {@code untrusted comment:} line, then the base64
 * line). Leading and trailing whitespace is ignored. The comment line is never read for the key id:
 * the id comes from the signed bytes only. Everything else is strict: exact lengths, the {@code Ed}
 * algorithm, canonical base64 and a valid Ed25519 point.
 */
public final class MinisignPublicKey {
    static final int ENCODED_BYTES = 2 + KeyIds.LENGTH + 32;
    /** Generous: a .pub file is ~110 bytes; bounds what we read from a pasted value or a file. */
    static final int MAX_TEXT_BYTES = 4096;
    /** The size of a decoded minisign secret key, recognized only to tell the operator what was pasted. */
    private static final int SECRET_KEY_BYTES = 158;
    private static final String COMMENT_PREFIX = "untrusted comment:";

    private final byte[] keyId;
    private final byte[] key;
    private final Ed25519PublicKeyParameters parameters;

    private MinisignPublicKey(byte[] keyId, byte[] key, Ed25519PublicKeyParameters parameters) {
        this.keyId = keyId;
        this.key = key;
        this.parameters = parameters;
    }

    /** Parses a public key the operator gave on the command line or in a file; errors are INVALID_INPUT. */
    public static MinisignPublicKey parse(String text) {
        return parse(text, null, "public key", ErrorCode.INVALID_INPUT);
    }

    /**
     * Parses a public key, naming {@code source} (a file or config path) and {@code field} (such as
     * {@code update.trusted_keys[0]}) in errors, which are {@link InvalidInputException}s with {@code code}
     * ({@code INVALID_CONFIG} for config.yaml, {@code INVALID_INPUT} for a flag or file).
     */
    public static MinisignPublicKey parse(String text, String source, String field, ErrorCode code) {
        try {
            return parseOrExplain(text);
        } catch (FormatProblem e) {
            throw InvalidInputException.field(code, source, field, "not a minisign public key: " + e.getMessage()
                    + "; give the base64 line of the publisher's .pub file (56 characters starting with RW)"
                    + " or the whole .pub file");
        }
    }

    /** Reads a {@code .pub} file (or a file holding the base64 line alone). */
    public static MinisignPublicKey read(Path file) throws IOException {
        String text = new String(BoundedRead.keyFile(file, MAX_TEXT_BYTES), StandardCharsets.UTF_8);
        return parse(text, file.toString(), "public key", ErrorCode.INVALID_INPUT);
    }

    /** Builds the public key of a secret key; {@code key} must be a valid Ed25519 point. */
    static MinisignPublicKey of(byte[] keyId, byte[] key) {
        return new MinisignPublicKey(keyId.clone(), key.clone(), new Ed25519PublicKeyParameters(key, 0));
    }

    private static MinisignPublicKey parseOrExplain(String text) throws FormatProblem {
        if (text == null || text.isBlank()) {
            throw new FormatProblem("the value is empty");
        }
        byte[] bytes = text.strip().getBytes(StandardCharsets.UTF_8);
        if (bytes.length > MAX_TEXT_BYTES) {
            throw new FormatProblem("the value is " + bytes.length + " bytes long, more than a .pub file can be ("
                    + MAX_TEXT_BYTES + ")");
        }
        List<TextLines.Line> lines = TextLines.split(bytes);
        byte[] base64Line;
        if (lines.size() == 1) {
            base64Line = lines.get(0).content();
            if (TextLines.startsWith(base64Line, COMMENT_PREFIX)) {
                throw new FormatProblem("only the comment line was given; the base64 key line after it is missing");
            }
        } else if (lines.size() == 2) {
            if (!TextLines.startsWith(lines.get(0).content(), COMMENT_PREFIX)) {
                throw new FormatProblem("a .pub file starts with a line \"untrusted comment: ...\"");
            }
            base64Line = lines.get(1).content();
        } else {
            throw new FormatProblem("expected 1 line (base64) or 2 lines (a .pub file), got " + lines.size());
        }
        byte[] decoded = StrictBase64.decodeAny(new String(base64Line, StandardCharsets.ISO_8859_1),
                "the key line");
        if (decoded.length != ENCODED_BYTES) {
            throw new FormatProblem(describeWrongLength(decoded.length));
        }
        if (decoded[0] != 'E' || decoded[1] != 'd') {
            throw new FormatProblem("unsupported key algorithm (the first two bytes are not \"Ed\")");
        }
        byte[] keyId = Arrays.copyOfRange(decoded, 2, 2 + KeyIds.LENGTH);
        byte[] key = Arrays.copyOfRange(decoded, 2 + KeyIds.LENGTH, ENCODED_BYTES);
        Ed25519PublicKeyParameters parameters;
        try {
            parameters = new Ed25519PublicKeyParameters(key, 0);
        } catch (IllegalArgumentException e) {
            throw new FormatProblem("the 32-byte Ed25519 key is not a valid curve point");
        }
        return new MinisignPublicKey(keyId, key, parameters);
    }

    private static String describeWrongLength(int length) {
        String base = "the key decodes to " + length + " bytes, expected " + ENCODED_BYTES
                + " (\"Ed\", an 8-byte key id, a 32-byte Ed25519 key)";
        if (length == SECRET_KEY_BYTES) {
            return base + "; this is a minisign SECRET key: keep it private and use the .pub file instead";
        }
        if (length == MinisignSignature.SIGNATURE_LINE_BYTES) {
            return base + "; this looks like a signature line, not a public key";
        }
        return base;
    }

    /** The key id as minisign displays it, e.g. {@code E7620F1842B4E81F}. */
    public String keyId() {
        return KeyIds.display(keyId);
    }

    /** The 56-character base64 line ({@code minisign -P} value). */
    public String toBase64() {
        return StrictBase64.encode(encoded());
    }

    /**
     * The {@code .pub} file minisign writes: {@code untrusted comment: minisign public key <ID>} + base64.
     * minisign prints the id with {@code %" PRIX64 "}, without leading zeros, so ours does too and
     * {@code minisign -R} recreates the same file byte for byte.
     */
    public String toFileText() {
        String unpadded = keyId().replaceFirst("^0+(?=.)", "");
        return toFileText("minisign public key " + unpadded);
    }

    /** A {@code .pub} file with the given untrusted comment (one line, no CR/LF). */
    public String toFileText(String comment) {
        if (comment == null || comment.indexOf('\n') >= 0 || comment.indexOf('\r') >= 0
                || comment.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("a key file comment is one line without CR, LF or NUL");
        }
        return "untrusted comment: " + comment + "\n" + toBase64() + "\n";
    }

    byte[] keyIdBytes() {
        return keyId.clone();
    }

    long keyNumber() {
        return KeyIds.littleEndian(keyId);
    }

    /** Ed25519 verification of {@code signature} over {@code message}; a fresh signer per call (thread-safe). */
    boolean verifies(byte[] message, byte[] signature) {
        Ed25519Signer verifier = new Ed25519Signer();
        verifier.init(false, parameters);
        verifier.update(message, 0, message.length);
        return verifier.verifySignature(signature);
    }

    private byte[] encoded() {
        byte[] out = new byte[ENCODED_BYTES];
        out[0] = 'E';
        out[1] = 'd';
        System.arraycopy(keyId, 0, out, 2, KeyIds.LENGTH);
        System.arraycopy(key, 0, out, 2 + KeyIds.LENGTH, key.length);
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MinisignPublicKey other
                && MessageDigest.isEqual(encoded(), other.encoded());
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(encoded());
    }

    @Override
    public String toString() {
        return "minisign public key " + keyId();
    }
}
