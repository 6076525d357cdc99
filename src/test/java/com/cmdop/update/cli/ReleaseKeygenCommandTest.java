package com.cmdop.update.cli;

import static com.cmdop.update.publish.PublishFixture.assertFailed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.cmdop.update.support.Cli;
import com.cmdop.update.support.Trees;
import com.cmdop.update.trust.MinisignPublicKey;
import com.cmdop.update.trust.MinisignSecretKey;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code release keygen}, in-process. Encrypted keys cost minisign's 1 GiB scrypt; they are made through
 * the jar in {@code PublisherEncryptedKeyIT}, with an explicit heap.
 */
class ReleaseKeygenCommandTest {
    @TempDir
    Path dir;

    private final Cli cli = new Cli();

    private static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    @Test
    void unencryptedKeygenWritesAKeyPairAndReportsTheTrustedKeysLine() throws IOException {
        Path out = dir.resolve("keys");
        Cli.Result r = cli.run("release", "keygen", "--out", out.toString(), "--unencrypted", "--json");

        assertThat(r.exit()).as(r.toString()).isZero();
        JsonNode j = r.json();
        assertThat(j.get("command").asText()).isEqualTo("release keygen");
        assertThat(j.get("changed").asBoolean()).isTrue();
        assertThat(j.get("encrypted").asBoolean()).isFalse();
        MinisignSecretKey key = MinisignSecretKey.read(out.resolve("cmdop.key"),
                source -> fail("an unencrypted key must not ask for a password"));
        MinisignPublicKey pub = MinisignPublicKey.read(out.resolve("cmdop.pub"));
        assertThat(key.publicKey()).isEqualTo(pub);
        assertThat(j.get("key_id").asText()).isEqualTo(pub.keyId());
        assertThat(j.get("public_key").asText()).isEqualTo(pub.toBase64());
        assertThat(j.get("files")).extracting(JsonNode::asText)
                .containsExactly(out.resolve("cmdop.key").toString(), out.resolve("cmdop.pub").toString());
        assertThat(j.get("warnings").get(0).asText()).contains("is not encrypted");
        assertThat(mode(out.resolve("cmdop.key"))).isEqualTo("rw-------");
        assertThat(mode(out.resolve("cmdop.pub"))).isEqualTo("rw-r--r--");
        assertThat(mode(out)).as("a directory keygen creates is private").isEqualTo("rwx------");
        assertThat(Files.readString(out.resolve("cmdop.pub"))).isEqualTo(pub.toFileText());
    }

    @Test
    void textOutputShowsTheKeyIdAndTheConfigLine() throws IOException {
        Cli.Result r = cli.run("release", "keygen", "--out", dir.toString(), "--unencrypted");

        String line = MinisignPublicKey.read(dir.resolve("cmdop.pub")).toBase64();
        assertThat(r.out()).contains("key id        ").contains("trusted_keys:\n      - " + line + "\n");
        assertThat(r.err()).contains("warning: ").contains("is not encrypted");
    }

    @Test
    void withoutATerminalOrPasswordVariableKeygenRefusesUnlessUnencryptedIsGiven() {
        Path out = dir.resolve("keys");
        assertFailed(cli.run("release", "keygen", "--out", out.toString(), "--json"), 64, "USAGE",
                "set CMDOP_KEY_PASSWORD, run on a terminal to be asked for one, or pass --unencrypted");
        assertThat(out).doesNotExist();
    }

    @Test
    void existingKeysAreNotReplacedWithoutForce() throws IOException {
        assertThat(cli.run("release", "keygen", "--out", dir.toString(), "--unencrypted").exit()).isZero();
        Map<String, String> before = Trees.snapshot(dir);
        String oldPub = Files.readString(dir.resolve("cmdop.pub"));

        assertFailed(cli.run("release", "keygen", "--out", dir.toString(), "--unencrypted", "--json"), 65,
                "INVALID_INPUT", "cmdop.key and " + dir.resolve("cmdop.pub") + " already exist");
        assertThat(Trees.snapshot(dir)).isEqualTo(before);

        Files.setPosixFilePermissions(dir.resolve("cmdop.key"), PosixFilePermissions.fromString("rw-r--r--"));
        Cli.Result forced = cli.run("release", "keygen", "--out", dir.toString(), "--unencrypted", "--force");
        assertThat(forced.exit()).as(forced.toString()).isZero();
        assertThat(Files.readString(dir.resolve("cmdop.pub"))).isNotEqualTo(oldPub);
        assertThat(mode(dir.resolve("cmdop.key"))).as("a replaced key never keeps a looser mode").isEqualTo("rw-------");
    }

    @Test
    void aLonePublicKeyAlsoBlocksKeygen() throws IOException {
        Files.writeString(dir.resolve("cmdop.pub"), "x");
        assertFailed(cli.run("release", "keygen", "--out", dir.toString(), "--unencrypted", "--json"), 65,
                "INVALID_INPUT", "cmdop.pub already exists");
    }

    @Test
    void anOutPathThatIsAFileIsRefused() throws IOException {
        Path file = Files.writeString(dir.resolve("file"), "x");
        assertFailed(cli.run("release", "keygen", "--out", file.toString(), "--unencrypted", "--json"), 65,
                "INVALID_INPUT", "is not a directory");
    }

    @Test
    void keygenNeedsOut() {
        assertFailed(cli.run("release", "keygen", "--json"), 64, "USAGE", "Missing required option: '--out=DIR'");
    }

    @Test
    void releaseAloneAsksForASubcommandAndHelpHasExamples() {
        assertFailed(cli.run("release", "--json"), 64, "USAGE", "release needs a subcommand");
        for (String sub : new String[] {"keygen", "publish", "promote", "resign", "verify"}) {
            Cli.Result help = cli.run("release", sub, "--help");
            assertThat(help.exit()).isZero();
            assertThat(help.out()).contains("Examples:").contains("cmdop-update release " + sub);
        }
        assertThat(cli.run("release", "--help").out()).contains("keygen").contains("publish").contains("promote")
                .contains("resign").contains("verify");
        assertThat(cli.run("--help").out()).contains("release");
    }
}
