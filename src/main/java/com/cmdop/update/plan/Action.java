package com.cmdop.update.plan;

import com.cmdop.update.model.Version;
import com.cmdop.update.model.Setting;

/** One step of a plan. The executor switches over these; the planner only creates them. */
public sealed interface Action permits Action.SetSetting, Action.InstallScheduler, Action.RemoveScheduler,
        Action.InstallVersion, Action.Rollback {

    /** The stable id shown in JSON {@code actions[].id}. */
    String id();

    /** What the step does, for people: "channel beta -> stable". */
    String message();

    record SetSetting(Setting<?> key, Object before, Object after) implements Action {
        @Override
        public String id() {
            return key.actionId();
        }

        @Override
        public String message() {
            return key.id() + " " + key.describe(before) + " -> " + key.describe(after);
        }
    }

    record InstallScheduler() implements Action {
        @Override
        public String id() {
            return "install-scheduler";
        }

        @Override
        public String message() {
            return "install the scheduler entry that runs cmdop-update --scheduled every 15 minutes";
        }
    }

    record RemoveScheduler() implements Action {
        @Override
        public String id() {
            return "remove-scheduler";
        }

        @Override
        public String message() {
            return "remove the scheduler entry";
        }
    }

    /** Swap back to the cached previous binary {@code to}, leaving {@code from} (which is quarantined). */
    record Rollback(Version from, Version to) implements Action {
        @Override
        public String id() {
            return "rollback";
        }

        @Override
        public String message() {
            return "roll back to " + to + (from == null ? "" : " (was " + from + ")");
        }
    }

    /** Make {@code version} the installed agent; {@code from} is null when nothing known is installed. */
    record InstallVersion(Version from, Version version) implements Action {
        @Override
        public String id() {
            return "install-version";
        }

        @Override
        public String message() {
            if (version.equals(from)) {
                return "reinstall the signed " + version + " (the installed binary matches no signed release)";
            }
            return "install " + version + (from == null ? "" : " (was " + from + ")");
        }
    }
}
