package com.cmdop.update.cli;

import com.cmdop.update.exec.UpdateCheck;
import com.cmdop.update.release.manifest.ChannelManifest;
import com.cmdop.update.release.manifest.ReleaseManifest;
import com.cmdop.update.model.Settings;
import java.util.Map;

/** Fills a {@link Report} for {@code --check}. */
final class CheckReports {
    private CheckReports() {}

    static void fill(Report report, Settings settings, UpdateCheck.Result r) {
        ChannelManifest ch = r.channel().manifest();
        report.checkMode(true).inSync(!r.updateAvailable());
        report.agent().put("installed_version", RunReports.text(r.installed()));
        report.agent().put("available_version", ch.version().toString());
        report.advisories(r.advisories().stream().map(CheckReports::advisory).toList());
        r.warnings().forEach(report::warn);
        report.put("update_available", r.updateAvailable());
        report.put("target_version", RunReports.text(r.target()));
        report.put("channel", settings.channel().id());
        report.put("pin", RunReports.text(settings.pin()));
        report.put("feed", Report.orderedMap("location", settings.feed(), "sequence", ch.sequence(), "published",
                ch.published().toString(), "expires", ch.expires().toString(), "key_id", r.channel().keyId(),
                "cached", r.channel().fromCache()));
        String installed = r.installed() == null ? "no version known to be installed" : "installed " + r.installed();
        report.msg(r.updateAvailable()
                ? "update waiting: " + r.target() + " (" + installed + ", channel " + settings.channel() + ")"
                : "up to date: " + installed + "; channel " + settings.channel() + " offers " + ch.version()
                        + (settings.pin() == null ? "" : "; pinned to " + settings.pin()));
    }

    /** {@code CMDOP-2026-7 (high, fixed in v1.2.4): token leak} for the text view. */
    @SuppressWarnings("unchecked")
    static String describe(Object advisory) {
        Map<String, Object> a = (Map<String, Object>) advisory;
        return a.get("id") + " (" + a.get("severity") + ", fixed in " + a.get("fixed_in") + "): " + a.get("summary");
    }

    static Map<String, Object> advisory(ReleaseManifest.Advisory a) {
        return Report.orderedMap("id", a.id(), "severity", a.severity(), "summary", a.summary(), "fixed_in",
                a.fixedIn().toString());
    }
}
