package com.cmdop.update.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** cmdop-update's own version, filtered into a resource at build time. */
public final class ToolVersion implements IVersionProvider {
    public static final String NAME = "cmdop-update";
    private static final String VERSION = load();

    public static String version() {
        return VERSION;
    }

    @Override
    public String[] getVersion() {
        return new String[] {NAME + " " + VERSION};
    }

    private static String load() {
        try (InputStream in = ToolVersion.class.getResourceAsStream("/cmdop-update-version.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            String v = p.getProperty("version", "0.0.0-dev");
            return v.startsWith("${") ? "0.0.0-dev" : v;
        } catch (IOException e) {
            return "0.0.0-dev";
        }
    }
}
