package dev.switchboard.tenancy;

import dev.switchboard.common.ApiException;
import dev.switchboard.common.Sql;
import java.time.Clock;
import org.springframework.stereotype.Service;

/**
 * A tenant's API keys: the use cases behind the API keys API and the dashboard's tenant page
 * (create, with the key shown once; revoke). Callers pass a tenant they may write to.
 */
@Service
class ApiKeys {

    /** A key just made, and its secret: the only time it exists outside its hash. */
    record Created(ApiKey key, String token) {
        @Override
        public String toString() {
            return "Created[id=" + key.id() + "]";
        }
    }

    private final ApiKeyRepository keys;
    private final VerifiedKeys verified;
    private final TenantLimits limits;
    private final Clock clock;

    ApiKeys(ApiKeyRepository keys, VerifiedKeys verified, TenantLimits limits, Clock clock) {
        this.keys = keys;
        this.verified = verified;
        this.limits = limits;
        this.clock = clock;
    }

    Created create(String tenant, String name, Role role) {
        if (role == Role.PLATFORM_ADMIN) throw ApiException.invalid("role", "must be admin or viewer");
        ApiKeyTokens.Issued issued = ApiKeyTokens.issue();
        ApiKey key = new ApiKey(issued.keyId(), tenant, name.strip(), role, issued.prefix(), Sql.now(clock), null);
        limits.withinLimit(
                tenant,
                TenantLimits.Kind.API_KEYS,
                () -> keys.countLive(tenant),
                () -> keys.insert(key, issued.hash()));
        return new Created(key, issued.token());
    }

    /** Revoking twice is fine; revoking what never existed is a 404. */
    void revoke(String tenant, String keyId) {
        boolean revoked = keys.revokeForTenant(tenant, keyId, Sql.now(clock));
        // Refused on this node from the next request; other nodes keep it for at most the key cache's TTL.
        verified.forget(keyId);
        if (!revoked) {
            keys.findForTenant(tenant, keyId).orElseThrow(() -> ApiException.notFound("API key"));
        }
    }
}
