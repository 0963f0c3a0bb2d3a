package dev.switchboard.tenancy;

import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * API-key sign-in for the dashboard: the same verification as a bearer key on the API, so a key's
 * role applies in the browser too. The session keeps only the {@link Caller} (never the key), and
 * {@link #stillValid} is asked on every request of the session, so revoking the key, or disabling
 * its tenant, ends the session at its next request.
 */
@Component
public class ApiKeySignIn {

    /** The id {@link ApiKeyAuthenticator} gives the key set in SWITCHBOARD_ADMIN_KEY (it has no row). */
    private static final String ENV_ADMIN_KEY_ID = "key_admin_env";

    /** The key id of a caller signed in through OIDC: there is no key, the subject stands in for one. */
    public static final String OIDC_PREFIX = "oidc:";

    private final ApiKeyAuthenticator authenticator;
    private final ApiKeyRepository keys;
    private final TenantRepository tenants;

    ApiKeySignIn(ApiKeyAuthenticator authenticator, ApiKeyRepository keys, TenantRepository tenants) {
        this.authenticator = authenticator;
        this.keys = keys;
        this.tenants = tenants;
    }

    /**
     * A caller for a user the identity provider vouched for, with the role and tenant its claims map
     * to; empty when that tenant does not exist or is disabled (the same as a key of a disabled tenant).
     */
    public Optional<Caller> signInAs(String subject, Role role, String tenantId) {
        if (subject == null || subject.isBlank() || role == null) return Optional.empty();
        if (role != Role.PLATFORM_ADMIN && !activeTenant(tenantId)) return Optional.empty();
        return Optional.of(new Caller(OIDC_PREFIX + subject, role == Role.PLATFORM_ADMIN ? null : tenantId, role));
    }

    private boolean activeTenant(String tenantId) {
        return tenantId != null
                && tenants.find(tenantId)
                        .filter(t -> t.status() == Tenant.Status.ACTIVE)
                        .isPresent();
    }

    public Optional<Caller> signIn(String key) {
        if (key == null || key.isBlank() || key.length() > 512) return Optional.empty();
        return authenticator.authenticate(key.strip());
    }

    /** One lookup by primary key: cheap enough for every request of a session. */
    public boolean stillValid(Caller caller) {
        // The configured key cannot be revoked, only replaced, which takes a restart (and ends sessions).
        if (ENV_ADMIN_KEY_ID.equals(caller.keyId())) return true;
        // An OIDC session has no key to revoke: its roles are the identity provider's, read at sign-in;
        // disabling its tenant still ends it.
        if (caller.keyId().startsWith(OIDC_PREFIX)) return caller.platformAdmin() || activeTenant(caller.tenantId());
        return keys.credential(caller.keyId())
                .filter(c -> c.live() && c.role() == caller.role())
                .isPresent();
    }
}
