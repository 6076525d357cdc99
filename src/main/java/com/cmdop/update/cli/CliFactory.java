package com.cmdop.update.cli;

import com.cmdop.update.exec.AppContext;
import java.io.PrintWriter;
import java.lang.reflect.Constructor;
import java.util.List;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Builds the {@link CommandLine} that Main runs; tests use the same factory, so what they exercise is
 * what ships. Commands get the {@link AppContext} through their constructor.
 *
 * <p>Building a command's picocli model (its options, reflected and annotated) is most of the tool's own
 * start-up work, so only the subcommand a command line names is registered ({@code status} builds the root
 * and {@code status}, not all of them); the root's own flags register none. Help, and a word that might be a
 * misspelt command (so picocli can suggest the right one), register them all, as does {@link #create(AppContext)}.
 */
public final class CliFactory {
    /** The subcommands of {@code cmdop-update}, in the order its help lists them. */
    static final List<Class<?>> COMMANDS = List.of(StatusCommand.class, ConvergeCommand.class, LogsCommand.class,
            ReleaseCommand.class, DemoCommand.class, QuarantineCommand.class, HelpCommand.class);
    /** The root's options that take a value (the value is not a command name). */
    private static final Set<String> VALUED = Set.of("--root", "--config", "--version", "--channel", "--auto",
            "--interval", "--pin", "--window", "--feed", "--trusted-key", "--verify", "--sums", "--format");

    private CliFactory() {}

    /** The whole command tree, every subcommand registered (the man page and completions are made from it). */
    public static CommandLine create(AppContext ctx) {
        return build(ctx, new String[0], COMMANDS);
    }

    /** The command line for {@code args}: the root and the subcommand they name, if any. */
    public static CommandLine create(AppContext ctx, String[] args) {
        return build(ctx, args, commandsFor(args));
    }

    /** Which subcommands {@code args} need registered (see the class comment). */
    static List<Class<?>> commandsFor(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--")) {
                break;
            }
            if (a.equals("-h") || a.equals("--help")) {
                return COMMANDS;
            }
            if (VALUED.contains(a)) {
                i++; // its value
                continue;
            }
            if (a.startsWith("-")) {
                continue;
            }
            for (Class<?> c : COMMANDS) {
                if (c.getAnnotation(Command.class).name().equals(a)) {
                    return a.equals("help") ? COMMANDS : List.of(c);
                }
            }
            return COMMANDS; // a word that is not a command: let picocli say so, with a suggestion
        }
        return List.of();
    }

    private static CommandLine build(AppContext ctx, String[] args, List<Class<?>> commands) {
        CommandLine.IFactory defaults = CommandLine.defaultFactory();
        CommandLine.IFactory factory = new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> cls) throws Exception {
                for (Constructor<?> c : cls.getDeclaredConstructors()) {
                    if (c.getParameterCount() == 1 && c.getParameterTypes()[0] == AppContext.class) {
                        return cls.cast(c.newInstance(ctx));
                    }
                }
                return defaults.create(cls);
            }
        };
        ErrorHandler errors = new ErrorHandler(ctx, args);
        CommandLine cl = new CommandLine(new RootCommand(ctx), factory);
        for (Class<?> c : commands) {
            cl.addSubcommand(c); // before the handlers below, which are passed on to the subcommands present
        }
        cl.setOut(new PrintWriter(ctx.out(), true));
        cl.setErr(new PrintWriter(ctx.err(), true));
        cl.setExecutionExceptionHandler(errors);
        cl.setParameterExceptionHandler(errors);
        cl.setExitCodeExceptionMapper(errors);
        cl.setCaseInsensitiveEnumValuesAllowed(false);
        HelpLayout.apply(cl, ctx.env());
        return cl;
    }

    /** Runs the tool in-process: parse, execute, map errors; returns the exit status. */
    public static int run(AppContext ctx, String... args) {
        return create(ctx, args).execute(args);
    }
}
