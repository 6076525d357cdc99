package com.cmdop.update.install;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Where the new binary's bytes come from (a feed download, a local file). The installer streams them
 * into a staging file through a length cap; the source writes and does not close {@code out}.
 */
@FunctionalInterface
public interface ArtifactSource {
    void writeTo(OutputStream out) throws IOException;
}
