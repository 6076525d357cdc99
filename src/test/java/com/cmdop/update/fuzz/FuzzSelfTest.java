package com.cmdop.update.fuzz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.cmdop.update.model.error.UpdateException;
import com.cmdop.update.state.ConfigReader;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The fuzzer itself: it catches what it is for, and its inputs are both valid and broken. */
class FuzzSelfTest {
    @Test
    void anUndocumentedExceptionFailsThePropertyWithTheInputAsALiteral() {
        assertThatThrownBy(() -> Fuzz.check("npe", List.of(Fuzz.bytes("ok")), in -> {
            if (in.length > 0 && in[0] == '{') {
                throw new NullPointerException("boom");
            }
            return in;
        }, IllegalArgumentException.class))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("threw java.lang.NullPointerException")
                .hasMessageContaining("\"{");
    }

    @Test
    void aStackOverflowIsAFindingNotACrashOfTheSuite() {
        assertThatThrownBy(() -> Fuzz.check("deep", List.of(Fuzz.bytes("x")), in -> {
            throw new StackOverflowError();
        }, UpdateException.class)).isInstanceOf(AssertionError.class).hasMessageContaining("StackOverflowError");
    }

    @Test
    void mutantsOfAValidConfigAreSometimesValidAndSometimesRefused() {
        List<byte[]> seeds = List.of(Fuzz.bytes("update:\n  channel: beta\n  auto: on\n  interval: 6h\n"));
        SplittableRandom random = new SplittableRandom(1);
        AtomicInteger parsed = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        for (int run = 0; run < 300; run++) {
            try {
                ConfigReader.parse(Fuzz.text(Fuzz.next(random, seeds, run)), "c");
                parsed.incrementAndGet();
            } catch (UpdateException e) {
                refused.incrementAndGet();
            }
        }
        assertThat(parsed.get()).as("valid inputs reach the checks past the syntax").isGreaterThan(1);
        assertThat(refused.get()).as("broken inputs").isGreaterThan(100);
    }

    @Test
    void inputsStayWithinTheSizeBound() {
        List<byte[]> seeds = List.of(Fuzz.bytes("a: b\n"));
        SplittableRandom random = new SplittableRandom(2);
        for (int run = 0; run < 2000; run++) {
            assertThat(Fuzz.next(random, seeds, run).length).isLessThanOrEqualTo(Fuzz.MAX_INPUT);
        }
    }
}
