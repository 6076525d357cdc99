package com.cmdop.update.cli;

import com.cmdop.update.AppContext;
import picocli.CommandLine.Command;

/** Placeholder, replaced below. */
@Command(name = "demo", versionProvider = ToolVersion.class)
public final class DemoCommand extends BaseCommand {
    public DemoCommand(AppContext ctx) {
        super(ctx);
    }

    @Override
    protected String commandName() {
        return "demo";
    }

    @Override
    protected void run(Report report) {
    }
}
