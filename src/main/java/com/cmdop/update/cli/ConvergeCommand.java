package com.cmdop.update.cli;

import com.cmdop.update.exec.AppContext;
import com.cmdop.update.model.error.ErrorCode;
import com.cmdop.update.model.error.InvalidInputException;
import com.cmdop.update.exec.RunOutcome;
import com.cmdop.update.exec.RunRequest;
import com.cmdop.update.io.AtomicFiles;
import com.cmdop.update.model.DesiredState;
import com.cmdop.update.state.DesiredStateReader;
import com.cmdop.update.state.Machine;
import com.cmdop.update.state.StrictYaml;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.ByteBuffer;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code converge --state FILE|- [--check] [--offline]}: desired-state convergence (SPEC section 5). */
@Command(name = "converge",
        versionProvider = ToolVersion.class,
        addMethodSubcommands = false, // no @Command methods here: spare every run picocli's scan for them
        sortOptions = false,
        usageHelpAutoWidth = true,
        header = "Bring this machine to a desired state and report what changed, as JSON for fleet tools.",
        description = {
            "",
            "The state is YAML or JSON with any of: channel, auto, interval, pin, window, feed, trusted_keys. "
                    + "A key that is absent is not managed; 'pin: null' or 'pin: \"\"' means: ensure unpinned. "
                    + "A pin means pinned and running that version: converge installs it (verified, restarted, "
                    + "heartbeat-checked) when another version is installed.",
            "A run that finds the machine in sync writes nothing (no file's mtime moves), so running it every "
                    + "few minutes from Ansible, Terraform or CI is safe. Bad input changes nothing (exit 65)."},
        optionListHeading = "%nOptions:%n",
        footerHeading = "%nExamples:%n",
        footer = {
            "  printf 'channel: stable\\nauto: true\\n' > desired.yaml",
            "  cmdop-update converge --state desired.yaml --json",
            "      converge and report JSON",
            "  cmdop-update converge --state desired.yaml --check --detailed-exitcode",
            "      drift check: exit 0 in sync, 2 drift, anything else an error",
            "  echo '{\"pin\": null}' | cmdop-update converge --state - --json",
            "      the desired state on standard input, as the Ansible module sends it"})
public final class ConvergeCommand extends BaseCommand {
    @Option(names = "--state", paramLabel = "FILE|-", required = true,
            description = "The desired state, YAML or JSON; - reads standard input.")
    String state;

    @Option(names = "--check", description = "Compute the drift and change nothing at all.")
    boolean check;

    @Option(names = "--offline", description = "No network: a pin is compared with the installed version only.")
    boolean offline;

    public ConvergeCommand(AppContext ctx) {
        super(ctx);
    }

    @Override
    protected String commandName() {
        return "converge";
    }

    @Override
    protected boolean checkMode() {
        return check;
    }

    @Override
    protected void run(Report report) {
        report.checkMode(check);
        String source = state.equals("-") ? "stdin" : state;
        DesiredState desired = DesiredStateReader.parse(readState(), source);
        report.desired(RunReports.desiredMap(desired));
        Machine machine = openMachine();
        RunOutcome outcome = converger().run(machine, new RunRequest(desired, RunRequest.CONVERGE, check, offline));
        RunReports.fill(report, desired, outcome, check);
        AgentView.fill(report, machine.reload()); // the machine after the run: a hold or install_path it set
    }

    private String readState() {
        byte[] bytes;
        if (state.equals("-")) {
            bytes = readCapped(ctx.stdin());
        } else {
            Path p = absolute(Path.of(state));
            if (!Files.isRegularFile(p)) {
                throw new InvalidInputException(ErrorCode.INVALID_INPUT, "--state " + state + ": no such file; give "
                        + "the path of a YAML or JSON desired state, or - to read standard input",
                        Map.of("field", "--state", "path", p.toString()));
            }
            try (InputStream in = Files.newInputStream(p)) {
                bytes = readCapped(in);
            } catch (IOException e) {
                throw AtomicFiles.ioFailure("read", p, e);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new InvalidInputException(ErrorCode.INVALID_INPUT, "--state " + state + " is not UTF-8 text",
                    Map.of("field", "--state"));
        }
    }

    private byte[] readCapped(InputStream in) {
        try {
            byte[] bytes = in.readNBytes(StrictYaml.MAX_CHARS + 1);
            if (bytes.length > StrictYaml.MAX_CHARS) {
                throw new InvalidInputException(ErrorCode.INVALID_INPUT, "--state " + state + " is larger than "
                        + StrictYaml.MAX_CHARS / 1024 + " KiB; a desired state is a few lines",
                        Map.of("field", "--state"));
            }
            return bytes;
        } catch (IOException e) {
            throw new InvalidInputException(ErrorCode.INVALID_INPUT, "--state " + state + ": cannot read: "
                    + e.getMessage(), Map.of("field", "--state"));
        }
    }
}
