package dev.switchboard.inbound;

import dev.switchboard.common.ApiException;
import dev.switchboard.vault.Secret;
import dev.switchboard.vault.SecretPlace;
import dev.switchboard.vault.Vault;
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
        Scheme scheme = provider.scheme;
        if (scheme.secretOrigin() == Scheme.SecretOrigin.NONE) {
            if (given != null) throw ApiException.invalid(field, "provider " + provider.wire() + " takes no secret");
            return null;
        }
        if (given == null) {
            if (scheme.secretOrigin() != Scheme.SecretOrigin.GENERATED) {
                throw ApiException.invalid(field, "is required: copy it from the " + provider.wire() + " dashboard");
            }
            return scheme.newSecret();
        }
        String value = given.reveal();
        if (value.isBlank() || value.length() > 500) throw ApiException.invalid(field, "must be 1 to 500 characters");
        String problem = scheme.secretProblem(value);
        if (problem != null) throw ApiException.invalid(field, problem);
        return given;
    }

    /** The verify token to store: the given one or a new one, for schemes that use one; else none may be given. */
    Secret chooseVerifyToken(Provider provider, Secret given) {
        if (!provider.scheme.usesVerifyToken()) {
            if (given != null)
                throw ApiException.invalid("verifyToken", "provider " + provider.wire() + " takes no verify token");
            return null;
        }
        if (given == null) return Secret.of(dev.switchboard.common.Ids.randomToken(32));
        String value = given.reveal();
        if (value.isBlank() || value.length() > 200)
            throw ApiException.invalid("verifyToken", "must be 1 to 200 characters");
        String problem = Scheme.sharedSecretProblem(value);
        if (problem != null) throw ApiException.invalid("verifyToken", problem);
        return given;
    }

    Secret verifyToken(SourceRepository.WithSecrets s) {
        return s.verifyToken() == null
                ? null
                : vault.decrypt(
                        s.verifyToken(),
                        new SecretPlace(
                                s.source().tenantId(),
                                "sources",
                                "verify_token",
                                s.source().id()));
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
