package dev.switchboard.tenancy;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.switchboard.common.ApiException;
import java.time.Duration;
import org.springframework.stereotype.Component;

/**
 * The one authorization check every tenant-scoped route makes before touching data. Another
 * tenant's resource is a 404 (its existence is not revealed); a viewer that writes is a 403.
 */
@Component
public class TenantAccess {

    private final TenantRepository tenants;
    /**
     * Tenants a platform admin's request found: tenants are never deleted, so a tenant seen once
     * exists (kept a minute all the same). One that is not found is read again each time.
     */
    private final Cache<String, Boolean> seen = Caffeine.newBuilder()
            .maximumSize(100_000)
            .expireAfterWrite(Duration.ofMinutes(1))
            .build();

    TenantAccess(TenantRepository tenants) {
        this.tenants = tenants;
    }

    public void read(Caller caller, String tenantId) {
        check(caller, tenantId);
    }

    public void write(Caller caller, String tenantId) {
        check(caller, tenantId);
        if (!caller.canWrite()) throw ApiException.forbidden("A viewer key cannot change anything.");
    }

    public void platformAdmin(Caller caller) {
        if (!caller.platformAdmin()) throw ApiException.forbidden("Only a platform admin key may do this.");
    }

    private void check(Caller caller, String tenantId) {
        if (!caller.sees(tenantId)) throw ApiException.notFound("tenant");
        // A tenant key's own tenant exists and is active, or the key would not have authenticated.
        if (caller.platformAdmin() && !exists(tenantId)) throw ApiException.notFound("tenant");
    }

    private boolean exists(String tenantId) {
        if (seen.getIfPresent(tenantId) != null) return true;
        if (!tenants.exists(tenantId)) return false;
        seen.put(tenantId, Boolean.TRUE);
        return true;
    }
}
