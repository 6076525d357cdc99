package com.cmdop.update.cli;

import com.cmdop.update.exec.AppContext;
import java.io.PrintWriter;
import java.lang.reflect.Constructor;
import picocli.CommandLine;

/**
 * Builds the {@link CommandLine} that Main runs; tests use the same factory, so what they exercise is
 * what ships. Commands get the {@link AppContext} through their constructor.
 */
public final class CliFactory {
    private CliFactory() {}

    public static CommandLine create(AppContext ctx, String[] args) {
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
