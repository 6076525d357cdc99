package com.cmdop.update.cli;

import com.cmdop.update.audit.EventLog;
import com.cmdop.update.exec.AppContext;
import com.cmdop.update.exec.RunFailure;
import com.cmdop.update.io.SafeText;
import com.cmdop.update.model.error.ErrorCode;
import com.cmdop.update.model.error.UpdateException;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IExitCodeExceptionMapper;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * The one place where a failure becomes an exit status and an error report (DESIGN.md "Errors"):
 * typed {@link UpdateException}s keep their code, picocli's parse errors become USAGE (64), anything
 * else is a bug: INTERNAL (70). In --json mode stdout still carries exactly one JSON document.
 */
final class ErrorHandler implements IExecutionExceptionHandler, IParameterExceptionHandler, IExitCodeExceptionMapper {
    private final AppContext ctx;
    private final List<String> args;

    ErrorHandler(AppContext ctx, String[] args) {
        this.ctx = ctx;
        this.args = List.of(args);
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine cl, ParseResult parseResult) {
        UpdateException error = typed(ex);
        if (cl.getCommand() instanceof RootCommand root && root.nagios()) {
            ctx.err().println("cmdop-update: error: " + SafeText.escape(error.getMessage()) + " [" + error.code() + "]");
            return NagiosOutput.failed(ctx.out(), error.code() + ": " + error.getMessage());
        }
        if (cl.getCommand() instanceof BaseCommand command) {
            GlobalOptions g = command.globals();
            if (command.currentReport() != null) {
                if (error instanceof RunFailure failure) {
                    // the run changed something before it failed: report what stayed changed, and what was undone
                    RunReports.fill(command.currentReport(), failure.outcome(), command.checkMode());
                }
                command.describeAgentAfterFailure(command.currentReport());
            }
            return report(command.currentReport(), command.commandName(), command.checkMode(), error, g.json(),
                    g.verbose() ? ex : null);
        }
        return report(null, cl.getCommandName(), false, error, args.contains("--json"), null);
    }

    @Override
    public int handleParseException(ParameterException ex, String[] ignored) {
        String name = ex.getCommandLine().getCommandSpec().qualifiedName(" ");
        String hint = " (see " + name + " --help)";
        return report(null, commandName(ex.getCommandLine()), false, new UpdateException(ErrorCode.USAGE,
                ex.getMessage() + hint, Map.of()), args.contains("--json"), null);
    }

    @Override
    public int getExitCode(Throwable ex) {
        return typed(ex).exitCode();
    }

    /** @param started the command's report in progress (its start time, desired state), or null */
    private int report(Report started, String command, boolean checkMode, UpdateException error, boolean json,
            Throwable trace) {
        int exit = error.exitCode();
        if (json) {
            Report r = started != null ? started : new Report(command, ctx.clock().instant(), System.nanoTime());
            if (!(error instanceof RunFailure)) {
                r.changed(false);
            }
            r.error(error).inSync(false).checkMode(checkMode).msg(error.getMessage());
            EventLog.warningsOf(error).forEach(r::warn); // a refusal the log could not record
            Output.json(ctx.out(), r.toMap(exit));
        }
        ctx.err().println("cmdop-update: error: " + SafeText.forTerminal(error.getMessage()) + " [" + error.code() + "]");
        if (trace != null) {
            trace.printStackTrace(ctx.err());
        }
        ctx.err().flush();
        return exit;
    }

    private static String commandName(CommandLine cl) {
        return cl.getCommand() instanceof BaseCommand b ? b.commandName() : cl.getCommandName();
    }

    static UpdateException typed(Throwable ex) {
        if (ex instanceof UpdateException u) {
            return u;
        }
        if (ex instanceof ParameterException p) {
            return new UpdateException(ErrorCode.USAGE, p.getMessage(), Map.of());
        }
        return new UpdateException(ErrorCode.INTERNAL, "internal error: " + ex
                + "; this is a bug in cmdop-update: please report it with the output of --verbose", Map.of(), ex);
    }
}
