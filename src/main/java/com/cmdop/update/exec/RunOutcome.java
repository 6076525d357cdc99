package com.cmdop.update.exec;

import com.cmdop.update.model.Settings;
import com.cmdop.update.model.Version;
import com.cmdop.update.plan.Plan;
import java.time.Instant;
import java.util.List;

/**
 * What a run found and did. {@code changed} is true when something was changed (in check mode: would be).
 * {@code channelHead} is the version the channel offered, when the feed was consulted.
 */
public record RunOutcome(Plan plan, List<ActionResult> actions, List<String> warnings, Settings before,
        Settings after, Version versionBefore, Version versionAfter, Version channelHead, FeedSummary feed,
        boolean changed) {
    public RunOutcome {
        actions = List.copyOf(actions);
        warnings = List.copyOf(warnings);
    }

    /** The same outcome with one more warning. */
    RunOutcome withWarning(String warning) {
        List<String> all = new java.util.ArrayList<>(warnings);
        all.add(warning);
        return new RunOutcome(plan, actions, all, before, after, versionBefore, versionAfter, channelHead, feed, changed);
    }

    /** The verified channel manifest the run read, for reports; null when the feed was not consulted. */
    public record FeedSummary(String location, long sequence, Instant published, Instant expires, String keyId,
            boolean fromCache) {}
}
