package com.cmdop.update.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.cmdop.update.support.Cli;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The options publish, promote and resign share are declared once: same name, label and help text. */
class ReleaseOptionsTest {
    private static String optionLine(String subcommand, String option) {
        Cli.Result r = new Cli().env("COLUMNS", "1000").run("release", subcommand, "--help");
        assertThat(r.exit()).as(r.toString()).isZero();
        return r.out().lines().filter(l -> l.strip().startsWith(option)).findFirst()
                .orElseThrow(() -> new AssertionError(option + " is not in the help of release " + subcommand));
    }

    @Test
    void feedKeyAndExpiresReadTheSameInPublishPromoteAndResign() {
        for (String option : List.of("--feed=DIR", "--key=FILE", "--expires=D")) {
            Set<String> lines = List.of("publish", "promote", "resign").stream().map(sub -> optionLine(sub, option))
                    .collect(Collectors.toSet());

            assertThat(lines).as(option).hasSize(1);
        }
        assertThat(optionLine("publish", "--version=V")).isEqualTo(optionLine("promote", "--version=V"));
        assertThat(optionLine("resign", "--expires=D")).contains("1h .. 365d (default 30d)");
    }
}
