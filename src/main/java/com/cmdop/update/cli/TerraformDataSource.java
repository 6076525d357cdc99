package com.cmdop.update.cli;

import com.cmdop.update.io.JsonTrees;
import com.cmdop.update.exec.AppContext;
import com.cmdop.update.model.error.ErrorCode;
import com.cmdop.update.model.error.InvalidInputException;
import com.cmdop.update.model.error.UpdateException;
import com.cmdop.update.exec.RunOutcome;
import com.cmdop.update.exec.RunRequest;
import com.cmdop.update.plan.Drift;
import com.cmdop.update.model.DesiredState;
import com.cmdop.update.state.SettingsReader;
import com.cmdop.update.model.Setting;
import com.cmdop.update.exec.Converger;
import com.cmdop.update.model.Settings;
import com.cmdop.update.state.StrictYaml;
import com.cmdop.update.state.Machine;
import com.cmdop.update.state.StateFile;
import com.cmdop.update.model.Version;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * {@code status --terraform}: Terraform's {@code external} data source protocol. Terraform writes one
 * JSON object whose values are all strings to stdin and reads one flat JSON object of strings from
 * stdout; on error it shows stderr and expects a non-zero exit. Read-only: a drift check, nothing
 * more, so {@code terraform plan} never changes a machine.
 */
final class TerraformDataSource {
    /**
     * The query's keys: {@code root}, and every managed setting by its dotted id ({@code service.restart}); a
     * list-valued one is a JSON array in a string ({@code jsonencode([...])}), since the protocol passes strings.
     */
    private static final List<Setting<?>> SETTINGS = Setting.MANAGED.stream()
            .sorted(Comparator.comparing(Setting::id)).toList();

    private final AppContext ctx;
    private final Function<Path, Machine> machines;
    private final Path defaultRoot;

    /** @param defaultRoot the root from --root or CMDOP_ROOT, used when the query names none */
    TerraformDataSource(AppContext ctx, Function<Path, Machine> machines, Path defaultRoot) {
        this.ctx = ctx;
        this.machines = machines;
        this.defaultRoot = defaultRoot;
    }

    int run() {
        long start = System.nanoTime();
        try {
            Map<String, String> query = readQuery();
            Path root = query.containsKey("root") && !query.get("root").isBlank()
                    ? ctx.cwd().resolve(query.get("root")) : defaultRoot;
            DesiredState desired = desired(query);
            Machine machine = machines.apply(root);
            RunOutcome outcome = new Converger(ctx, null)
                    .run(machine, new RunRequest(desired, RunRequest.CONVERGE, true, true));
            Report report = new Report("converge", ctx.clock().instant(), start);
            RunReports.fill(report, desired, outcome, true);
            AgentView.fill(report, machine);
            StateFile.LastSuccess success = StateFile.load(machine.paths().stateFile(machine.settings())).lastSuccess();
            ctx.out().println(Output.toJson(result(outcome, report, success), false));
            ctx.out().flush();
            return 0;
        } catch (UpdateException e) {
            ctx.err().println("cmdop-update: " + e.code() + ": " + e.getMessage().replace('\n', ' '));
            return e.exitCode();
        } catch (RuntimeException e) {
            ctx.err().println("cmdop-update: INTERNAL: " + e);
            return ErrorCode.INTERNAL.exitCode();
        }
    }

    private Map<String, String> readQuery() {
        String text;
        try {
            byte[] bytes = ctx.stdin().readNBytes(StrictYaml.MAX_CHARS);
            text = new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw fail("cannot read the query from stdin: " + e.getMessage());
        }
        if (text.isBlank()) {
            throw fail("expected a JSON object on stdin (Terraform sends the data source's query; {} is valid)");
        }
        JsonNode node = StrictYaml.read(text, "stdin",
                ErrorCode.INVALID_INPUT);
        if (node == null || !node.isObject()) {
            throw fail("expected a JSON object on stdin");
        }
        Map<String, String> query = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getKey().equals("root") && SETTINGS.stream().noneMatch(k -> k.id().equals(e.getKey()))) {
                throw fail("unknown query key '" + e.getKey() + "'; allowed: " + String.join(", ",
                        SETTINGS.stream().map(Setting::id).toList()) + ", root");
            }
            if (!e.getValue().isTextual()) {
                throw fail("query key '" + e.getKey() + "' must be a string (Terraform's external data source "
                        + "passes only strings)");
            }
            query.put(e.getKey(), e.getValue().textValue());
        }
        return query;
    }

    private static DesiredState desired(Map<String, String> query) {
        SettingsReader reader = new SettingsReader("query", ErrorCode.INVALID_INPUT);
        Map<Setting<?>, Object> desired = new LinkedHashMap<>();
        for (Setting<?> setting : SETTINGS) {
            if (query.containsKey(setting.id())) {
                desired.put(setting, reader.read(setting, raw(setting, query.get(setting.id())), setting.id()));
            }
        }
        return DesiredState.of(desired);
    }

    /** The string as given, or for a list-valued setting the JSON array it holds. */
    private static Object raw(Setting<?> setting, String value) {
        if (!(setting.defaultValue() instanceof List<?>)) {
            return value;
        }
        try {
            JsonNode node = JsonTrees.readTree(value.getBytes(StandardCharsets.UTF_8));
            if (node.isArray()) { // readTree gives a missing node, never null, for an empty string
                return SettingsReader.plain(node);
            }
        } catch (IOException e) {
            // reported below, with the fix
        }
        throw fail("query key '" + setting.id() + "' must be a JSON array in a string, such as "
                + "jsonencode([\"systemctl\", \"restart\", \"cmdop-agent\"]); found '" + value + "'");
    }

    private static Map<String, String> result(RunOutcome outcome, Report report, StateFile.LastSuccess success) {
        Settings s = outcome.before();
        Map<String, String> out = new LinkedHashMap<>();
        out.put("in_sync", Boolean.toString(outcome.plan().drift().isEmpty()));
        out.put("drift_count", Integer.toString(outcome.plan().drift().size()));
        out.put("drift_settings", outcome.plan().drift().stream().map(Drift::setting).collect(Collectors.joining(",")));
        out.put("channel", s.channel().id());
        out.put("auto", Boolean.toString(s.auto()));
        out.put("interval", (String) Setting.INTERVAL.toJson(s.interval()));
        out.put("pin", s.pin() == null ? "" : s.pin().toString());
        out.put("installed_version", outcome.versionBefore() == null ? "" : outcome.versionBefore().toString());
        Object previous = report.agent().get("previous_version");
        out.put("previous_version", previous == null ? "" : previous.toString());
        out.put("tool_version", ToolVersion.version());
        out.put("held", Boolean.toString(s.hold()));
        Object binary = report.agent().get("binary");
        out.put("binary", binary == null ? "none" : binary.toString());
        // offline: the advisories of the last successful update run (state.json), as of last_success
        Version installed = outcome.versionBefore();
        List<Map<String, Object>> advisories = success == null ? List.of() : success.advisories().stream()
                .filter(a -> a.affects(installed)).map(a -> CheckReports.advisory(a, installed)).toList();
        out.put("advisory_count", Integer.toString(advisories.size()));
        out.put("advisories_json", Output.toJson(advisories, false));
        out.put("last_success", success == null ? "" : success.time().toString());
        out.put("result_json", Output.toJson(report.toMap(0), false));
        return out;
    }

    private static InvalidInputException fail(String message) {
        return new InvalidInputException(ErrorCode.INVALID_INPUT, message, Map.of("source", "stdin"));
    }
}
