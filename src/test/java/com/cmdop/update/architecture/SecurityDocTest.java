package com.cmdop.update.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/SECURITY.md proves each defence by naming tests ({@code pkg.Class.method}, or {@code ...method} for
 * another method of the class named before it on the same line). A renamed or deleted test would leave a
 * claim without its proof: every name must resolve to a test class and a method in it.
 */
class SecurityDocTest {
    private static final Path TESTS = Path.of("src/test/java/com/cmdop/update");
    private static final Pattern NAME = Pattern.compile("`((?:\\.\\.\\.)?[A-Za-z0-9_.]+)`");

    @Test
    void everyTestNamedInSecurityMdExists() throws Exception {
        List<String> missing = new ArrayList<>();
        int named = 0;
        for (String line : Files.readAllLines(Path.of("docs/SECURITY.md"))) {
            Path lastClass = null;
            Matcher m = NAME.matcher(line);
            while (m.find()) {
                String token = m.group(1);
                Path cls;
                String method;
                if (token.startsWith("...")) {
                    if (lastClass == null) {
                        missing.add(token + " (no class before it on its line)");
                        continue;
                    }
                    cls = lastClass;
                    method = token.substring(3);
                } else {
                    String[] parts = token.split("\\.");
                    int c = 0;
                    while (c < parts.length && !parts[c].isEmpty() && Character.isLowerCase(parts[c].charAt(0))) {
                        c++;
                    }
                    if (c == 0 || c >= parts.length || !Character.isUpperCase(parts[c].charAt(0))) {
                        continue; // not a test name: a file, a setting, a code
                    }
                    cls = TESTS.resolve(String.join("/", List.of(parts).subList(0, c + 1)) + ".java");
                    method = c + 1 < parts.length ? parts[c + 1] : null;
                    if (!Files.exists(cls)) {
                        missing.add(token + " (no such test class)");
                        continue;
                    }
                    lastClass = cls;
                }
                named++;
                if (method != null && !Files.readString(cls).matches("(?s).*\\b" + Pattern.quote(method) + "\\(.*")) {
                    missing.add(token + " (no method " + method + " in " + cls.getFileName() + ")");
                }
            }
        }
        assertThat(named).as("test names found in SECURITY.md").isGreaterThan(50);
        assertThat(missing).as("names in docs/SECURITY.md that are no test").isEmpty();
    }
}
