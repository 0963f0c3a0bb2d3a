package dev.switchboard.vault;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import java.security.GeneralSecurityException;

/** Making keysets: used at first start of the embedded default and by {@code generate-keyset}. */
public final class Keysets {

    private Keysets() {}

    static KeysetHandle generate() throws GeneralSecurityException {
        AeadConfig.register();
        return KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM);
    }

    /** A new AES-256-GCM keyset as Tink JSON, ready for {@code SWITCHBOARD_KEYSET}. */
    public static String generateJson() {
        try {
            return TinkJsonProtoKeysetFormat.serializeKeyset(generate(), InsecureSecretKeyAccess.get());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot generate a keyset: " + e.getMessage(), e);
        }
    }

    /**
     * Adds a new AES-256-GCM key to a keyset (Tink JSON in, Tink JSON out). Not primary unless
     * asked: in a cluster every node must know a key before any node encrypts with it.
     */
    public static String addKey(String keysetJson, boolean primary) {
        try {
            AeadConfig.register();
            KeysetHandle handle = parse(keysetJson);
            var entry = KeysetHandle.generateEntryFromParameters(PredefinedAeadParameters.AES256_GCM)
                    .withRandomId();
            if (primary) entry.makePrimary();
            return TinkJsonProtoKeysetFormat.serializeKeyset(
                    KeysetHandle.newBuilder(handle).addEntry(entry).build(), InsecureSecretKeyAccess.get());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot add a key: " + e.getMessage(), e);
        }
    }

    /** Makes the key with this id the primary one. */
    public static String promote(String keysetJson, int keyId) {
        return edit(keysetJson, keyId, true);
    }

    /** Removes the key with this id (once no row uses it: see GET /api/v1/admin/vault). */
    public static String retire(String keysetJson, int keyId) {
        return edit(keysetJson, keyId, false);
    }

    private static String edit(String keysetJson, int keyId, boolean promote) {
        try {
            AeadConfig.register();
            KeysetHandle handle = parse(keysetJson);
            var builder = KeysetHandle.newBuilder(handle);
            for (int i = 0; i < builder.size(); i++) {
                if (handle.getAt(i).getId() != keyId) continue;
                if (promote) {
                    builder.getAt(i).makePrimary();
                } else {
                    if (builder.getAt(i).isPrimary())
                        throw new IllegalStateException("the primary key cannot be retired");
                    builder.deleteAt(i);
                }
                return TinkJsonProtoKeysetFormat.serializeKeyset(builder.build(), InsecureSecretKeyAccess.get());
            }
            throw new IllegalStateException("no key with id " + keyId);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot change the keyset: " + e.getMessage(), e);
        }
    }

    /**
     * Parses a keyset given on the command line. A parser's message may quote the input, which is
     * key material: errors name the problem and never carry the parser's exception. (Once parsed,
     * Tink's messages are about key ids, never key bytes.)
     */
    private static KeysetHandle parse(String keysetJson) {
        try {
            return TinkJsonProtoKeysetFormat.parseKeyset(keysetJson, InsecureSecretKeyAccess.get());
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IllegalStateException("the keyset is not valid Tink JSON with \"primaryKeyId\" and \"key\" ("
                    + e.getClass().getSimpleName() + "); its value is not shown");
        }
    }
}
