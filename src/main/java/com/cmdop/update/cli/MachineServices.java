package com.cmdop.update.cli;

import com.cmdop.update.exec.AppContext;
import com.cmdop.update.exec.Converger;
import com.cmdop.update.schedule.SchedulerEntry;
import com.cmdop.update.state.Machine;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Builds the services a command calls, from the context and the machine's paths. */
final class MachineServices {
    /** Set by bin/cmdop-update to its own absolute path, so scheduler entries run the same launcher. */
    static final String LAUNCHER_ENV = "CMDOP_UPDATE_LAUNCHER";
    static final String DEFAULT_LAUNCHER = "/usr/local/bin/cmdop-update";

    private MachineServices() {}

    /** @param json whether --json is on: then no progress bar, whatever stderr is */
    static Converger converger(AppContext ctx, boolean customConfig, boolean json) {
        PrintStream progress = ctx.stderrIsTerminal() && !json ? ctx.err() : null;
        return new Converger(ctx, m -> scheduler(ctx, m, customConfig), progress);
    }

    /** The scheduler entry runs this tool with --scheduled on the same root and config as this run. */
    static SchedulerEntry scheduler(AppContext ctx, Machine machine, boolean customConfig) {
        List<String> argv = new ArrayList<>();
        String launcher = ctx.env(LAUNCHER_ENV);
        argv.add(launcher == null || launcher.isBlank() ? DEFAULT_LAUNCHER : launcher);
        argv.add("--scheduled");
        Path root = machine.paths().root();
        if (!root.equals(Path.of("/"))) {
            argv.add("--root");
            argv.add(root.toString());
        }
        if (customConfig) {
            argv.add("--config");
            argv.add(machine.paths().config().toString());
        }
        return new SchedulerEntry(root, argv);
    }
}
