package com.cmdop.update.cli;

import com.cmdop.update.exec.AppContext;
import com.cmdop.update.exec.QuarantineService;
import com.cmdop.update.install.Quarantine;
import com.cmdop.update.model.Setting;
import com.cmdop.update.model.Version;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code quarantine list|clear VERSION}: see and clear the versions not installed automatically. */
@Command(name = "quarantine",
        sortOptions = false,
        usageHelpAutoWidth = true,
        header = "List the quarantined versions (failed their health check or were rolled back from), or clear one.",
        description = {"",
            "A quarantined version is not installed automatically again until a newer one is published; "
                    + "--version and --pin install it anyway. A healthy install of a version clears every "
                    + "quarantined version up to it."},
        optionListHeading = "%nOptions:%n",
        commandListHeading = "%nCommands:%n",
        footerHeading = "%nExamples:%n",
        footer = {"  cmdop-update quarantine list --json", "  cmdop-update quarantine clear v1.4.3"},
        subcommands = {QuarantineCommand.ListCommand.class, QuarantineCommand.ClearCommand.class})
public final class QuarantineCommand extends BaseCommand {
    public QuarantineCommand(AppContext ctx) {
        super(ctx);
    }

    @Override
    protected String commandName() {
        return "quarantine";
    }

    @Override
    protected void run(Report report) {
        throw usage("quarantine needs a command: list, or clear VERSION");
    }

    /** {@code quarantine list}: reads only. */
    @Command(name = "list", usageHelpAutoWidth = true, header = "List the quarantined versions, oldest first. Reads only.")
    public static final class ListCommand extends BaseCommand {
        public ListCommand(AppContext ctx) {
            super(ctx);
        }

        @Override
        protected String commandName() {
            return "quarantine list";
        }

        @Override
        protected void run(Report report) {
            List<Quarantine.Entry> entries = new QuarantineService(ctx).list(openMachine());
            report.put("quarantined", entries.stream().map(AgentView::entry).toList());
            report.msg(entries.isEmpty() ? "no version is quarantined" : entries.size() + " quarantined: "
                    + String.join(", ", entries.stream().map(e -> e.version() + " (" + e.reason() + ")").toList()));
        }
    }

    /** {@code quarantine clear VERSION}: idempotent; a version that is not quarantined changes nothing. */
    @Command(name = "clear", usageHelpAutoWidth = true,
            header = "Let a quarantined version be installed automatically again.")
    public static final class ClearCommand extends BaseCommand {
        @Parameters(paramLabel = "VERSION", description = "The version to clear, such as v1.4.3.")
        String version;

        public ClearCommand(AppContext ctx) {
            super(ctx);
        }

        @Override
        protected String commandName() {
            return "quarantine clear";
        }

        @Override
        protected void run(Report report) {
            Version v = FLAGS.read(Setting.PIN, version, "VERSION");
            if (v == null) {
                throw usage("quarantine clear needs a version such as v1.4.3");
            }
            List<String> warnings = new ArrayList<>();
            Quarantine.Entry cleared = new QuarantineService(ctx).clear(openMachine(), v, warnings);
            warnings.forEach(report::warn);
            report.changed(cleared != null).status(cleared != null ? Report.CHANGED : Report.UNCHANGED);
            report.msg(cleared != null ? "cleared " + v + " (was: " + cleared.reason() + "); it may be installed "
                    + "automatically again" : v + " is not quarantined: nothing to do");
        }
    }
}
