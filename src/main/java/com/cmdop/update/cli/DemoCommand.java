package com.cmdop.update.cli;

import com.cmdop.update.exec.AppContext;
import com.cmdop.update.demo.DemoRunner;
import com.cmdop.update.demo.DemoStep;
import com.cmdop.update.demo.InstallWalkthrough;
import com.cmdop.update.demo.SettingsWalkthrough;
import com.cmdop.update.demo.Text;
import com.cmdop.update.model.error.ErrorCode;
import com.cmdop.update.model.error.UpdateException;
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
        header = "Walk through converge, drift checks, a signed feed, updates, rollback, pins and failures on a throwaway root.",
        description = {"",
            "Creates a sandbox (a temp dir, or --dir) with a machine root, a publisher key and a signed feed of "
                    + "fake agent releases (shell scripts), runs real cmdop-update commands against it, prints "
                    + "each command and its output, and removes the sandbox at the end (a --dir you give is kept, "
                    + "so you can look around). Nothing outside the sandbox is touched. Needs /bin/sh."},
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
        boolean text = !globals().json() && !globals().quiet();
        Runner runner = new Runner(text);
        try {
            SettingsWalkthrough.run(runner, sandbox, root);
            InstallWalkthrough.run(runner, sandbox, root, ctx.platform());
        } catch (IOException e) {
            throw AtomicFiles.ioFailure("prepare the demo sandbox in", sandbox, e);
        } finally {
            if (dir == null) {
                deleteTree(sandbox);
            }
        }
        List<DemoStep> steps = runner.steps;
        boolean ok = steps.stream().allMatch(DemoStep::asExpected);
        runner.say(ok ? "Demo finished: every step behaved as described."
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

    /** Runs each step in-process through the same CommandLine factory as the CLI and prints it. */
    private final class Runner implements DemoRunner {
        private final boolean text;
        private final List<DemoStep> steps = new ArrayList<>();

        Runner(boolean text) {
            this.text = text;
        }

        @Override
        public DemoStep step(String title, int expected, String... args) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
            int exit = CliFactory.run(ctx.withStreams(new ByteArrayInputStream(new byte[0]), ps, ps), args);
            DemoStep step = new DemoStep(title, "cmdop-update " + String.join(" ", args), exit, expected,
                    out.toString(StandardCharsets.UTF_8));
            steps.add(step);
            if (text) {
                ctx.out().println();
                ctx.out().println("== " + title);
                ctx.out().println("$ " + step.command());
                ctx.out().print(Text.indent(step.output()));
                ctx.out().println("(exit " + exit + (step.asExpected() ? "" : ", expected " + expected) + ")");
                ctx.out().flush();
            }
            return step;
        }

        @Override
        public void say(String s) {
            if (text) {
                ctx.out().println();
                ctx.out().println(s);
            }
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
