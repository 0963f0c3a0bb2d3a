package dev.switchboard.vault;

import com.google.crypto.tink.Aead;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;

/**
 * Encrypts every secret Switchboard stores, with Tink AEAD (AES-256-GCM). Each ciphertext carries
 * the id of the key that made it (Tink's output prefix), so several keys can be live while a
 * rotation re-wraps rows; and is bound to its {@link SecretPlace}.
 */
public class Vault {

    private final Aead aead;

    Vault(Aead aead) {
        this.aead = aead;
    }

    public byte[] encrypt(Secret secret, SecretPlace place) {
        try {
            return aead.encrypt(secret.reveal().getBytes(StandardCharsets.UTF_8), place.associatedData());
        } catch (GeneralSecurityException e) {
            throw new VaultException("Cannot encrypt the secret for " + place, e);
        }
    }

    public Secret decrypt(byte[] ciphertext, SecretPlace place) {
        try {
            return Secret.of(new String(aead.decrypt(ciphertext, place.associatedData()), StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            // The usual causes: the ciphertext was moved from another place, or made by a key that
            // is no longer in the keyset. Tink's message carries neither key nor plaintext.
            throw new VaultException(
                    "Cannot decrypt the secret for " + place
                            + ": it belongs to another place or was encrypted with a key this keyset lacks",
                    e);
        }
    }
}
