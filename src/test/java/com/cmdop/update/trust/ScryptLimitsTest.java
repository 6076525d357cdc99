package com.cmdop.update.trust;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Expected values worked by hand through libsodium's pickparams (r is always 8). */
class ScryptLimitsTest {

    @ParameterizedTest(name = "opslimit {0}, memlimit {1} -> N=2^{2}, r=8, p={3}")
    @CsvSource({
        // minisign -G (SENSITIVE): not ops < mem/32, so maxN = 2^30/1024 = 2^20, p = (2^25/4)/2^20/8 = 1
        "33554432, 1073741824, 20, 1",
        // INTERACTIVE: maxN = 2^24/1024 = 2^14, p = (2^19/4)/2^14/8 = 1
        "524288, 16777216, 14, 1",
        // ops < mem/32: p = 1, maxN = 32768/32 = 1024, first 2^n > 512 is n = 10
        "32768, 16777216, 10, 1",
        // opslimit below libsodium's minimum is raised to 32768 first
        "1, 16777216, 10, 1",
        // more ops than memory: maxN = 2^14, p = (2^20/4)/2^14/8 = 2
        "1048576, 16777216, 14, 2",
        // plenty of memory: ops decide, maxN = 2^25/32 = 2^20
        "33554432, 1099511627776, 20, 1",
    })
    void limitsMapToScryptParametersLikeLibsodiumPickparams(long ops, long mem, int logN, int p) {
        ScryptLimits.Parameters parameters = new ScryptLimits(ops, mem).parameters();

        assertThat(parameters).isEqualTo(new ScryptLimits.Parameters(logN, 8, p));
        assertThat(parameters.whyRefused()).isNull();
    }

    @ParameterizedTest(name = "opslimit {0}, memlimit {1} is refused")
    @CsvSource({
        // needs N = 2^22 (4 GiB)
        "134217728, 4294967296",
        // opslimit 2^64-1 (unsigned): maxrp capped at 0x3fffffff, p = 134217727
        "-1, 1073741824",
    })
    void limitsBeyondWhatTheToolDerivesAreRefused(long ops, long mem) {
        assertThat(new ScryptLimits(ops, mem).parameters().whyRefused()).isNotNull();
    }

    @Test
    void limitsAreReadAsUnsignedNumbers() {
        // opslimit 2^64-1: maxrp = (2^62-1)/2^20 exceeds 0x3fffffff and is capped; p = 0x3fffffff / 8
        assertThat(new ScryptLimits(-1L, 1L << 30).parameters())
                .isEqualTo(new ScryptLimits.Parameters(20, 8, 134217727));
    }
}
