package com.cmdop.update.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Part 1: desired state, drift check, converge, idempotence and bad input, on settings alone. */
public final class SettingsWalkthrough {
    private SettingsWalkthrough() {}

    public static void run(DemoRunner demo, Path sandbox, Path root) throws IOException {
        Path config = root.resolve("etc/cmdop/config.yaml");
        Files.createDirectories(config.getParent());
        Files.writeString(config, """
                # CMDOP agent configuration (the agent's own keys live beside update:)
                agent:
                  name: web-01

                update:
                  channel: stable   # stable | beta | nightly
                  auto: false
                """);
        Path desired = sandbox.resolve("desired.yaml");
        Files.writeString(desired, "channel: beta\nauto: true\ninterval: 12h\n");
        Path bad = sandbox.resolve("bad.yaml");
        Files.writeString(bad, "channel: beta\ninterval: 5\n");
        String r = root.toString();
        demo.say("PART 1: settings as desired state. A throwaway machine root at " + root
                + "\nDesired state " + desired + ":\n" + Text.indent(Files.readString(desired)));
        demo.step("1. Drift check: what would converge change? (changes nothing; exit 2 = drift)",
                2, "--root", r, "converge", "--state", desired.toString(), "--check", "--detailed-exitcode");
        demo.step("2. Converge: apply the desired state", 0, "--root", r, "converge", "--state", desired.toString());
        demo.say("config.yaml now (comments, order and the agent's keys are kept):\n" + Text.indent(Files.readString(config)));
        String before = Files.readString(config) + Files.getLastModifiedTime(config);
        demo.step("3. Converge again: idempotent, nothing to do, nothing written (exit 0)", 0,
                "--root", r, "converge", "--state", desired.toString(), "--detailed-exitcode");
        demo.say("config.yaml untouched by the second run: "
                + before.equals(Files.readString(config) + Files.getLastModifiedTime(config)));
        demo.say("Bad input " + bad + ":\n" + Text.indent(Files.readString(bad)));
        demo.step("4. Bad input: a clear error naming the key, exit 65, nothing changed", 65,
                "--root", r, "converge", "--state", bad.toString());
        demo.step("5. The same drift check as JSON, for scripts and fleet tools", 0,
                "--root", r, "converge", "--state", desired.toString(), "--check", "--json");
    }
}
