package dev.switchboard.vault;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KeysetHandle;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;

/**
 * Encrypts every secret Switchboard stores, with Tink AEAD (AES-256-GCM). Each ciphertext carries
 * the id of the key that made it (Tink's output prefix), so several keys can be live while a
 * rotation re-wraps rows; and is bound to its {@link SecretPlace}.
 */
public class Vault {

    private final Aead aead;
    private final KeysetHandle keyset;

    Vault(KeysetHandle keyset) throws GeneralSecurityException {
        this.keyset = keyset;
        this.aead = keyset.getPrimitive(com.google.crypto.tink.RegistryConfiguration.get(), Aead.class);
    }

    /** The key new ciphertexts are made with. */
    public int primaryKeyId() {
        return keyset.getPrimary().getId();
    }

    /** Every key in the keyset, primary or not, in keyset order. */
    public java.util.List<Integer> keyIds() {
        java.util.List<Integer> ids = new java.util.ArrayList<>();
        for (int i = 0; i < keyset.size(); i++) ids.add(keyset.getAt(i).getId());
        return ids;
    }

    /**
     * The id of the key that made a ciphertext: Tink's output prefix is a version byte (1) and the
     * key id, big-endian. -1 when the bytes carry no such prefix.
     */
    public static int keyIdOf(byte[] ciphertext) {
        if (ciphertext == null || ciphertext.length < 5 || ciphertext[0] != 1) return -1;
        return java.nio.ByteBuffer.wrap(ciphertext, 1, 4).getInt();
    }

    /** The same secret under the primary key, in the same place; null when it already is. */
    public byte[] rewrap(byte[] ciphertext, SecretPlace place) {
        if (keyIdOf(ciphertext) == primaryKeyId()) return null;
        return encrypt(decrypt(ciphertext, place), place);
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
