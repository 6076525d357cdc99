package com.cmdop.update.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.cmdop.update.support.Cli;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Help: {@code help [COMMAND]}, a width that follows COLUMNS, and no word ever broken. */
class HelpTest {
    private static final List<List<String>> COMMANDS = List.of(List.of(), List.of("status"), List.of("converge"),
            List.of("logs"), List.of("demo"), List.of("release"), List.of("release", "keygen"),
            List.of("release", "publish"), List.of("release", "promote"), List.of("release", "resign"),
            List.of("release", "verify"));

    private static Cli.Result help(int columns, List<String> command) {
        String[] args = Stream.concat(command.stream(), Stream.of("--help")).toArray(String[]::new);
        return new Cli().env("COLUMNS", Integer.toString(columns)).run(args);
    }

    private static List<String> words(String text) {
        return Arrays.stream(text.split("\\s+")).filter(w -> !w.isEmpty()).toList();
    }

    @Test
    void helpWithoutACommandPrintsTheToolsUsageAndExitsZero() {
        Cli.Result r = new Cli().run("help");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).contains("Usage: cmdop-update").contains("Commands:").contains("release");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void helpOfANestedCommandPrintsThatCommandsHelpAndExitsZero() {
        Cli.Result r = new Cli().env("COLUMNS", "100").run("help", "release", "publish");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).contains("--artifact=PLATFORM=FILE").contains("cmdop-update release publish");
        assertThat(r.out()).isEqualTo(help(100, List.of("release", "publish")).out());
        assertThat(new Cli().run("help", "logs").out()).contains("--follow");
    }

    @Test
    void helpOfAnUnknownCommandIsAUsageError() {
        Cli.Result r = new Cli().run("help", "nonsense");

        assertThat(r.exit()).as(r.toString()).isEqualTo(64);
        assertThat(r.err()).contains("unknown command 'nonsense'");
        assertThat(new Cli().run("help", "release", "publsh").err()).contains("unknown command 'release publsh'");
    }

    @Test
    void helpFillsTheWidthThatColumnsAsksFor() {
        List<String> wide = help(160, List.of("release")).out().lines().toList();
        List<String> narrow = help(80, List.of("release")).out().lines().toList();

        assertThat(wide).anyMatch(l -> l.length() > 100).allMatch(l -> l.length() <= 160);
        assertThat(narrow).allMatch(l -> l.length() <= 80);
        assertThat(wide).anyMatch(l -> l.contains(
                "release promote --feed /srv/feed --key ~/.cmdop-publish/cmdop.key --version v1.2.3 --channel beta"));
    }

    @Test
    void aColumnsValueThatIsNoWidthIsIgnoredAndATinyOneIsRaisedToTheMinimum() {
        assertThat(new Cli().env("COLUMNS", "wide").run("--help").exit()).isZero();
        assertThat(help(10, List.of("release")).out().lines()).anyMatch(l -> l.length() > 50);
    }

    @ParameterizedTest
    @ValueSource(ints = {55, 61, 72, 80, 97, 120, 160})
    void noWordIsEverBrokenWhateverTheWidth(int columns) {
        for (List<String> command : COMMANDS) {
            Cli.Result unwrapped = help(HelpLayout.MAX_WIDTH, command);
            Cli.Result r = help(columns, command);

            assertThat(r.exit()).as(r.toString()).isZero();
            assertThat(words(r.out())).as("help of %s at %d columns", command, columns)
                    .containsExactlyElementsOf(words(unwrapped.out()));
            assertThat(r.out()).as("help of %s at %d columns", command, columns)
                    .doesNotContain("cmdop.\nkey").doesNotContain("cmdop-\n");
        }
    }
}
