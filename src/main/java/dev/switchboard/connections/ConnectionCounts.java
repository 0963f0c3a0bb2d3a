package dev.switchboard.connections;

import org.springframework.stereotype.Component;

/**
 * A tenant's connections counted by state, for the dashboard's stat cards: one aggregate over the
 * tenant's rows, reading no secrets. The caller has checked that it may read the tenant.
 */
@Component
public class ConnectionCounts {

    public record Summary(long total, long active, long error) {}

    private final ConnectionRepository connections;

    ConnectionCounts(ConnectionRepository connections) {
        this.connections = connections;
    }

    public Summary forTenant(String tenantId) {
        return connections.countsForTenant(tenantId);
    }
}
