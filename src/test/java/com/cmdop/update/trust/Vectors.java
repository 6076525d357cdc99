package com.cmdop.update.trust;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The public minisign known-answer vectors in src/test/resources/vectors/minisign (see its README). */
final class Vectors {
    /** A signature's untrusted comment, as its file's first line carries it. */
    static String untrustedComment(MinisignSignature sig) {
        String first = new String(sig.toBytes(), java.nio.charset.StandardCharsets.UTF_8).lines().findFirst().orElseThrow();
        return first.substring("untrusted comment: ".length());
    }

    /** The 4 bytes {@code test}, no newline. */
    static final byte[] TEST = bytes("test.txt");
    static final String PK_A_ID = "E7620F1842B4E81F";
    static final String PK_B_ID = "0D4D39827CD08C21";

    private Vectors() {}

    static byte[] bytes(String name) {
        try (InputStream in = Vectors.class.getResourceAsStream("/vectors/minisign/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing test vector " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String text(String name) {
        return new String(bytes(name), StandardCharsets.UTF_8);
    }

    static MinisignPublicKey pkA() {
        return MinisignPublicKey.parse(text("pk-a.pub"));
    }

    static MinisignPublicKey pkB() {
        return MinisignPublicKey.parse(text("pk-b.pub"));
    }

    static MinisignSignature signature(String name) {
        return MinisignSignature.parse(bytes(name), name);
    }
}
