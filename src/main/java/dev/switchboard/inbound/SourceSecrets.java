package dev.switchboard.inbound;

import dev.switchboard.common.ApiException;
import dev.switchboard.common.Ids;
import dev.switchboard.vault.Secret;
import dev.switchboard.vault.SecretPlace;
import dev.switchboard.vault.Vault;
import java.util.Base64;
import org.springframework.stereotype.Component;

/** A source's secrets: checked, generated when the provider lets us, and kept only encrypted. */
@Component
class SourceSecrets {

    private final Vault vault;

    SourceSecrets(Vault vault) {
        this.vault = vault;
    }

    /** The secret to store: the given one (checked for the provider) or a new one. Null for {@code none}. */
    Secret choose(Provider provider, Secret given, String field) {
        if (!provider.needsSecret()) {
            if (given != null) throw ApiException.invalid(field, "provider none takes no secret");
            return null;
        }
        if (given == null) {
            if (!provider.secretGenerated) {
                throw ApiException.invalid(field, "is required: copy it from the " + provider.wire() + " dashboard");
            }
            return generate(provider);
        }
        String value = given.reveal();
        if (value.isBlank() || value.length() > 500) throw ApiException.invalid(field, "must be 1 to 500 characters");
        if (provider == Provider.STANDARD_WEBHOOKS) {
            byte[] key = StandardWebhooksVerifier.key(value);
            if (!value.startsWith(StandardWebhooksVerifier.PREFIX)
                    || key == null
                    || key.length < 24
                    || key.length > 64) {
                throw ApiException.invalid(field, "must be whsec_ followed by the base64 of 24 to 64 bytes");
            }
        }
        if ((provider == Provider.GITHUB || provider == Provider.HMAC || provider == Provider.TOKEN)
                && value.length() < 16) {
            throw ApiException.invalid(field, "must be at least 16 characters");
        }
        return given;
    }

    static Secret generate(Provider provider) {
        if (provider == Provider.STANDARD_WEBHOOKS) {
            byte[] key = new byte[32];
            new java.security.SecureRandom().nextBytes(key);
            return Secret.of(
                    StandardWebhooksVerifier.PREFIX + Base64.getEncoder().encodeToString(key));
        }
        return Secret.of(Ids.randomToken(32));
    }

    byte[] encrypt(Secret secret, String tenantId, String sourceId, String column) {
        return secret == null ? null : vault.encrypt(secret, new SecretPlace(tenantId, "sources", column, sourceId));
    }

    Secret current(SourceRepository.WithSecrets s) {
        return s.secret() == null
                ? null
                : vault.decrypt(
                        s.secret(),
                        new SecretPlace(
                                s.source().tenantId(),
                                "sources",
                                "secret",
                                s.source().id()));
    }

    Secret previous(SourceRepository.WithSecrets s) {
        return s.previousSecret() == null
                ? null
                : vault.decrypt(
                        s.previousSecret(),
                        new SecretPlace(
                                s.source().tenantId(),
                                "sources",
                                "previous_secret",
                                s.source().id()));
    }
}
