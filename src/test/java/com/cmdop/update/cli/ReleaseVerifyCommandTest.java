package com.cmdop.update.cli;

import static com.cmdop.update.publish.PublishFixture.assertFailed;
import static org.assertj.core.api.Assertions.assertThat;

import com.cmdop.update.publish.PublishFixture;
import com.cmdop.update.support.Cli;
import com.cmdop.update.trust.MinisignAlgorithm;
import com.cmdop.update.trust.MinisignSecretKey;
import com.cmdop.update.trust.MinisignSigner;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code release verify}, in-process. */
class ReleaseVerifyCommandTest {
    private static final byte[] DATA = "{\"schema\":1}\n".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    private PublishFixture f;
    private Path file;

    @BeforeEach
    void signedFile() throws IOException {
        f = new PublishFixture(dir);
        file = Files.write(dir.resolve("data.json"), DATA);
        Files.write(dir.resolve("data.json.minisig"), new MinisignSigner(f.key).sign(DATA,
                MinisignSigner.defaultTrustedComment(1795773600L, "data.json", MinisignAlgorithm.PREHASHED)).toBytes());
    }

    @Test
    void aGoodSignatureVerifiesWithThePubFile() {
        Cli.Result r = f.run("release", "verify", "--pubkey", f.pubFile.toString(), file.toString(), "--json");

        assertThat(r.exit()).as(r.toString()).isZero();
        JsonNode j = r.json();
        assertThat(j.get("command").asText()).isEqualTo("release verify");
        assertThat(j.get("status").asText()).isEqualTo("unchanged");
        assertThat(j.get("key_id").asText()).isEqualTo(f.key.keyId());
        JsonNode v = j.get("verified");
        assertThat(v.get("key_id").asText()).isEqualTo(f.key.keyId());
        assertThat(v.get("algorithm").asText()).isEqualTo("ED");
        assertThat(v.get("trusted_comment").asText()).isEqualTo("timestamp:1795773600\tfile:data.json\thashed");
        assertThat(v.get("signature").asText()).isEqualTo(dir.resolve("data.json.minisig").toString());
    }

    @Test
    void theBase64KeyLineWorksAndTextOutputShowsKeyAlgorithmAndComment() {
        Cli.Result r = f.run("release", "verify", "--pubkey", f.key.publicKey().toBase64(), "data.json");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).startsWith("verified " + file + " with key " + f.key.keyId() + " (prehashed ED signature)")
                .contains("algorithm     ED").contains("trusted       timestamp:1795773600\tfile:data.json\thashed");
    }

    @Test
    void aLegacySignatureVerifiesWithAnExplicitSigFile() throws IOException {
        Files.write(dir.resolve("legacy.sig"), new MinisignSigner(f.key).sign(DATA, MinisignAlgorithm.LEGACY,
                "legacy comment", "untrusted").toBytes());

        Cli.Result r = f.run("release", "verify", "--pubkey", "keys/cmdop.pub", "--sig", "legacy.sig", "data.json",
                "--json");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.json().get("verified").get("algorithm").asText()).isEqualTo("Ed");
        assertThat(r.json().get("verified").get("trusted_comment").asText()).isEqualTo("legacy comment");
    }

    @Test
    void anyOfSeveralKeysMayHaveSigned() {
        String other = MinisignSecretKey.generate(new SecureRandom()).publicKey().toBase64();
        Cli.Result r = f.run("release", "verify", "--pubkey", other, "--pubkey", f.pubFile.toString(), "data.json");
        assertThat(r.exit()).as(r.toString()).isZero();
    }

    @Test
    void changedDataExits80WithSignatureInvalid() throws IOException {
        Files.writeString(file, "{\"schema\":2}\n");
        assertFailed(f.run("release", "verify", "--pubkey", f.pubFile.toString(), "data.json", "--json"), 80,
                "SIGNATURE_INVALID", "does not match the data");
    }

    @Test
    void anAlteredTrustedCommentExits80() throws IOException {
        Path sig = dir.resolve("data.json.minisig");
        Files.writeString(sig, Files.readString(sig).replace("timestamp:1795773600", "timestamp:1795773601"));
        assertFailed(f.run("release", "verify", "--pubkey", f.pubFile.toString(), "data.json", "--json"), 80,
                "SIGNATURE_INVALID", "trusted comment that was altered");
    }

    @Test
    void aSignatureByAnotherKeyExits80WithUnknownKey() {
        String other = MinisignSecretKey.generate(new SecureRandom()).publicKey().toBase64();
        assertFailed(f.run("release", "verify", "--pubkey", other, "data.json", "--json"), 80, "UNKNOWN_KEY",
                "signed by key " + f.key.keyId());
    }

    @Test
    void aMissingSignatureExits80() throws IOException {
        Files.delete(dir.resolve("data.json.minisig"));
        assertFailed(f.run("release", "verify", "--pubkey", f.pubFile.toString(), "data.json", "--json"), 80,
                "SIGNATURE_INVALID", "no such signature file");
    }

    @Test
    void aGarbledSignatureFileExits80() throws IOException {
        Files.writeString(dir.resolve("data.json.minisig"), "hello\n");
        assertFailed(f.run("release", "verify", "--pubkey", f.pubFile.toString(), "data.json", "--json"), 80,
                "SIGNATURE_INVALID", "not a valid minisign signature file");
    }

    @Test
    void badKeysAndMissingFilesAreInputErrors() {
        assertFailed(f.run("release", "verify", "--pubkey", "RWQnotakey", "data.json", "--json"), 65, "INVALID_INPUT",
                "not a minisign public key");
        assertFailed(f.run("release", "verify", "--pubkey", "keys/missing.pub", "data.json", "--json"), 65,
                "INVALID_INPUT", "--pubkey keys/missing.pub: no such file");
        assertFailed(f.run("release", "verify", "--pubkey", f.keyFile.toString(), "data.json", "--json"), 65,
                "INVALID_INPUT", "this is a minisign SECRET key");
        assertFailed(f.run("release", "verify", "--pubkey", f.pubFile.toString(), "nope.json", "--json"), 65,
                "INVALID_INPUT", "nope.json: no such file");
        assertFailed(f.run("release", "verify", "--pubkey", f.pubFile.toString(), "--json"), 64, "USAGE",
                "Missing required parameter: 'FILE'");
    }

    @Test
    void everyFileOfAPublishedFeedVerifies() throws IOException {
        f.publishOk("v1.2.3", "--channel", "stable");
        try (var files = Files.walk(f.feed)) {
            for (Path sig : files.filter(p -> p.toString().endsWith(".minisig")).toList()) {
                Path signed = sig.resolveSibling(sig.getFileName().toString().replace(".minisig", ""));
                Cli.Result r = f.run("release", "verify", "--pubkey", f.pubFile.toString(), signed.toString());
                assertThat(r.exit()).as(r.toString()).isZero();
            }
        }
    }
}
