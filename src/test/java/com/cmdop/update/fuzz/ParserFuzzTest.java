package com.cmdop.update.fuzz;

import static com.cmdop.update.fuzz.Fuzz.bytes;
import static com.cmdop.update.fuzz.Fuzz.text;

import com.cmdop.update.model.Advisory;
import com.cmdop.update.model.Channel;
import com.cmdop.update.model.DurationText;
import com.cmdop.update.model.InvalidValueException;
import com.cmdop.update.model.MaintenanceWindow;
import com.cmdop.update.model.Version;
import com.cmdop.update.model.error.ErrorCode;
import com.cmdop.update.model.error.UpdateException;
import com.cmdop.update.release.manifest.ChannelManifest;
import com.cmdop.update.release.manifest.ManifestJson;
import com.cmdop.update.release.manifest.ReleaseManifest;
import com.cmdop.update.release.manifest.Sha256Sums;
import com.cmdop.update.state.ConfigReader;
import com.cmdop.update.state.DesiredStateReader;
import com.cmdop.update.trust.MinisignAlgorithm;
import com.cmdop.update.trust.MinisignPublicKey;
import com.cmdop.update.trust.MinisignSecretKey;
import com.cmdop.update.trust.MinisignSigner;
import com.cmdop.update.trust.PasswordSource;
import com.cmdop.update.trust.Sha256;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Every parser of outside input, fed valid examples, their mutants and arbitrary bytes (see {@link Fuzz}):
 * it returns a value or throws its documented, typed error; never another exception, never a hang.
 */
class ParserFuzzTest {
    private static final Instant T = Instant.parse("2026-11-27T10:00:00Z");
    /** Deterministic keys: a fixed seed, so the seeds (and so the fuzz inputs) are the same on every run. */
    private static final MinisignSecretKey KEY = MinisignSecretKey.generate(fixedRandom());

    private static SecureRandom fixedRandom() {
        Random r = new Random(7);
        return new SecureRandom() {
            private static final long serialVersionUID = 1L;

            @Override
            public void nextBytes(byte[] b) {
                r.nextBytes(b);
            }
        };
    }

    @Test
    void desiredStatesParseOrFailWithInvalidInput() {
        Fuzz.check("DesiredStateReader.parse", List.of(
                bytes("channel: beta\nauto: on\ninterval: 12h\npin: v1.2.3\nwindow: \"Mon-Fri 02:00-05:00\"\n"),
                bytes("{\"channel\":\"nightly\",\"auto\":true,\"interval\":\"12h\",\"pin\":null,\"hold\":false}"),
                bytes("feed: https://releases.example.com/cmdop\ntrusted_keys:\n  - " + KEY.publicKey().toBase64() + "\n"),
                bytes("pin: ''\nauto: off\n")),
                in -> DesiredStateReader.parse(text(in), "state.yaml"), UpdateException.class);
    }

    @Test
    void configFilesParseOrFailWithInvalidConfig() {
        Fuzz.check("ConfigReader.parse", List.of(
                bytes("update:\n  channel: stable  # comment\n  auto: false\n  interval: 6h\n  pin: null\n"
                        + "  feed: https://releases.example.com/cmdop\n  trusted_keys:\n    - "
                        + KEY.publicKey().toBase64() + "\n  install_path: /usr/local/bin/cmdop\n  cache_ttl: 7d\n"
                        + "  window: null\n  service:\n    restart: [systemctl, restart, cmdop-agent]\n"
                        + "    heartbeat_file: /var/lib/cmdop/heartbeat.json\n    heartbeat_timeout: 30s\n"
                        + "    restart_timeout: 60s\nagent:\n  other: [1, 2, {a: b}]\n"),
                bytes("update: {channel: beta, auto: on}\n"),
                bytes("# nothing\n")),
                in -> ConfigReader.parse(text(in), "config.yaml"), UpdateException.class);
    }

    @Test
    void channelManifestsParseOrFailTyped() {
        byte[] valid = new ChannelManifest(ManifestJson.SCHEMA, ManifestJson.PRODUCT, Channel.STABLE, 42, T,
                T.plusSeconds(86400), Version.parse("v1.2.3"), Sha256.hex(new byte[] {1})).toBytes();
        Fuzz.check("ChannelManifest.parse", List.of(valid),
                in -> ChannelManifest.parse(in, "channels/stable.json"), UpdateException.class);
    }

    @Test
    void releaseManifestsParseOrFailTyped() {
        byte[] valid = new ReleaseManifest(ManifestJson.SCHEMA, ManifestJson.PRODUCT, Version.parse("v1.3.0-beta.2"), T,
                List.of(new ReleaseManifest.Artifact("linux-amd64", "cmdop_v1.3.0-beta.2_linux_amd64", 3,
                        Sha256.hex(new byte[3])),
                        new ReleaseManifest.Artifact("darwin-arm64", "cmdop_v1.3.0-beta.2_darwin_arm64", 0,
                                Sha256.hex(new byte[0]))),
                Sha256.hex(new byte[] {2}),
                List.of(new Advisory("CVE-2026-1", "high", "a summary", Version.parse("v1.3.0"))), "notes\nline")
                .toBytes();
        Fuzz.check("ReleaseManifest.parse", List.of(valid),
                in -> ReleaseManifest.parse(in, "releases/v1.3.0-beta.2/release.json"), UpdateException.class);
    }

    @Test
    void sha256SumsParseOrFailTyped() {
        Fuzz.check("Sha256Sums.parse", List.of(
                bytes("a".repeat(64) + "  cmdop_v1.2.3_linux_amd64\n" + "0123456789abcdef".repeat(4)
                        + " *cmdop_v1.2.3_linux_arm64\n")),
                in -> Sha256Sums.parse(in, "SHA256SUMS"), UpdateException.class);
    }

    @Test
    void publicKeysParseOrFailWithInvalidInput() {
        Fuzz.check("MinisignPublicKey.parse", List.of(bytes(KEY.publicKey().toBase64()),
                bytes(KEY.publicKey().toFileText())),
                in -> MinisignPublicKey.parse(text(in), "cmdop.pub", "public key", ErrorCode.INVALID_INPUT),
                UpdateException.class);
    }

    @Test
    void secretKeysParseOrFailWithInvalidInput() {
        // unencrypted only: an encrypted key costs a real scrypt per input; ScryptLimitsTest covers its limits
        Fuzz.check("MinisignSecretKey.parse", List.of(bytes(KEY.toUnencryptedFileText())),
                in -> MinisignSecretKey.parse(text(in), "cmdop.key", PasswordSource.none()), UpdateException.class);
    }

    @Test
    void signaturesParseOrFailTyped() {
        MinisignSigner signer = new MinisignSigner(KEY);
        Fuzz.check("MinisignSignature.parse", List.of(
                bytes(signer.sign(bytes("manifest"), "timestamp:0\tfile:channels/stable.json\thashed").toFileText()),
                bytes(signer.sign(bytes("manifest"), MinisignAlgorithm.values()[0], "legacy", "c").toFileText())),
                in -> com.cmdop.update.trust.MinisignSignature.parse(in, "channels/stable.json.minisig"),
                UpdateException.class);
    }

    @Test
    void maintenanceWindowsParseOrFailWithIllegalArgument() {
        Fuzz.check("MaintenanceWindow.parse", List.of(bytes("Mon-Fri 02:00-05:00"), bytes("Sat,Sun 00:00-06:00"),
                bytes("22:00-02:00"), bytes("Fri-Mon 23:30-00:30")),
                in -> MaintenanceWindow.parse(text(in)), IllegalArgumentException.class, InvalidValueException.class);
    }

    @Test
    void durationsParseOrFailWithIllegalArgument() {
        Fuzz.check("DurationText.parseWithin", List.of(bytes("15m"), bytes("6h"), bytes("30d"), bytes("999999d")),
                in -> DurationText.parseWithin(text(in), "15m", "30d"), IllegalArgumentException.class,
                InvalidValueException.class);
    }

    @Test
    void versionsParseOrFailWithIllegalArgument() {
        Fuzz.check("Version.parse", List.of(bytes("v1.2.3"), bytes("1.3.0-beta.2"), bytes("v1.3.0-nightly.20261127"),
                bytes("v1.0.0-rc.1+build.5")),
                in -> Version.parse(text(in)), IllegalArgumentException.class, InvalidValueException.class);
    }
}
