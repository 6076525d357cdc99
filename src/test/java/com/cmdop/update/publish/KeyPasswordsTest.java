package com.cmdop.update.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.fail;

import com.cmdop.update.model.error.ErrorCode;
import com.cmdop.update.model.error.UpdateException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Where key passwords come from: CMDOP_KEY_PASSWORD, a terminal prompt, or a refusal that says what to do. */
class KeyPasswordsTest {
    private final List<String> prompts = new ArrayList<>();

    private KeyPasswords.Prompt typing(String... lines) {
        Deque<String> queue = new ArrayDeque<>(List.of(lines));
        return prompt -> {
            prompts.add(prompt);
            String line = queue.poll();
            return line == null ? null : line.toCharArray();
        };
    }

    private static final KeyPasswords.Prompt NEVER = prompt -> fail("the terminal was asked: " + prompt);

    @Test
    void theEnvironmentVariableWinsOverTheTerminal() {
        KeyPasswords p = new KeyPasswords(Map.of("CMDOP_KEY_PASSWORD", "pw"), NEVER);

        assertThat(p.forNewKey(false)).containsExactly('p', 'w');
        assertThat(p.forExistingKey().password("k")).containsExactly('p', 'w');
    }

    @Test
    void aNewKeyPasswordIsTypedTwice() {
        char[] pw = new KeyPasswords(Map.of(), typing("secret", "secret")).forNewKey(false);

        assertThat(pw).containsExactly("secret".toCharArray());
        assertThat(prompts).containsExactly("Password for the new secret key: ", "The same password again: ");
    }

    @Test
    void twoDifferentPasswordsAreRefused() {
        assertThatExceptionOfType(UpdateException.class)
                .isThrownBy(() -> new KeyPasswords(Map.of(), typing("one", "two")).forNewKey(false))
                .satisfies(e -> assertThat(e.code()).isEqualTo(ErrorCode.USAGE))
                .withMessageContaining("the two passwords differ");
    }

    @Test
    void anEmptyPasswordIsRefused() {
        assertThatExceptionOfType(UpdateException.class)
                .isThrownBy(() -> new KeyPasswords(Map.of(), typing("")).forNewKey(false))
                .withMessageContaining("--unencrypted");
    }

    @Test
    void withNoSourceANewKeyNeedsUnencryptedExplicitly() {
        KeyPasswords none = new KeyPasswords(Map.of("CMDOP_KEY_PASSWORD", ""), null);

        assertThat(none.fromEnvironment()).as("an empty variable counts as unset").isFalse();
        assertThatExceptionOfType(UpdateException.class).isThrownBy(() -> none.forNewKey(false))
                .satisfies(e -> assertThat(e.code()).isEqualTo(ErrorCode.USAGE))
                .withMessageContaining("set CMDOP_KEY_PASSWORD");
        assertThat(none.forNewKey(true)).isNull();
        assertThat(new KeyPasswords(Map.of(), NEVER).forNewKey(true)).as("--unencrypted never prompts").isNull();
    }

    @Test
    void anExistingKeyAsksTheTerminalOnceNamingTheFile() {
        char[] pw = new KeyPasswords(Map.of(), typing("secret")).forExistingKey().password("/keys/cmdop.key");

        assertThat(pw).containsExactly("secret".toCharArray());
        assertThat(prompts).containsExactly("Password for /keys/cmdop.key: ");
    }

    @Test
    void anExistingEncryptedKeyWithNoSourceIsAnInputError() {
        assertThatExceptionOfType(UpdateException.class)
                .isThrownBy(() -> new KeyPasswords(Map.of(), null).forExistingKey().password("/keys/cmdop.key"))
                .satisfies(e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_INPUT))
                .withMessageContaining("/keys/cmdop.key").withMessageContaining("set CMDOP_KEY_PASSWORD");
    }
}
