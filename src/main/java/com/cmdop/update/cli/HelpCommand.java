package com.cmdop.update.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/**
 * {@code help [COMMAND...]}: the help of the tool or of a command, exit 0 (SPEC section 11). Like picocli's
 * own {@code HelpCommand}, which looks at its first argument only, but following a path of subcommands, so
 * {@code help release publish} shows publish's help.
 */
@Command(name = "help",
        helpCommand = true,
        usageHelpAutoWidth = true,
        header = "Show the help of cmdop-update or of a command, such as: help release publish.",
        synopsisHeading = "%nUsage: ",
        optionListHeading = "%nOptions:%n")
public final class HelpCommand implements CommandLine.IHelpCommandInitializable2, Runnable {
    @Parameters(paramLabel = "COMMAND", arity = "0..*",
            description = "The command, with its subcommand if it has one (release publish).")
    List<String> commands = new ArrayList<>();

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    private CommandLine self;
    private Help.ColorScheme colors;
    private PrintWriter out;

    @Override
    public void init(CommandLine helpCommandLine, Help.ColorScheme colorScheme, PrintWriter outWriter,
            PrintWriter errWriter) {
        this.self = helpCommandLine;
        this.colors = colorScheme;
        this.out = outWriter;
    }

    @Override
    public void run() {
        CommandLine target = self.getParent();
        if (target == null) {
            return;
        }
        List<String> path = new ArrayList<>();
        for (String name : commands) {
            CommandLine next = target.getSubcommands().get(name);
            path.add(name);
            if (next == null) {
                throw new ParameterException(self, "help: unknown command '" + String.join(" ", path) + "'; the commands"
                        + " are " + String.join(", ", target.getSubcommands().keySet()));
            }
            target = next;
        }
        target.usage(out, colors);
        out.flush();
    }
}
