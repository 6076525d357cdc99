package com.cmdop.update.trust;

import com.cmdop.update.model.error.ErrorCode;
import com.cmdop.update.model.error.IntegrityException;
import com.cmdop.update.model.error.InvalidInputException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A parsed {@code .minisig} file. The format is exactly four lines:
 *
 * <pre>
 * untrusted comment: &lt;anything&gt;
 * base64 of 74 bytes: "Ed" or "ED" | key id (8) | Ed25519 signature (64)
 * trusted comment: &lt;text&gt;
 * base64 of 64 bytes: Ed25519 signature over (signature bytes || trusted comment text)
 * </pre>
 *
 * <p>Parsing is strict; anything else is refused with {@code SIGNATURE_INVALID}: a file over 16 KiB,
 * a missing line or prefix, non-canonical base64, a wrong length, an unknown algorithm, a NUL byte
 * or content after the fourth line. Lines end with {@code \n} as minisign writes them; {@code \r\n}
 * is tolerated (minisign tolerates it too), the {@code \r} is not part of the trusted comment, and
 * the last newline is optional. Line lengths are bounded like minisign's own buffers (the untrusted
 * comment line at 1023 bytes, the trusted comment line at 8191 bytes, terminator included), so
 * what we accept, minisign accepts.
 *
 * <p>Parsing checks no signature: {@link MinisignVerifier} does.
 */
public final class MinisignSignature {
    /** Whole-file cap. minisign's own buffers bound a signature file to about 9.5 KiB. */
    public static final int MAX_FILE_BYTES = 16 * 1024;
    static final int SIGNATURE_BYTES = 64;
    static final int SIGNATURE_LINE_BYTES = 2 + KeyIds.LENGTH + SIGNATURE_BYTES;
    /** minisign reads the untrusted comment line into a 1024-byte buffer (COMMENTMAXBYTES). */
    static final int MAX_UNTRUSTED_LINE_BYTES = 1023;
    /** minisign reads the trusted comment line into an 8192-byte buffer (TRUSTEDCOMMENTMAXBYTES). */
    static final int MAX_TRUSTED_LINE_BYTES = 8191;
    static final String UNTRUSTED_PREFIX = "untrusted comment: ";
    static final String TRUSTED_PREFIX = "trusted comment: ";

    private final MinisignAlgorithm algorithm;
    private final byte[] keyId;
    private final byte[] signature;
    private final byte[] untrustedComment;
    private final byte[] trustedComment;
    private final byte[] globalSignature;

    MinisignSignature(MinisignAlgorithm algorithm, byte[] keyId, byte[] signature, byte[] untrustedComment,
            byte[] trustedComment, byte[] globalSignature) {
        this.algorithm = algorithm;
        this.keyId = keyId.clone();
        this.signature = signature.clone();
        this.untrustedComment = untrustedComment.clone();
        this.trustedComment = trustedComment.clone();
        this.globalSignature = globalSignature.clone();
    }

    /** Parses the bytes of a {@code .minisig} file; {@code source} (a URL, a path) names it in errors. */
    public static MinisignSignature parse(byte[] fileBytes, String source) {
        try {
            return parseOrExplain(fileBytes);
        } catch (FormatProblem e) {
            throw malformed(source, e.getMessage());
        }
    }

    /** Parses the text of a {@code .minisig} file (encoded as UTF-8). */
    public static MinisignSignature parse(String fileText, String source) {
        return parse(fileText.getBytes(StandardCharsets.UTF_8), source);
    }

    /** Reads and parses a {@code .minisig} from a stream, reading at most {@link #MAX_FILE_BYTES} + 1 bytes. */
    public static MinisignSignature read(InputStream in, String source) throws IOException {
        return parse(BoundedRead.atMostOneMore(in, MAX_FILE_BYTES), source);
    }

    private static MinisignSignature parseOrExplain(byte[] data) throws FormatProblem {
        if (data.length > MAX_FILE_BYTES) {
            throw new FormatProblem("the file is larger than " + MAX_FILE_BYTES + " bytes");
        }
        if (data.length == 0) {
            throw new FormatProblem("the file is empty");
        }
        List<TextLines.Line> lines = TextLines.split(data);
        String[] names = {"the untrusted comment line", "the signature line", "the trusted comment line",
            "the global signature line"};
        if (lines.size() < 4) {
            throw new FormatProblem("it has " + lines.size() + " line(s), expected 4; " + names[lines.size()]
                    + " (line " + (lines.size() + 1) + ") is missing");
        }
        if (lines.size() > 4) {
            throw new FormatProblem("unexpected content after the 4th line (line 5 onwards)");
        }

        TextLines.Line untrusted = lines.get(0);
        if (!TextLines.startsWith(untrusted.content(), UNTRUSTED_PREFIX)) {
            throw new FormatProblem("line 1 must start with \"" + UNTRUSTED_PREFIX + "\"");
        }
        if (untrusted.lengthWithTerminator() > MAX_UNTRUSTED_LINE_BYTES) {
            throw new FormatProblem("line 1 (the untrusted comment) is longer than " + MAX_UNTRUSTED_LINE_BYTES
                    + " bytes");
        }

        byte[] sigLine = StrictBase64.decode(lines.get(1).content(), SIGNATURE_LINE_BYTES,
                "line 2 (the signature)");
        MinisignAlgorithm algorithm = MinisignAlgorithm.fromBytes(sigLine[0], sigLine[1]);
        if (algorithm == null) {
            throw new FormatProblem("unsupported signature algorithm in line 2 (expected \"Ed\" or \"ED\")");
        }

        TextLines.Line trusted = lines.get(2);
        if (!TextLines.startsWith(trusted.content(), TRUSTED_PREFIX)) {
            throw new FormatProblem("line 3 must start with \"" + TRUSTED_PREFIX + "\"");
        }
        if (trusted.lengthWithTerminator() > MAX_TRUSTED_LINE_BYTES) {
            throw new FormatProblem("line 3 (the trusted comment) is longer than " + MAX_TRUSTED_LINE_BYTES
                    + " bytes");
        }

        byte[] global = StrictBase64.decode(lines.get(3).content(), SIGNATURE_BYTES,
                "line 4 (the global signature)");

        return new MinisignSignature(algorithm,
                Arrays.copyOfRange(sigLine, 2, 2 + KeyIds.LENGTH),
                Arrays.copyOfRange(sigLine, 2 + KeyIds.LENGTH, SIGNATURE_LINE_BYTES),
                TextLines.after(untrusted.content(), UNTRUSTED_PREFIX.length()),
                TextLines.after(trusted.content(), TRUSTED_PREFIX.length()),
                global);
    }

    static IntegrityException malformed(String source, String reason) {
        Map<String, Object> details = new LinkedHashMap<>();
        if (source != null) {
            details.put("source", source);
        }
        details.put("reason", reason);
        return new IntegrityException(ErrorCode.SIGNATURE_INVALID,
                (source == null ? "" : source + ": ") + "not a valid minisign signature file: " + reason
                        + "; expected the 4-line .minisig that minisign -S or cmdop-update release writes;"
                        + " the file is corrupt or was tampered with, nothing was changed",
                details);
    }

    /** Checks a comment the signer is about to write: one line, bounded like minisign bounds it. */
    static byte[] checkedComment(String comment, String what, int maxBytes) {
        if (comment == null) {
            throw new IllegalArgumentException(what + " is required");
        }
        if (comment.indexOf('\n') >= 0 || comment.indexOf('\r') >= 0 || comment.indexOf('\0') >= 0) {
            throw InvalidInputException.field(ErrorCode.INVALID_INPUT, null, what,
                    "must be one line without CR, LF or NUL characters");
        }
        byte[] bytes = comment.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > maxBytes) {
            throw InvalidInputException.field(ErrorCode.INVALID_INPUT, null, what,
                    "is " + bytes.length + " bytes in UTF-8; minisign accepts at most " + maxBytes);
        }
        return bytes;
    }

    public MinisignAlgorithm algorithm() {
        return algorithm;
    }

    /** The id of the key that made the signature, as minisign displays it. */
    public String keyId() {
        return KeyIds.display(keyId);
    }

    /** The trusted comment text (signed by the global signature), without its prefix. */
    public String trustedComment() {
        return new String(trustedComment, StandardCharsets.UTF_8);
    }


    long keyNumber() {
        return KeyIds.littleEndian(keyId);
    }

    byte[] signatureBytes() {
        return signature.clone();
    }

    byte[] globalSignatureBytes() {
        return globalSignature.clone();
    }

    /** The bytes the global signature covers: the 64 signature bytes, then the trusted comment bytes. */
    byte[] globallySignedBytes() {
        return globallySigned(signature, trustedComment);
    }

    static byte[] globallySigned(byte[] signature, byte[] trustedComment) {
        byte[] out = new byte[signature.length + trustedComment.length];
        System.arraycopy(signature, 0, out, 0, signature.length);
        System.arraycopy(trustedComment, 0, out, signature.length, trustedComment.length);
        return out;
    }

    /** The file exactly as minisign writes it: four lines, each ending with {@code \n}. */
    public byte[] toBytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(400 + trustedComment.length);
        out.writeBytes(UNTRUSTED_PREFIX.getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(untrustedComment);
        out.write('\n');
        byte[] sigLine = new byte[SIGNATURE_LINE_BYTES];
        System.arraycopy(algorithm.codeBytes(), 0, sigLine, 0, 2);
        System.arraycopy(keyId, 0, sigLine, 2, KeyIds.LENGTH);
        System.arraycopy(signature, 0, sigLine, 2 + KeyIds.LENGTH, SIGNATURE_BYTES);
        out.writeBytes(StrictBase64.encode(sigLine).getBytes(StandardCharsets.US_ASCII));
        out.write('\n');
        out.writeBytes(TRUSTED_PREFIX.getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(trustedComment);
        out.write('\n');
        out.writeBytes(StrictBase64.encode(globalSignature).getBytes(StandardCharsets.US_ASCII));
        out.write('\n');
        return out.toByteArray();
    }

    /** {@link #toBytes()} as text. */
    public String toFileText() {
        return new String(toBytes(), StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "minisign " + algorithm.code() + " signature by key " + keyId();
    }
}
