package com.cmdop.update.demo;

import com.cmdop.update.model.Platform;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Part 2: a publisher's signed feed and the install lifecycle: check, update, rollback, pin, a release
 * whose heartbeat never comes (rolled back automatically) and a tampered download (refused).
 */
public final class InstallWalkthrough {
    private InstallWalkthrough() {}

    /** @param platform the platform the stand-in agents are published for: this machine's */
    public static void run(DemoRunner demo, Path sandbox, Path root, Platform platform) throws IOException {
        Path agents = Files.createDirectories(sandbox.resolve("agents"));
        Path feed = sandbox.resolve("feed");
        Path keys = sandbox.resolve("keys");
        String key = keys.resolve("cmdop.key").toString();
        String r = root.toString();
        demo.say("PART 2: a signed feed and safe installs. The publisher makes a key and publishes fake agent "
                + "releases (shell scripts that print their version) for " + platform + ".");
        demo.step("6. Publisher: make a signing key", 0, "release", "keygen", "--out", keys.toString(),
                "--unencrypted");
        demo.step("7. Publisher: publish v1.0.0 to the stable channel", 0, "release", "publish", "--feed",
                feed.toString(), "--key", key, "--version", "v1.0.0", "--artifact",
                platform.toString() + "=" + FakeAgent.binary(agents, "v1.0.0", true), "--channel", "stable");
        demo.step("8. Publisher: publish v1.1.0, which fixes a security issue (not promoted yet)", 0, "release",
                "publish", "--feed", feed.toString(), "--key", key, "--version", "v1.1.0", "--artifact",
                platform.toString() + "=" + FakeAgent.binary(agents, "v1.1.0", true), "--advisory",
                "CMDOP-2026-001:high:agent token written to debug log");

        String pub = Files.readAllLines(keys.resolve("cmdop.pub")).get(1).strip();
        Path restart = FakeAgent.restartScript(sandbox);
        Files.writeString(root.resolve("etc/cmdop/config.yaml"), Files.readString(root.resolve("etc/cmdop/config.yaml"))
                + "  service:\n    restart: [" + restart + "]   # the demo's stand-in for systemctl\n"
                + "    heartbeat_timeout: 3s\n");
        Path trust = sandbox.resolve("trust.yaml");
        Files.writeString(trust, "channel: stable\nfeed: " + feed + "\ntrusted_keys:\n  - " + pub + "\n");
        demo.step("9. Machine: trust the publisher's key and use its feed (converge, as a fleet tool would)", 0,
                "--root", r, "converge", "--state", trust.toString());
        demo.step("10. Check: is an update waiting? (exit 2 = yes, with --detailed-exitcode)", 2,
                "--root", r, "--check", "--detailed-exitcode");
        demo.step("11. Update: download beside the target, verify the signed SHA-256, swap atomically, restart, "
                + "confirm the heartbeat", 0, "--root", r);
        demo.step("12. Publisher: promote v1.1.0 to stable", 0, "release", "promote", "--feed", feed.toString(),
                "--key", key, "--version", "v1.1.0", "--channel", "stable");
        demo.step("13. Check again: v1.1.0 is waiting, with its security advisory", 2,
                "--root", r, "--check", "--detailed-exitcode");
        demo.step("14. Update to v1.1.0 (v1.0.0 stays cached for rollback, 7 days)", 0, "--root", r);
        demo.step("15. Roll back: one step back to the cached v1.0.0; v1.1.0 is quarantined so the next update "
                + "does not put it straight back", 0, "--root", r, "--rollback");
        demo.step("15a. Pin v1.0.0, the version running now", 0, "--root", r, "--pin", "v1.0.0");
        demo.step("15b. Check the pinned machine: it still hears the security advisory fixed in v1.1.0 that affects "
                + "the version it runs (exit 2 with --detailed-exitcode)", 2, "--root", r, "--check",
                "--detailed-exitcode");
        demo.step("16. Pin v1.1.0: recorded in config.yaml and installed (a pin overrides the quarantine)", 0,
                "--root", r, "--pin", "v1.1.0");
        Path pinned = sandbox.resolve("pinned.yaml");
        Files.writeString(pinned, "pin: v1.1.0\n");
        demo.step("17. Converge with the same pin: in sync, nothing to do (exit 0)", 0,
                "--root", r, "converge", "--state", pinned.toString(), "--detailed-exitcode");
        demo.step("18. Publisher: publish v1.2.0, a bad build whose agent never comes up", 0, "release", "publish",
                "--feed", feed.toString(), "--key", key, "--version", "v1.2.0", "--artifact",
                platform.toString() + "=" + FakeAgent.binary(agents, "v1.2.0", false), "--channel", "stable");
        demo.step("19. Unpin: follow the channel again", 0, "--root", r, "--unpin");
        demo.step("20. Install v1.2.0: no heartbeat within 3 s, so v1.1.0 is swapped back automatically, "
                + "confirmed, and v1.2.0 quarantined (exit 81)", 81, "--root", r, "--version", "v1.2.0");
        Path artifact = feed.resolve("releases/v1.0.0/" + platform.artifactFileName("v1.0.0"));
        byte[] bytes = Files.readAllBytes(artifact);
        bytes[bytes.length - 3] ^= 0x20; // same length, one flipped bit: what a corrupting mirror would serve
        Files.write(artifact, bytes);
        demo.say("Someone tampers with v1.0.0 on the feed server (one bit flipped, same length).");
        demo.step("21. Install the tampered v1.0.0: the SHA-256 does not match the signed one: refused before "
                + "anything is swapped (exit 80, CRITICAL line)", 80, "--root", r, "--version", "v1.0.0");
        Path installed = root.resolve("usr/local/bin/cmdop");
        Files.writeString(installed, "#!/bin/sh\necho patched by hand\n");
        demo.say("Someone replaces the installed agent by hand (a patched build, not a signed release).");
        Path stable = sandbox.resolve("stable.yaml");
        Files.writeString(stable, "channel: stable\n");
        demo.step("21a. Drift check: the binary matches no signed release (drift 'binary: modified', exit 2)", 2,
                "--root", r, "converge", "--state", stable.toString(), "--check", "--detailed-exitcode");
        demo.step("21b. Converge: the signed v1.1.0 is put back (verified, swapped, restarted, heartbeat-checked)", 0,
                "--root", r, "converge", "--state", stable.toString());
        demo.step("22. Verify the installed binary against the signed release index", 0,
                "--root", r, "--verify", root.resolve("usr/local/bin/cmdop").toString());
        Path download = Files.copy(FakeAgent.binary(agents, "v1.0.0", true), sandbox.resolve("cmdop"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Path workstation = Files.createDirectories(sandbox.resolve("workstation"));
        demo.step("22a. On a workstation with no config: verify a download saved as ./cmdop; the signed release "
                + "index finds it (v1.0.0, no channel's head any more) with only --feed and --trusted-key", 0,
                "--root", workstation.toString(), "--verify", download.toString(), "--feed", feed.toString(),
                "--trusted-key", pub);
        demo.step("23. Status: installed version (verified), previous version and its expiry, quarantine", 0,
                "--root", r, "status");
        demo.step("24. The update lines of the agent log", 0, "--root", r, "logs", "-n", "12");
    }
}
