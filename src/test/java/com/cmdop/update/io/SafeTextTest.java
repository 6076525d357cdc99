package com.cmdop.update.io;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SafeTextTest {
    @Test
    void plainTextIsReturnedUnchanged() {
        String s = "swap: /usr/local/bin/cmdop is now v1.2.4 (was v1.2.3) — ünïcödé 🚀";
        assertThat(SafeText.escape(s)).isSameAs(s);
        assertThat(SafeText.isSafe(s)).isTrue();
    }

    @Test
    void newlinesAndCarriageReturnsCannotStartAForgedLogLine() {
        String hostile = "v1.2.4\n2026-11-27T10:00:00Z CRITICAL update: tamper-detected reason=FAKE\r";
        String escaped = SafeText.escape(hostile);
        assertThat(escaped).doesNotContain("\n").doesNotContain("\r")
                .isEqualTo("v1.2.4\\n2026-11-27T10:00:00Z CRITICAL update: tamper-detected reason=FAKE\\r");
    }

    @ParameterizedTest
    @ValueSource(ints = {0x00, 0x07, 0x08, 0x09, 0x0b, 0x0c, 0x1b, 0x1f, 0x7f, 0x80, 0x85, 0x9b, 0x9f, 0x2028, 0x2029,
            0x202e, 0x2066, 0x200f, 0x061c})
    void everyControlCharacterIsReplacedByAVisibleEscape(int c) {
        String escaped = SafeText.escape("a" + (char) c + "b");
        assertThat(escaped).startsWith("a\\").endsWith("b").hasSizeGreaterThan(3);
        assertThat(escaped.chars()).allMatch(ch -> ch >= 0x20 && ch < 0x7f);
        assertThat(SafeText.isSafe("a" + (char) c + "b")).isFalse();
    }

    @Test
    void aTerminalEscapeSequenceIsShownNotSent() {
        assertThat(SafeText.escape("\u001b]0;owned\u0007\u001b[2J")).isEqualTo("\\x1b]0;owned\\x07\\x1b[2J");
        assertThat(SafeText.escape("\u009b31m")).isEqualTo("\\x9b31m");
        assertThat(SafeText.escape("x\u2028y")).isEqualTo("x\\u2028y");
    }

    @Test
    void aBackslashIsEscapedSoThatEscapesAreUnambiguous() {
        assertThat(SafeText.escape("a\\nb")).isEqualTo("a\\\\nb");
        assertThat(SafeText.escape("a\nb")).isNotEqualTo(SafeText.escape("a\\nb"));
    }

    @Test
    void anUnpairedSurrogateIsEscapedAndAPairIsKept() {
        assertThat(SafeText.escape("a\ud800b")).isEqualTo("a\\ud800b");
        assertThat(SafeText.escape("a\udc00")).isEqualTo("a\\udc00");
        assertThat(SafeText.escape("\ud83d\ude80")).isEqualTo("\ud83d\ude80");
    }

    @Test
    void nullStaysNull() {
        assertThat(SafeText.escape(null)).isNull();
    }

    @Test
    void forTerminalEscapesControlsButLeavesBackslashesOfAlreadyEscapedText() {
        assertThat(SafeText.forTerminal("update: a\\nb \u001b[2J")).isEqualTo("update: a\\nb \\x1b[2J");
        assertThat(SafeText.forTerminal("x\ny")).isEqualTo("x\\ny");
    }
}
