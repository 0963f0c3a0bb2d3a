package dev.switchboard.tenancy;

import java.security.MessageDigest;
import java.util.Optional;
import org.springframework.stereotype.Component;

/** Turns a presented bearer token into a {@link Caller}, comparing secrets in constant time. */
@Component
class ApiKeyAuthenticator {

    /** Compared against when no row exists, so an unknown key costs the same as a wrong one. */
    private static final byte[] NO_KEY = ApiKeyTokens.sha256("no such key");

    private final ApiKeyRepository keys;
    private final VerifiedKeys verified;
    private final byte[] adminKeyHash;

    ApiKeyAuthenticator(ApiKeyRepository keys, VerifiedKeys verified, TenancyProperties properties) {
        this.keys = keys;
        this.verified = verified;
        this.adminKeyHash = properties.adminKey() == null
                ? null
                : ApiKeyTokens.sha256(properties.adminKey().strip());
    }

    Optional<Caller> authenticate(String token) {
        byte[] presented = ApiKeyTokens.sha256(token);
        if (adminKeyHash != null && MessageDigest.isEqual(presented, adminKeyHash)) {
            return Optional.of(new Caller("key_admin_env", null, Role.PLATFORM_ADMIN));
        }
        String keyId = ApiKeyTokens.keyIdOf(token);
        var credential =
                keyId == null ? Optional.<ApiKeyRepository.Credential>empty() : verified.get(keyId, keys::credential);
        boolean matches =
                MessageDigest.isEqual(presented, credential.map(c -> c.hash()).orElse(NO_KEY));
        return credential.filter(c -> matches && c.live()).map(c -> new Caller(c.keyId(), c.tenantId(), c.role()));
    }
}
