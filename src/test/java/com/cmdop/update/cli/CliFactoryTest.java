package com.cmdop.update.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.cmdop.update.exec.AppContext;
import org.junit.jupiter.api.Test;

/** Only the subcommand a command line names gets its picocli model built; help still sees them all. */
class CliFactoryTest {
    private static java.util.Set<String> registered(String... args) {
        return CliFactory.create(AppContext.system(), args).getSubcommands().keySet();
    }

    @Test
    void aSubcommandRegistersOnlyItself() {
        assertThat(registered("--root", "/tmp/x", "status", "--json")).containsExactly("status");
        assertThat(registered("converge", "--offline", "--state", "-")).containsExactly("converge");
    }

    @Test
    void theRootsOwnFlagsRegisterNone() {
        assertThat(registered("--scheduled", "--json")).isEmpty();
        assertThat(registered("--root", "status", "--check")).isEmpty(); // a value, not a command
        assertThat(registered()).isEmpty();
    }

    @Test
    void helpAndUnknownWordsRegisterEverySubcommand() {
        int all = CliFactory.COMMANDS.size();
        assertThat(registered("--help")).hasSize(all);
        assertThat(registered("help", "status")).hasSize(all);
        assertThat(registered("statuss")).hasSize(all);
        assertThat(CliFactory.create(AppContext.system()).getSubcommands()).hasSize(all);
    }

    @Test
    void aMisspeltCommandIsStillAUsageError() {
        assertThat(CliFactory.run(AppContext.system(), "statuss", "--root", "/nonexistent")).isEqualTo(64);
    }
}
