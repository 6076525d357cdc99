package com.cmdop.update.cli;

import com.cmdop.update.AppContext;
import com.cmdop.update.demo.DemoStep;
import com.cmdop.update.error.ErrorCode;
import com.cmdop.update.error.UpdateException;
import com.cmdop.update.io.AtomicFiles;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code demo}: a walkthrough on a throwaway machine root. Every step is a real command run through the
 * same CommandLine factory as the CLI, printed with its output, so what the demo shows is what the tool does.
 */
@Command(name = "demo",
        versionProvider = ToolVersion.class,
        sortOptions = false,
        usageHelpAutoWidth = true,
        header = "Walk through converge, drift checks, idempotence and bad input on a throwaway machine root.",
        description = {"",
            "Creates a sandbox machine root (a temp dir, or --dir), runs real cmdop-update commands against it",
            "with --root, prints each command and its output, and removes the sandbox at the end (a --dir you",
            "give is kept, so you can look around). Nothing outside the sandbox is touched."},
        optionListHeading = "%nOptions:%n",
        footerHeading = "%nExamples:%n",
        footer = {"  cmdop-update demo", "  cmdop-update demo --dir /tmp/cmdop-demo   keep the sandbox to inspect it"})
public final class DemoCommand extends BaseCommand {
    @Option(names = "--dir", paramLabel = "DIR", description = "Use (and keep) this directory as the sandbox.")
    Path dir;

    public DemoCommand(AppContext ctx) {
        super(ctx);
    }

    @Override
    protected String commandName() {
        return "demo";
    }

    @Override
    protected void run(Report report) {
        Path sandbox = sandbox();
        Path root = sandbox.resolve("machine");
        List<DemoStep> steps = new ArrayList<>();
        boolean text = !globals().json() && !globals().quiet();
        try {
            Files.createDirectories(root.resolve("etc/cmdop"));
            Path config = root.resolve("etc/cmdop/config.yaml");
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
            say(text, "cmdop-update demo: a throwaway machine root at " + root);
            say(text, "Desired state " + desired + ":\n" + indent(Files.readString(desired)));

            steps.add(step(text, "1. Drift check: what would converge change? (changes nothing; exit 2 = drift)",
                    2, "--root", r, "converge", "--state", desired.toString(), "--check", "--detailed-exitcode"));
            steps.add(step(text, "2. Converge: apply the desired state", 0,
                    "--root", r, "converge", "--state", desired.toString()));
            say(text, "config.yaml now (comments, order and the agent's keys are kept):\n"
                    + indent(Files.readString(config)));
            String before = Files.readString(config) + Files.getLastModifiedTime(config);
            steps.add(step(text, "3. Converge again: idempotent, nothing to do, nothing written (exit 0)", 0,
                    "--root", r, "converge", "--state", desired.toString(), "--detailed-exitcode"));
            say(text, "config.yaml untouched by the second run: "
                    + before.equals(Files.readString(config) + Files.getLastModifiedTime(config)));
            steps.add(step(text, "4. Drift check again: in sync (exit 0)", 0,
                    "--root", r, "converge", "--state", desired.toString(), "--check", "--detailed-exitcode"));
            say(text, "Bad input " + bad + ":\n" + indent(Files.readString(bad)));
            steps.add(step(text, "5. Bad input: a clear error naming the key, exit 65, nothing changed", 65,
                    "--root", r, "converge", "--state", bad.toString()));
            steps.add(step(text, "6. Status: settings, schedule and paths (read-only)", 0, "--root", r, "status"));
            steps.add(step(text, "7. The same as JSON for scripts: the drift check's envelope", 0,
                    "--root", r, "converge", "--state", desired.toString(), "--check", "--json"));
            say(text, "Agent log lines (" + root.resolve("var/log/cmdop/agent.log") + "):\n"
                    + indent(Files.readString(root.resolve("var/log/cmdop/agent.log"))));
        } catch (IOException e) {
            throw AtomicFiles.ioFailure("prepare the demo sandbox in", sandbox, e);
        } finally {
            if (dir == null) {
                deleteTree(sandbox);
            }
        }
        boolean ok = steps.stream().allMatch(DemoStep::asExpected);
        say(text, ok ? "Demo finished: every step behaved as described."
                + (dir == null ? " The sandbox was removed." : " The sandbox is kept at " + sandbox + ".")
                : "Demo finished with unexpected results: see the steps above.");
        report.msg(ok ? "demo finished: " + steps.size() + " steps as described" : "demo had unexpected results");
        report.put("steps", steps.stream().map(s -> Report.orderedMap("title", s.title(), "command", s.command(),
                "exit_code", s.exitCode(), "expected_exit_code", s.expectedExit())).toList());
        if (!ok) {
            throw new UpdateException(ErrorCode.INTERNAL, "the demo's steps did not behave as described; this is a bug",
                    Map.of("steps", steps.stream().filter(s -> !s.asExpected()).map(DemoStep::title).toList()));
        }
    }

    @Override
    protected void renderText(Report report) {
        // the steps were printed as they ran
    }

    private Path sandbox() {
        try {
            if (dir != null) {
                Path d = absolute(dir);
                Files.createDirectories(d);
                try (Stream<Path> s = Files.list(d)) {
                    if (s.findAny().isPresent()) {
                        throw usage("--dir " + d + " is not empty; give a new or empty directory");
                    }
                }
                return d;
            }
            return Files.createTempDirectory("cmdop-demo-");
        } catch (IOException e) {
            throw AtomicFiles.ioFailure("create the demo sandbox", dir == null ? Path.of("tmp") : dir, e);
        }
    }

    private DemoStep step(boolean text, String title, int expected, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
        AppContext child = ctx.withStreams(new ByteArrayInputStream(new byte[0]), ps, ps);
        int exit = CliFactory.run(child, args);
        String command = "cmdop-update " + String.join(" ", args);
        DemoStep step = new DemoStep(title, command, exit, expected, out.toString(StandardCharsets.UTF_8));
        if (text) {
            ctx.out().println();
            ctx.out().println("== " + title);
            ctx.out().println("$ " + command);
            ctx.out().print(indent(step.output()));
            ctx.out().println("(exit " + exit + (step.asExpected() ? "" : ", expected " + expected) + ")");
        }
        return step;
    }

    private void say(boolean text, String s) {
        if (text) {
            ctx.out().println();
            ctx.out().println(s);
        }
    }

    private static String indent(String s) {
        StringBuilder b = new StringBuilder();
        s.lines().forEach(l -> b.append("    ").append(l).append('\n'));
        return b.toString();
    }

    private static void deleteTree(Path p) {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            s.sorted(Comparator.reverseOrder()).forEach(AtomicFiles::deleteQuietly);
        } catch (IOException e) {
            // best effort: a temp dir left behind is harmless
        }
    }
}
