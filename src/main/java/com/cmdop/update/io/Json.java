package com.cmdop.update.io;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * The one default-configured Jackson mapper of a run, shared by the state files, records and reports that
 * each built their own ({@code new ObjectMapper()}, some with {@code INDENT_OUTPUT}). Building a mapper is
 * a measurable part of a no-op run's start-up (docs/PERFORMANCE.md), and these all had the same settings:
 * INDENT_OUTPUT only changes how a value is written, which {@link #PRETTY} does with the same default
 * pretty printer. Readers with other rules keep their own mapper: strict settings files
 * ({@code state.StrictYaml}) and signed manifests ({@code release.manifest.ManifestJson}).
 *
 * <p>Never reconfigure {@link #MAPPER} (no {@code enable}, {@code configure}, {@code registerModule}):
 * every user relies on its defaults. {@code JsonTest} checks that its output is what the separate
 * mappers wrote.
 */
public final class Json {
    /** {@code new ObjectMapper()}: reading trees, creating nodes, compact output. */
    public static final ObjectMapper MAPPER = new ObjectMapper();
    /** Indented output, as {@code new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)} wrote it. */
    public static final ObjectWriter PRETTY = MAPPER.writer(SerializationFeature.INDENT_OUTPUT);

    private Json() {}
}
