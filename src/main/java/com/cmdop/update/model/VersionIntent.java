package com.cmdop.update.model;


/**
 * What a command asks of the installed version, beside the settings: nothing (settings only),
 * the newest of the channel ({@code cmdop-update}), an exact version ({@code --version}), or the
 * cached previous binary ({@code --rollback}). A pin in the desired state means "exactly the pin".
 */
public sealed interface VersionIntent {
    VersionIntent NONE = new None();
    VersionIntent LATEST = new Latest();
    VersionIntent ROLLBACK = new Rollback();

    record None() implements VersionIntent {}

    record Latest() implements VersionIntent {}

    record Exact(Version version) implements VersionIntent {}

    record Rollback() implements VersionIntent {}
}
