package dev.switchboard.outbound;

import org.springframework.stereotype.Component;

/**
 * A tenant's endpoints counted by status (deleted ones left out), for the dashboard's stat cards.
 * The caller has checked that it may read the tenant.
 */
@Component
public class EndpointCounts {

    public record Summary(long active, long disabled) {}

    private final EndpointRepository endpoints;

    EndpointCounts(EndpointRepository endpoints) {
        this.endpoints = endpoints;
    }

    public Summary forTenant(String tenantId) {
        return endpoints.countsForTenant(tenantId);
    }
}
