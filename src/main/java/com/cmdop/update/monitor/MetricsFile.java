package com.cmdop.update.monitor;

import com.cmdop.update.exec.StatusReader;
import com.cmdop.update.io.AtomicFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Writes the textfile metrics atomically: a temporary file in the target's directory (whose name does not
 * end in {@code .prom}, so node_exporter never reads it half-written), fsync, then one rename.
 */
public final class MetricsFile {
    private MetricsFile() {}

    public static void write(Path file, StatusReader.Status status) {
        AtomicFiles.write(file, PrometheusText.render(status).getBytes(StandardCharsets.UTF_8), "rw-r--r--");
    }
}
