package dev.switchboard.consent;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import dev.switchboard.common.Sql;
import dev.switchboard.vault.Secret;
import dev.switchboard.vault.SecretPlace;
import dev.switchboard.vault.Vault;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The keys of this capability. Each contact has a data key of its own (an AES-256-GCM Tink keyset,
 * sealed by the vault in {@code contacts.data_key}); its fields are sealed with it, bound to the
 * contact and column, so erasing the contact is deleting that one key. Two platform keys (random
 * 256-bit HMAC keys, sealed by the vault in {@code consent_keys}, made on first use) sign
 * unsubscribe links and index external ids.
 */
@Component
class ContactKeys {

    static final String LINKS = "unsubscribe-links";
    static final String INDEX = "external-id-index";

    private final Vault vault;
    private final JdbcClient jdbc;
    private final Clock clock;
    private final Map<String, byte[]> platform = new ConcurrentHashMap<>();

    ContactKeys(Vault vault, JdbcClient jdbc, Clock clock) throws GeneralSecurityException {
        AeadConfig.register();
        this.vault = vault;
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** A contact's open data key: seals and unseals its fields. */
    record DataKey(String contactId, Aead aead) {

        byte[] seal(String column, String value) {
            if (value == null) return null;
            try {
                return aead.encrypt(value.getBytes(StandardCharsets.UTF_8), ad(column));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("Cannot seal " + column + " of contact " + contactId, e);
            }
        }

        String open(String column, byte[] sealed) {
            if (sealed == null) return null;
            try {
                return new String(aead.decrypt(sealed, ad(column)), StandardCharsets.UTF_8);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("Cannot open " + column + " of contact " + contactId, e);
            }
        }

        private byte[] ad(String column) {
            return ("switchboard-contact-v1|" + contactId + "|" + column).getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return "DataKey[" + contactId + "]";
        }
    }

    /** A new data key for a contact, and that key sealed by the vault for {@code contacts.data_key}. */
    record NewKey(DataKey key, byte[] sealed) {}

    NewKey create(String tenantId, String contactId) {
        try {
            KeysetHandle handle = KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM);
            String json = TinkJsonProtoKeysetFormat.serializeKeyset(handle, InsecureSecretKeyAccess.get());
            byte[] sealed = vault.encrypt(Secret.of(json), place(tenantId, contactId));
            return new NewKey(new DataKey(contactId, primitive(handle)), sealed);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot make a data key for contact " + contactId, e);
        }
    }

    /** Opens a contact's data key; null once the contact was erased (the key is gone). */
    DataKey open(String tenantId, String contactId, byte[] sealed) {
        if (sealed == null) return null;
        try {
            Secret json = vault.decrypt(sealed, place(tenantId, contactId));
            return new DataKey(
                    contactId,
                    primitive(TinkJsonProtoKeysetFormat.parseKeyset(json.reveal(), InsecureSecretKeyAccess.get())));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot open the data key of contact " + contactId, e);
        }
    }

    private static Aead primitive(KeysetHandle handle) throws GeneralSecurityException {
        return handle.getPrimitive(RegistryConfiguration.get(), Aead.class);
    }

    private static SecretPlace place(String tenantId, String contactId) {
        return new SecretPlace(tenantId, "contacts", "data_key", contactId);
    }

    /** HMAC-SHA256 under one of the platform keys. */
    byte[] mac(String keyName, String message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(platformKey(keyName), "HmacSHA256"));
            return mac.doFinal(message.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    private byte[] platformKey(String name) {
        return platform.computeIfAbsent(name, this::loadOrMake);
    }

    private byte[] loadOrMake(String name) {
        SecretPlace place = new SecretPlace(SecretPlace.PLATFORM, "consent_keys", "sealed_key", name);
        for (int attempt = 0; ; attempt++) {
            var sealed = jdbc.sql("SELECT sealed_key FROM consent_keys WHERE id = :id")
                    .param("id", name)
                    .query(byte[].class)
                    .optional();
            if (sealed.isPresent()) {
                return Base64.getDecoder()
                        .decode(vault.decrypt(sealed.get(), place).reveal());
            }
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            try {
                jdbc.sql("""
                        INSERT INTO consent_keys (id, tenant_id, sealed_key, created_at)
                        VALUES (:id, :tenant, :sealed, :now)
                        """)
                        .param("id", name)
                        .param("tenant", SecretPlace.PLATFORM)
                        .param(
                                "sealed",
                                vault.encrypt(Secret.of(Base64.getEncoder().encodeToString(key)), place))
                        .param("now", Sql.ts(Sql.now(clock)))
                        .update();
                return key;
            } catch (DuplicateKeyException raced) {
                // Another node made it first: use theirs (the next pass reads it).
                if (attempt >= 2) throw raced;
            }
        }
    }
}
