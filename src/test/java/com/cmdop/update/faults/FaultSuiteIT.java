package com.cmdop.update.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.cmdop.update.blackbox.JarProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

/**
 * The randomized fault suite (issue #9) as part of {@code mvn verify}, so {@code .ci/run} runs it.
 * Size and seed: {@code -Dfault.runs=N -Dfault.seed=S}, or {@code FAULT_RUNS} / {@code FAULT_SEED} in the
 * environment; by default up to 300 runs within 240 s ({@code fault.budget} / {@code FAULT_BUDGET}), with a fresh
 * seed printed first so a failure can be replayed. Results go
 * to {@code target/fault-suite/summary.json} and {@code summary.md}.
 */
class FaultSuiteIT {
    static final String DEFAULT_RUNS = "300";
    /** CI's share: the suite starts no new run after this many seconds. */
    static final String DEFAULT_BUDGET_SECONDS = "240";

    @Test
    void everyInvariantHoldsUnderRandomFaults() throws Exception {
        int runs = Integer.parseInt(FaultSuite.setting("fault.runs", "FAULT_RUNS", DEFAULT_RUNS));
        Duration budget = Duration.ofSeconds(Long.parseLong(FaultSuite.setting("fault.budget", "FAULT_BUDGET",
                DEFAULT_BUDGET_SECONDS)));
        long seed = Long.parseLong(FaultSuite.setting("fault.seed", "FAULT_SEED",
                Long.toString(new SecureRandom().nextLong())));
        Path work = Files.createTempDirectory("cmdop-fault-suite");
        FaultSuite.Summary s = new FaultSuite(runs, budget, seed, JarProcess.jar(), work, System.out).run();
        FaultSuite.write(s, Path.of("target/fault-suite"));
        System.out.print(FaultSuite.report(s));

        assertThat(s.violations()).as("invariant violations (seed " + seed + "; machines kept in " + work + ")")
                .isEmpty();
        FaultSuite.deleteTree(work);
    }
}
