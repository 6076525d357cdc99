package com.cmdop.update.schedule;

import com.cmdop.update.model.Settings;
import com.cmdop.update.state.Machine;
import com.cmdop.update.state.MachinePaths;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Picks a machine's scheduler entry (SPEC sections 6 and 11). System layout: systemd units under
 * /etc/systemd/system when systemd runs the machine ({@code /run/systemd/system} exists), else
 * /etc/cron.d/cmdop-update. User layout: a systemd user timer under {@code ~/.config/systemd/user} when the
 * user's systemd manager runs ({@code $XDG_RUNTIME_DIR/systemd/private} exists), else a block in the
 * user's crontab. Every entry runs {@code cmdop-update --scheduled} with the same --root/--config (and
 * --user), with the proxy variables of the run that wrote it, and sends cron's output to the agent log.
 */
public final class Schedulers {
    /** The proxy variables carried into the entries, so a scheduled run reaches the feed as this one does. */
    static final List<String> CARRIED = List.of("https_proxy", "HTTPS_PROXY", "no_proxy", "NO_PROXY");

    private Schedulers() {}

    public static Scheduler of(Machine machine, String launcher, Map<String, String> env) {
        MachinePaths paths = machine.paths();
        Settings s = machine.settings();
        Path root = paths.root();
        boolean live = root.equals(Path.of("/"));
        List<String> argv = command(machine, launcher);
        Map<String, String> carried = carried(env);
        String log = paths.agentLog(s).toString();
        Path service = paths.unitDir().resolve("cmdop-update.service");
        Path timer = paths.unitDir().resolve("cmdop-update.timer");
        Map<Path, String> units = new LinkedHashMap<>();
        if (paths.layout().user()) {
            if (userManagerRuns(root, env)) {
                units.put(service, EntryText.service(argv, carried));
                units.put(timer, EntryText.timer("timers.target"));
                return new SchedulerEntry("systemd-user", units, List.of(service, timer),
                        live ? List.of("systemctl", "--user") : null,
                        "make " + paths.unitDir() + " writable by this user, or leave update.auto off", null);
            }
            CrontabStore store = live ? CrontabStore.command(env)
                    : CrontabStore.file(root.resolve("var/spool/cron/crontabs").resolve(userName(env)));
            return new UserCrontab(store, EntryText.crontabBlock(argv, carried, log), List.of(service, timer),
                    paths.agentLog(s).getParent());
        }
        Path cron = root.resolve(SchedulerEntry.CRON);
        String hint = "run as root (sudo), or leave update.auto off and schedule 'cmdop-update --scheduled' yourself";
        if (Files.isDirectory(root.resolve("run/systemd/system"))) {
            units.put(service, EntryText.service(argv, carried));
            units.put(timer, EntryText.timer("timers.target"));
            return new SchedulerEntry("systemd", units, List.of(service, timer, cron),
                    live ? List.of("systemctl") : null, hint, null);
        }
        units.put(cron, EntryText.cronD(argv, carried, log));
        return new SchedulerEntry("cron", units, List.of(service, timer, cron), null, hint,
                paths.agentLog(s).getParent());
    }

    /**
     * The argv of the scheduled run: the launcher with {@code --scheduled}, the same root, the config file
     * when it is not the layout's default one, {@code --user} in the user layout, and {@code --quiet} so that
     * only warnings and errors reach the log.
     */
    static List<String> command(Machine machine, String launcher) {
        List<String> argv = new ArrayList<>();
        argv.add(launcher);
        argv.add("--scheduled");
        Path root = machine.paths().root();
        if (!root.equals(Path.of("/"))) {
            argv.add("--root");
            argv.add(root.toString());
        }
        if (machine.paths().customConfig()) {
            argv.add("--config");
            argv.add(machine.paths().config().toString());
        }
        if (machine.paths().layout().user()) {
            argv.add("--user");
        }
        argv.add("--quiet");
        return argv;
    }

    /** The proxy variables set in {@code env} (a value with a control character cannot be carried and is left out). */
    static Map<String, String> carried(Map<String, String> env) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String name : CARRIED) {
            String v = env.get(name);
            if (v != null && !v.isBlank() && v.chars().noneMatch(Character::isISOControl)) {
                m.put(name, v);
            }
        }
        return m;
    }

    /** Whether the user's systemd manager runs: its private socket is in the runtime directory. */
    static boolean userManagerRuns(Path root, Map<String, String> env) {
        String runtime = env.get("XDG_RUNTIME_DIR");
        if (runtime == null || !runtime.startsWith("/")) {
            return false;
        }
        return Files.exists(root.resolve(runtime.substring(1)).resolve("systemd/private"));
    }

    private static String userName(Map<String, String> env) {
        for (String name : List.of("USER", "LOGNAME")) {
            String v = env.get(name);
            if (v != null && v.matches("[A-Za-z0-9._-]+")) {
                return v;
            }
        }
        return System.getProperty("user.name", "user").replaceAll("[^A-Za-z0-9._-]", "_");
    }
}
