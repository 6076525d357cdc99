package com.cmdop.update.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class VersionTest {
    @Test
    void inputWithoutTheVIsNormalized() {
        assertThat(Version.parse("1.2.3")).hasToString("v1.2.3").isEqualTo(Version.parse("v1.2.3"));
    }

    @Test
    void orderIsSemverPrecedence() {
        List<String> sorted = List.of("v1.0.0-alpha", "v1.0.0-alpha.1", "v1.0.0-alpha.beta", "v1.0.0-beta",
                "v1.0.0-beta.2", "v1.0.0-beta.11", "v1.0.0-rc.1", "v1.0.0", "v1.2.3", "v1.3.0-nightly.20261127",
                "v1.3.0-nightly.20261128", "v1.3.0", "v1.10.0", "v2.0.0");
        List<Version> shuffled = new ArrayList<>(sorted.stream().map(Version::parse).toList());
        Collections.reverse(shuffled);
        Collections.sort(shuffled);
        assertThat(shuffled).extracting(Version::toString).containsExactlyElementsOf(sorted);
    }

    @Test
    void buildMetadataDoesNotChangePrecedence() {
        assertThat(Version.parse("v1.2.3+build.7").compareTo(Version.parse("v1.2.3"))).isZero();
    }

    @Test
    void hugeNumbersCompareWithoutOverflow() {
        assertThat(Version.parse("v99999999999999999999.0.0").isNewerThan(Version.parse("v9.0.0"))).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"latest", "v1", "v1.2", "1.2.3.4", "v01.2.3", "v1.2.3-", "v1.2.3-01", "", " ", "vv1.2.3",
            "v1.2.3 junk", "../v1.2.3"})
    void malformedVersionsAreRefusedWithAnExample(String input) {
        assertThatThrownBy(() -> Version.parse(input)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("v1.2.3");
    }
}
