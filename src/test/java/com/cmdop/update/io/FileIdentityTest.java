package com.cmdop.update.io;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** FileIdentity writes its own equals and hashCode (start-up): they must still mean all five fields. */
class FileIdentityTest {
    private static final FileIdentity ID = new FileIdentity(1, 2, 3, 4, 5);

    @Test
    void equalFieldsAreEqualWithEqualHashes() {
        FileIdentity same = new FileIdentity(1, 2, 3, 4, 5);
        assertThat(same).isEqualTo(ID).hasSameHashCodeAs(ID);
    }

    @Test
    void anyFieldThatDiffersMakesAnotherIdentity() {
        assertThat(new FileIdentity(9, 2, 3, 4, 5)).isNotEqualTo(ID);
        assertThat(new FileIdentity(1, 9, 3, 4, 5)).isNotEqualTo(ID);
        assertThat(new FileIdentity(1, 2, 9, 4, 5)).isNotEqualTo(ID);
        assertThat(new FileIdentity(1, 2, 3, 9, 5)).isNotEqualTo(ID);
        assertThat(new FileIdentity(1, 2, 3, 4, 9)).isNotEqualTo(ID);
        assertThat(ID).isNotEqualTo(null).isNotEqualTo("1 2 3 4 5");
    }

    @Test
    void swappedTimesAreAnotherIdentity() {
        assertThat(new FileIdentity(1, 2, 3, 5, 4)).isNotEqualTo(ID);
        assertThat(new FileIdentity(1, 2, 3, 5, 4).hashCode()).isNotEqualTo(ID.hashCode());
    }
}
