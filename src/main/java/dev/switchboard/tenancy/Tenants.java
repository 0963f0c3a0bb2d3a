package dev.switchboard.tenancy;

import dev.switchboard.common.ApiException;
import dev.switchboard.common.Ids;
import dev.switchboard.common.PageRequest;
import dev.switchboard.common.Sql;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;

/**
 * Tenant use cases for callers other than the REST controller (the dashboard), with the same rules:
 * only a platform admin creates tenants or counts them; a tenant key sees its own tenant only.
 */
@Service
public class Tenants {

    public record Counts(long active, long disabled) {}

    /** The newest tenants, and whether there are more than were returned. */
    public record Listing(List<Tenant> tenants, boolean more) {}

    /** A tenant and its newest API keys (never their secrets). */
    public record Detail(Tenant tenant, List<ApiKey> keys, boolean moreKeys) {}

    private final TenantRepository tenants;
    private final ApiKeyRepository keys;
    private final TenantAccess access;
    private final Clock clock;

    Tenants(TenantRepository tenants, ApiKeyRepository keys, TenantAccess access, Clock clock) {
        this.tenants = tenants;
        this.keys = keys;
        this.access = access;
        this.clock = clock;
    }

    /**
     * @param id the tenant id, or null/blank for a generated one
     * @throws ApiException forbidden unless a platform admin; invalid or conflict for bad input
     */
    public Tenant create(Caller caller, String id, String name) {
        access.platformAdmin(caller);
        String tenantId = id == null || id.isBlank() ? Ids.next("ten") : id.strip();
        if (!tenantId.matches(TenantController.ID_PATTERN)) {
            throw ApiException.invalid("id", "must match " + TenantController.ID_PATTERN);
        }
        String tenantName = name == null ? "" : name.strip();
        if (tenantName.isEmpty()) throw ApiException.invalid("name", "must not be blank");
        if (tenantName.length() > 200) throw ApiException.invalid("name", "size must be between 0 and 200");
        Instant now = Sql.now(clock);
        Tenant tenant = new Tenant(tenantId, tenantName, Tenant.Status.ACTIVE, now, now);
        try {
            tenants.insert(tenant);
        } catch (DuplicateKeyException e) {
            throw ApiException.conflict("A tenant with id '" + tenant.id() + "' already exists.");
        }
        return tenant;
    }

    /** Every tenant (newest first, up to {@code limit}) for a platform admin; a tenant key's own otherwise. */
    public Listing list(Caller caller, int limit) {
        if (!caller.platformAdmin()) {
            return new Listing(tenants.find(caller.tenantId()).stream().toList(), false);
        }
        List<Tenant> page = tenants.page(PageRequest.of(limit, null));
        return new Listing(page.subList(0, Math.min(limit, page.size())), page.size() > limit);
    }

    /** @throws ApiException not found when the caller may not see the tenant (or it does not exist) */
    public Detail detail(Caller caller, String tenantId, int keyLimit) {
        access.read(caller, tenantId);
        Tenant tenant = tenants.find(tenantId).orElseThrow(() -> ApiException.notFound("tenant"));
        List<ApiKey> page = keys.pageForTenant(tenantId, PageRequest.of(keyLimit, null));
        return new Detail(tenant, page.subList(0, Math.min(keyLimit, page.size())), page.size() > keyLimit);
    }

    public Counts counts(Caller caller) {
        access.platformAdmin(caller);
        return tenants.countByStatus();
    }
}
