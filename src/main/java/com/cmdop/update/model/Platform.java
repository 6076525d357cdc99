package com.cmdop.update.model;

import java.util.Locale;
import java.util.regex.Pattern;

/** A build target such as {@code linux-amd64}: the {@code platform} of a release artifact. */
public record Platform(String os, String arch) {
    private static final Pattern PART = Pattern.compile("^[a-z0-9]{1,16}$");

    public Platform {
        if (!PART.matcher(os).matches() || !PART.matcher(arch).matches()) {
            throw new IllegalArgumentException("'" + os + "-" + arch + "' is not a platform: write OS-ARCH such as "
                    + "linux-amd64 or linux-arm64");
        }
    }

    public static Platform parse(String text) {
        int dash = text == null ? -1 : text.indexOf('-');
        if (dash <= 0 || dash != text.lastIndexOf('-')) {
            throw new IllegalArgumentException("'" + text + "' is not a platform: write OS-ARCH such as linux-amd64");
        }
        return new Platform(text.substring(0, dash), text.substring(dash + 1));
    }

    /** The platform this JVM runs on, in Go's names (the agent is built with Go's GOOS/GOARCH). */
    public static Platform current() {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String goos = os.contains("linux") ? "linux" : os.contains("mac") || os.contains("darwin") ? "darwin"
                : os.replaceAll("[^a-z0-9]", "");
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        String goarch = switch (arch) {
            case "amd64", "x86_64" -> "amd64";
            case "aarch64", "arm64" -> "arm64";
            case "x86", "i386", "i686" -> "386";
            default -> arch.replaceAll("[^a-z0-9]", "");
        };
        return new Platform(goos, goarch);
    }

    /** The artifact file name of SPEC section 7: {@code cmdop_<version>_<os>_<arch>}. */
    public String artifactFileName(String version) {
        return "cmdop_" + version + "_" + os + "_" + arch;
    }

    @Override
    public String toString() {
        return os + "-" + arch;
    }
}
