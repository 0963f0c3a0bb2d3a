package dev.switchboard.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.common.Dialect;
import dev.switchboard.testing.TestKeys;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class VaultTest {

    static final String SENTINEL = "sentinel-secret-7f3a9c1e-do-not-leak";
    static final SecretPlace PLACE = new SecretPlace("acme", "sources", "signing_secret", "src_1");

    static Vault vault(String keysetJson) throws Exception {
        var handle = VaultConfig.loadKeyset(keysetJson, java.nio.file.Path.of("unused"), Dialect.POSTGRESQL);
        return new Vault(handle);
    }

    @Test
    void roundTrips() throws Exception {
        Vault vault = vault(TestKeys.KEYSET);
        byte[] ciphertext = vault.encrypt(Secret.of(SENTINEL), PLACE);
        assertThat(new String(ciphertext, StandardCharsets.ISO_8859_1)).doesNotContain(SENTINEL);
        assertThat(vault.decrypt(ciphertext, PLACE).reveal()).isEqualTo(SENTINEL);
        // Randomised: the same secret twice gives two different ciphertexts.
        assertThat(vault.encrypt(Secret.of(SENTINEL), PLACE)).isNotEqualTo(ciphertext);
    }

    @Test
    void aCiphertextMovedToAnotherPlaceDoesNotDecrypt() throws Exception {
        Vault vault = vault(TestKeys.KEYSET);
        byte[] ciphertext = vault.encrypt(Secret.of(SENTINEL), PLACE);
        for (SecretPlace other : new SecretPlace[] {
            new SecretPlace("acme", "sources", "signing_secret", "src_2"),
            new SecretPlace("globex", "sources", "signing_secret", "src_1"),
            new SecretPlace("acme", "sources", "previous_secret", "src_1"),
            new SecretPlace("acme", "endpoints", "signing_secret", "src_1"),
            // Same characters, split differently: the encoding is length-prefixed.
            new SecretPlace("acme", "sources", "signing_secretsrc_1", ""),
        }) {
            assertThatThrownBy(() -> vault.decrypt(ciphertext, other))
                    .isInstanceOf(VaultException.class)
                    .hasMessageContaining(other.rowId().isEmpty() ? "row=" : other.rowId())
                    .hasMessageNotContaining(SENTINEL);
        }
    }

    @Test
    void aTamperedCiphertextOrAnotherKeysetFails() throws Exception {
        Vault vault = vault(TestKeys.KEYSET);
        byte[] ciphertext = vault.encrypt(Secret.of(SENTINEL), PLACE);
        byte[] tampered = ciphertext.clone();
        tampered[tampered.length - 1] ^= 1;
        assertThatThrownBy(() -> vault.decrypt(tampered, PLACE)).isInstanceOf(VaultException.class);
        assertThatThrownBy(() -> vault(TestKeys.newKeyset()).decrypt(ciphertext, PLACE))
                .isInstanceOf(VaultException.class)
                .hasMessageNotContaining(SENTINEL);
    }

    @Test
    void secretsRedactThemselves() {
        Secret secret = Secret.of(SENTINEL);
        record Holder(String name, Secret secret) {}
        assertThat(secret.toString()).doesNotContain(SENTINEL);
        assertThat(new Holder("n", secret).toString()).doesNotContain(SENTINEL);
        assertThat(dev.switchboard.testing.Api.JSON.writeValueAsString(new Holder("n", secret)))
                .doesNotContain(SENTINEL);
        assertThat(secret.hint()).isEqualTo("…leak");
        assertThat(Secret.of("short").hint()).isEqualTo("…");
        assertThat(secret).isEqualTo(Secret.of(SENTINEL)).isNotEqualTo(Secret.of("other"));
    }
}
