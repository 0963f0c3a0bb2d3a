package dev.switchboard.tenancy;

import dev.switchboard.common.ApiException;
import dev.switchboard.common.ErrorCode;
import java.util.function.LongSupplier;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Per-tenant counts with a ceiling ({@link LimitsProperties}). A create counts and inserts while
 * holding the tenant's row lock, so two concurrent creates cannot both take the last place.
 */
@Component
public class TenantLimits {

    /** What is counted, and the limit that applies to it. */
    public enum Kind {
        ENDPOINTS("endpoints"),
        SOURCES("sources"),
        API_KEYS("API keys");

        private final String label;

        Kind(String label) {
            this.label = label;
        }
    }

    private final LimitsProperties limits;
    private final TenantRepository tenants;
    private final TransactionTemplate tx;

    TenantLimits(LimitsProperties limits, TenantRepository tenants, TransactionTemplate tx) {
        this.limits = limits;
        this.tenants = tenants;
        this.tx = tx;
    }

    /**
     * Runs {@code insert} when the tenant has fewer than its limit of {@code kind} (by {@code count});
     * otherwise a 409 {@code limit_reached}. Both run in one transaction under the tenant's lock.
     */
    public void withinLimit(String tenantId, Kind kind, LongSupplier count, Runnable insert) {
        int limit = limitOf(kind);
        tx.executeWithoutResult(status -> {
            if (!tenants.lock(tenantId)) throw ApiException.notFound("tenant");
            if (count.getAsLong() >= limit) {
                throw new ApiException(
                        ErrorCode.LIMIT_REACHED,
                        "This tenant has " + limit + " " + kind.label + ", the most this server allows.");
            }
            insert.run();
        });
    }

    private int limitOf(Kind kind) {
        return switch (kind) {
            case ENDPOINTS -> limits.endpointsPerTenant();
            case SOURCES -> limits.sourcesPerTenant();
            case API_KEYS -> limits.apiKeysPerTenant();
        };
    }
}
