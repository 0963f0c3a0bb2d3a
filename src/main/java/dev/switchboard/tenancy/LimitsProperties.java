package dev.switchboard.tenancy;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How many of each thing one tenant may have, so one tenant (or one runaway script) cannot fill the
 * database or slow every fan-out. Deleted endpoints and sources and revoked keys do not count.
 *
 * @param endpointsPerTenant outbound endpoints ({@code SWITCHBOARD_LIMITS_ENDPOINTS_PER_TENANT})
 * @param sourcesPerTenant inbound sources ({@code SWITCHBOARD_LIMITS_SOURCES_PER_TENANT})
 * @param apiKeysPerTenant live API keys ({@code SWITCHBOARD_LIMITS_API_KEYS_PER_TENANT})
 */
@ConfigurationProperties("switchboard.limits")
public record LimitsProperties(Integer endpointsPerTenant, Integer sourcesPerTenant, Integer apiKeysPerTenant) {

    public LimitsProperties {
        endpointsPerTenant = positive("endpoints-per-tenant", endpointsPerTenant, 500);
        sourcesPerTenant = positive("sources-per-tenant", sourcesPerTenant, 500);
        apiKeysPerTenant = positive("api-keys-per-tenant", apiKeysPerTenant, 100);
    }

    private static int positive(String name, Integer value, int fallback) {
        if (value == null) return fallback;
        if (value < 1) throw new IllegalArgumentException("switchboard.limits." + name + " must be at least 1");
        return value;
    }
}
