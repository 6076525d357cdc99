package com.cmdop.update.cli;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;

/** Text output shared by the release subcommands. */
final class ReleaseRendering {
    private ReleaseRendering() {}

    /** One channel's update, from {@code ChannelUpdate.toMap()}; nothing for null. */
    static void channel(PrintStream o, Object channel) {
        if (!(channel instanceof Map<?, ?> c)) {
            return;
        }
        String from = c.get("previous_version") == null ? "" : " (was " + c.get("previous_version") + ", sequence "
                + c.get("previous_sequence") + ")";
        ReleaseSupport.line(o, "channel", c.get("name") + " -> " + c.get("version") + ", sequence " + c.get("sequence")
                + ", expires " + c.get("expires") + (Boolean.TRUE.equals(c.get("changed")) ? from : " (unchanged)"));
    }

    static void files(PrintStream o, Object files) {
        List<?> list = files instanceof List<?> l ? l : List.of();
        if (list.isEmpty()) {
            ReleaseSupport.line(o, "written", "nothing");
            return;
        }
        ReleaseSupport.line(o, "written", list.get(0));
        for (Object f : list.subList(1, list.size())) {
            ReleaseSupport.line(o, "", f);
        }
    }
}
