package com.cmdop.update.state;

import com.cmdop.update.model.Setting;
import com.cmdop.update.model.Settings;
import com.cmdop.update.model.error.ErrorCode;
import com.cmdop.update.model.error.UpdateException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Where a machine keeps things by default (SPEC sections 2 and 11): the system layout ({@code /etc},
 * {@code /usr/local/bin}, {@code /var}) for root, or the user layout of the XDG base directories for a user
 * without root rights ({@code ~/.config/cmdop/config.yaml}, {@code ~/.local/bin/cmdop},
 * {@code ~/.local/state/cmdop/...}). A setting in config.yaml still wins over the layout's default.
 *
 * @param mode       {@code system} or {@code user}, as {@code status} shows it
 * @param config     the default config.yaml (a machine path, resolved inside the root)
 * @param defaults   the settings a missing key means
 * @param unitDir    where systemd units go (a machine path)
 */
public record Layout(String mode, String config, Settings defaults, String unitDir) {
    public static final String SYSTEM_MODE = "system";
    public static final String USER_MODE = "user";

    public static final Layout SYSTEM = new Layout(SYSTEM_MODE, MachinePaths.DEFAULT_CONFIG, Settings.DEFAULTS,
            "/etc/systemd/system");

    public boolean user() {
        return USER_MODE.equals(mode);
    }

    /**
     * The user layout from {@code HOME}, {@code XDG_CONFIG_HOME} and {@code XDG_STATE_HOME} (a relative XDG
     * value is ignored, as the XDG spec says).
     *
     * @throws UpdateException USAGE when neither HOME nor the XDG directories tell where the user's files go
     */
    public static Layout user(Map<String, String> env) {
        String home = absolute(env.get("HOME"));
        String configHome = xdg(env, "XDG_CONFIG_HOME", home, ".config");
        String stateHome = xdg(env, "XDG_STATE_HOME", home, ".local/state");
        if (home == null) {
            throw new UpdateException(ErrorCode.USAGE, "user mode (--user, or not running as root) needs HOME to "
                    + "be an absolute path, for ~/.local/bin/cmdop; set HOME, or run as root for the system paths",
                    Map.of("field", "HOME"));
        }
        String state = stateHome + "/cmdop";
        Settings d = Settings.DEFAULTS
                .with(Setting.INSTALL_PATH, home + "/.local/bin/cmdop")
                .with(Setting.DATA_DIR, state + "/update")
                .with(Setting.LOG_FILE, state + "/agent.log")
                .with(Setting.AUDIT_FILE, state + "/audit.jsonl")
                .with(Setting.HEARTBEAT_FILE, state + "/heartbeat.json")
                .with(Setting.RESTART, List.of("systemctl", "--user", "restart", "cmdop-agent"));
        return new Layout(USER_MODE, configHome + "/cmdop/config.yaml", d, configHome + "/systemd/user");
    }

    private static String xdg(Map<String, String> env, String name, String home, String fallback) {
        String v = absolute(env.get(name));
        if (v != null) {
            return v;
        }
        return home == null ? null : home + "/" + fallback;
    }

    /** The value as a normalized absolute path without a trailing slash, or null when it is not one. */
    private static String absolute(String value) {
        if (value == null || value.isBlank() || !value.startsWith("/") || value.indexOf('\0') >= 0) {
            return null;
        }
        String p = Path.of(value).normalize().toString();
        return p.equals("/") ? "" : p;
    }
}
