package com.cmdop.update.cli;

import com.cmdop.update.exec.RunOutcome;
import com.cmdop.update.model.Advisory;
import com.cmdop.update.model.Settings;
import com.cmdop.update.model.Version;
import java.util.Map;

/** Fills a {@link Report} for {@code --check}: the plan of an update, not executed. */
final class CheckReports {
    private CheckReports() {}

    static void fill(Report report, Settings settings, RunOutcome outcome) {
        boolean waiting = outcome.plan().changesVersion();
        Version installed = outcome.versionBefore();
        Version available = outcome.channelHead();
        Version target = outcome.plan().target();
        report.checkMode(true).inSync(!waiting);
        report.agent().put("installed_version", RunReports.text(installed));
        report.agent().put("available_version", RunReports.text(available));
        report.advisories(outcome.plan().advisories().stream().map(a -> advisory(a, installed)).toList());
        outcome.warnings().forEach(report::warn);
        report.put("update_available", waiting);
        report.put("target_version", RunReports.text(target));
        report.put("channel", settings.channel().id());
        report.put("pin", RunReports.text(settings.pin()));
        RunOutcome.FeedSummary feed = outcome.feed();
        report.put("feed", feed == null ? null : Report.orderedMap("location", feed.location(), "sequence",
                feed.sequence(), "published", feed.published().toString(), "expires", feed.expires().toString(),
                "key_id", feed.keyId(), "cached", feed.fromCache()));
        String installedText = installed == null ? "no version known to be installed" : "installed " + installed;
        int affecting = outcome.plan().advisories().size();
        String advisories = affecting == 0 ? "" : "; " + affecting + " security advisor" + (affecting == 1 ? "y" : "ies")
                + (installed == null // nothing recorded: no agent, or one of unknown version, which may be affected
                        ? " may affect the agent (its version is not known)"
                        : " affect" + (affecting == 1 ? "s" : "") + " the installed version");
        report.msg((waiting
                ? "update waiting: " + target + " (" + installedText + ", channel " + settings.channel() + ")"
                : "up to date: " + installedText + "; channel " + settings.channel() + " offers " + available
                        + (settings.pin() == null ? "" : "; pinned to " + settings.pin())) + advisories);
    }

    /** {@code CMDOP-2026-7 (high, fixed in v1.2.4): token leak} for the text view. */
    @SuppressWarnings("unchecked")
    static String describe(Object advisory) {
        Map<String, Object> a = (Map<String, Object>) advisory;
        return a.get("id") + " (" + a.get("severity") + ", fixed in " + a.get("fixed_in") + "): " + a.get("summary");
    }

    /**
     * One advisory of the envelope (SPEC section 11); {@code affects_installed} is judged by the version installed
     * when the run ends, so an advisory that an update just fixed is still listed, as no longer affecting it.
     */
    static Map<String, Object> advisory(Advisory a, Version installed) {
        return Report.orderedMap("id", a.id(), "severity", a.severity(), "summary", a.summary(), "fixed_in",
                a.fixedIn().toString(), "affects_installed", a.affects(installed));
    }
}
