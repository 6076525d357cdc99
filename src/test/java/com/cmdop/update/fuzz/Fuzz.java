package com.cmdop.update.fuzz;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A small, deterministic property-based fuzzer for the parsers of outside input (issue #9): each property
 * feeds a parser {@link #RUNS} inputs, arbitrary bytes and, mostly, valid examples mutated at the byte,
 * character and structure level, and requires that every input either parses or fails with one of the
 * parser's documented exception types. Anything else (a NullPointerException, an
 * ArrayIndexOutOfBoundsException, a StackOverflowError, an OutOfMemoryError) fails the property, naming
 * the seed, the run and the input as a Java string literal, ready to become an example test.
 *
 * <p>Deterministic: the seed is fixed ({@code -Dcmdop.fuzz.seed=N} to explore others, {@code
 * -Dcmdop.fuzz.runs=N} for more runs), so a failure is reproducible and a green build stays green. Inputs
 * are at most {@link #MAX_INPUT} bytes, so memory stays bounded; a hang is caught by a generous
 * preemptive guard (a safety net, not a timing assertion).
 *
 * <p>Written here rather than with jqwik: see docs/decisions.md ("Fuzzing").
 */
final class Fuzz {
    static final int RUNS = Integer.getInteger("cmdop.fuzz.runs", 1000);
    static final long SEED = Long.getLong("cmdop.fuzz.seed", 20261129L);
    static final int MAX_INPUT = 64 * 1024;
    private static final Duration HANG_GUARD = Duration.ofSeconds(60);

    /** Bytes that matter to the formats we parse: structure, quoting, line ends, encodings, numbers. */
    private static final byte[] INTERESTING = ("{}[]\":,\n\r\t #-&*!|>'\\/.0123456789eE+=%@`?~\u0000")
            .getBytes(StandardCharsets.ISO_8859_1);
    private static final String[] TOKENS = {"null", "true", "false", "~", "-1", "0", "9223372036854775808", "1e999",
        "NaN", "\"\"", "[]", "{}", "&a", "*a", "!!binary", "!!python/object", "<<: *a", "---", "...", "%YAML 1.1",
        "\\u0000", "\uFEFF", "\u00e9", "\uD83D\uDE00", "untrusted comment: ", "trusted comment: ", "RWQ", "RWS", "Ed",
        "ED", "v1.2.3", "v", "-beta.", "+build", "Mon-Fri", "Sun", "24:00", "99:99", "-", ",", "999999d", "15m",
        "update:", "channel:", "pin:", "service:", "  ", "\t", "\n", "sha256", "schema", "sequence"};

    private Fuzz() {}

    /** One parser under test; whatever it returns is fine. */
    @FunctionalInterface
    interface Parser {
        Object parse(byte[] input) throws Exception;
    }

    /** Runs the property; {@code allowed} are the parser's documented failure types. */
    @SafeVarargs
    static void check(String property, List<byte[]> seeds, Parser parser, Class<? extends Throwable>... allowed) {
        assertTimeoutPreemptively(HANG_GUARD, () -> {
            SplittableRandom random = new SplittableRandom(SEED ^ property.hashCode());
            for (int run = 0; run < RUNS; run++) {
                byte[] input = next(random, seeds, run);
                Throwable failure = outcome(parser, input);
                if (failure != null && Arrays.stream(allowed).noneMatch(t -> t.isInstance(failure))) {
                    throw new AssertionError(property + ": run " + run + " (seed " + SEED + ") threw "
                            + failure.getClass().getName() + " instead of a value or one of "
                            + Arrays.stream(allowed).map(Class::getSimpleName).toList() + " for the input\n"
                            + literal(input), failure);
                }
            }
        }, property + " did not finish: a parser hangs on some input");
    }

    private static Throwable outcome(Parser parser, byte[] input) {
        try {
            parser.parse(input);
            return null;
        } catch (Throwable t) { // Errors too: a StackOverflowError is a finding, not a crash of the suite
            return t;
        }
    }

    /** The run's input: the seeds themselves first, then arbitrary bytes, token soup, and mostly mutants. */
    static byte[] next(SplittableRandom random, List<byte[]> seeds, int run) {
        if (run < seeds.size()) {
            return seeds.get(run).clone();
        }
        int kind = random.nextInt(10);
        if (kind == 0) {
            byte[] b = new byte[random.nextInt(512)];
            random.nextBytes(b);
            return b;
        }
        if (kind == 1) {
            StringBuilder s = new StringBuilder();
            for (int i = random.nextInt(40); i > 0; i--) {
                s.append(TOKENS[random.nextInt(TOKENS.length)]);
            }
            return s.toString().getBytes(StandardCharsets.UTF_8);
        }
        byte[] b = seeds.get(random.nextInt(seeds.size())).clone();
        for (int m = 1 + random.nextInt(random.nextInt(3) == 0 ? 24 : 4); m > 0; m--) {
            b = mutate(random, b, seeds);
        }
        return b.length > MAX_INPUT ? Arrays.copyOf(b, MAX_INPUT) : b;
    }

    static byte[] mutate(SplittableRandom random, byte[] b, List<byte[]> seeds) {
        int n = b.length;
        switch (random.nextInt(11)) {
            case 0: // flip a bit
                if (n > 0) {
                    b[random.nextInt(n)] ^= (byte) (1 << random.nextInt(8));
                }
                return b;
            case 1: // a byte that matters to the format
                if (n > 0) {
                    b[random.nextInt(n)] = INTERESTING[random.nextInt(INTERESTING.length)];
                }
                return b;
            case 2: // any byte
                if (n > 0) {
                    b[random.nextInt(n)] = (byte) random.nextInt(256);
                }
                return b;
            case 3: { // insert a token
                byte[] t = TOKENS[random.nextInt(TOKENS.length)].getBytes(StandardCharsets.UTF_8);
                return insert(b, random.nextInt(n + 1), t);
            }
            case 4: { // delete a range
                if (n == 0) {
                    return b;
                }
                int from = random.nextInt(n);
                int to = Math.min(n, from + 1 + random.nextInt(Math.max(1, n / 4)));
                return concat(Arrays.copyOf(b, from), Arrays.copyOfRange(b, to, n));
            }
            case 5: { // duplicate a range (repeated keys, lines, list items)
                if (n == 0) {
                    return b;
                }
                int from = random.nextInt(n);
                int to = Math.min(n, from + 1 + random.nextInt(Math.max(1, n / 3)));
                return insert(b, to, Arrays.copyOfRange(b, from, to));
            }
            case 6: // truncate
                return Arrays.copyOf(b, n == 0 ? 0 : random.nextInt(n));
            case 7: { // splice with another seed
                byte[] other = seeds.get(random.nextInt(seeds.size()));
                int cut = n == 0 ? 0 : random.nextInt(n);
                int otherCut = other.length == 0 ? 0 : random.nextInt(other.length);
                return concat(Arrays.copyOf(b, cut), Arrays.copyOfRange(other, otherCut, other.length));
            }
            case 8: { // deep nesting, at a random place
                int depth = 1 + random.nextInt(3000);
                String open = random.nextBoolean() ? "[" : "{\"a\":";
                String close = open.equals("[") ? "]" : "}";
                byte[] wrap = (open.repeat(depth)).getBytes(StandardCharsets.UTF_8);
                int at = random.nextInt(n + 1);
                return insert(insert(b, at, wrap), at + wrap.length, close.repeat(random.nextInt(depth + 1))
                        .getBytes(StandardCharsets.UTF_8));
            }
            case 9: { // indentation nesting (YAML)
                StringBuilder s = new StringBuilder();
                for (int i = 0, depth = 1 + random.nextInt(200); i < depth; i++) {
                    s.append(" ".repeat(i)).append("k").append(i).append(":\n");
                }
                return insert(b, random.nextInt(n + 1), s.toString().getBytes(StandardCharsets.UTF_8));
            }
            default: { // a long run of one byte (long lines, long numbers)
                byte[] run = new byte[1 + random.nextInt(8192)];
                Arrays.fill(run, n == 0 ? (byte) '9' : b[random.nextInt(n)]);
                return insert(b, random.nextInt(n + 1), run);
            }
        }
    }

    private static byte[] insert(byte[] b, int at, byte[] what) {
        byte[] out = new byte[b.length + what.length];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(what, 0, out, at, what.length);
        System.arraycopy(b, at, out, at + what.length, b.length - at);
        return out;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        return insert(a, a.length, b);
    }

    static String text(byte[] input) {
        return new String(input, StandardCharsets.UTF_8);
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** The input as a Java string literal (bytes as ISO-8859-1 escapes past ASCII), to paste into a test. */
    static String literal(byte[] input) {
        StringBuilder s = new StringBuilder("\"");
        int shown = Math.min(input.length, 4096);
        for (int i = 0; i < shown; i++) {
            int c = input[i] & 0xff;
            switch (c) {
                case '"' -> s.append("\\\"");
                case '\\' -> s.append("\\\\");
                case '\n' -> s.append("\\n");
                case '\r' -> s.append("\\r");
                case '\t' -> s.append("\\t");
                default -> s.append(c >= 0x20 && c < 0x7f ? String.valueOf((char) c) : String.format("\\u%04x", c));
            }
        }
        return s.append('"').append(shown < input.length ? " ... (" + input.length + " bytes)" : "").toString();
    }
}
