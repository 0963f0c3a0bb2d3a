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
}
