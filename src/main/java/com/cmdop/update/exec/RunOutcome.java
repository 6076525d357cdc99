package com.cmdop.update.exec;

import com.cmdop.update.plan.Plan;
import com.cmdop.update.model.Version;
import com.cmdop.update.model.Settings;
import java.util.List;

/**
 * What a run found and did. {@code changed} is true when something was changed (in check mode: would be).
 * {@code channelHead} is the version the channel offered, when the feed was consulted.
 */
public record RunOutcome(Plan plan, List<ActionResult> actions, List<String> warnings, Settings before,
        Settings after, Version versionBefore, Version versionAfter, Version channelHead, boolean changed) {}
