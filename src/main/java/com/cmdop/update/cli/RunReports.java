package com.cmdop.update.cli;

import com.cmdop.update.exec.ActionResult;
import com.cmdop.update.exec.RunOutcome;
import com.cmdop.update.model.DesiredState;
import com.cmdop.update.model.Setting;
import com.cmdop.update.model.Settings;
import com.cmdop.update.model.Version;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/** Fills a {@link Report} from the outcome of the one plan -> execute path. */
final class RunReports {
    private RunReports() {}

    static void fill(Report report, DesiredState desired, RunOutcome outcome, boolean check) {
        report.desired(desiredMap(desired));
        fill(report, outcome, check);
    }

    /** Everything but {@code desired}: also how a failed run that changed something is reported. */
    static void fill(Report report, RunOutcome outcome, boolean check) {
        boolean inSync = outcome.plan().drift().isEmpty();
        String status;
        if (outcome.changed()) {
            status = check ? Report.DRIFT : Report.CHANGED;
        } else {
            status = inSync ? Report.UNCHANGED : Report.DRIFT;
        }
        report.checkMode(check).status(status).changed(outcome.changed()).inSync(inSync)
                .beforeAfter(settingsMap(outcome.before(), outcome.versionBefore()),
                        settingsMap(outcome.after(), outcome.versionAfter()))
                .drift(outcome.plan().drift())
                .actions(outcome.actions())
                .msg(message(outcome, check));
        report.agent().put("installed_version", text(check ? outcome.versionBefore() : outcome.versionAfter()));
        if (outcome.channelHead() != null) {
            report.agent().put("available_version", outcome.channelHead().toString());
        }
        Version installed = check ? outcome.versionBefore() : outcome.versionAfter();
        report.advisories(outcome.plan().advisories().stream().map(a -> CheckReports.advisory(a, installed)).toList());
        outcome.warnings().forEach(report::warn);
    }

    static String message(RunOutcome outcome, boolean check) {
        if (outcome.actions().isEmpty()) {
            return "in sync: nothing to do";
        }
        String steps = outcome.actions().stream().map(ActionResult::message).collect(Collectors.joining("; "));
        if (check) {
            return "would change: " + steps;
        }
        boolean allApplied = outcome.actions().stream().allMatch(a -> a.status().equals(ActionResult.APPLIED));
        return allApplied ? steps : outcome.actions().stream().map(a -> a.message() + " (" + a.status() + ")")
                .collect(Collectors.joining("; "));
    }

    /** The settings in the JSON form of {@code before}, {@code after} and status {@code settings}. */
    static Map<String, Object> settingsMap(Settings s, Version installed) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (Setting<?> setting : Setting.MANAGED) {
            m.put(setting.id(), setting.toJson(s.get(setting)));
        }
        m.put("version", text(installed));
        return m;
    }

    static Map<String, Object> desiredMap(DesiredState desired) {
        Map<String, Object> m = new LinkedHashMap<>();
        desired.values().forEach((k, v) -> m.put(k.id(), k.toJson(v)));
        return m;
    }

    static String text(Object o) {
        return o == null ? null : o.toString();
    }
}
