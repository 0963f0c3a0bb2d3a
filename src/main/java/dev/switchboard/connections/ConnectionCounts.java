package dev.switchboard.connections;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.stereotype.Component;

/**
 * A tenant's connections counted by state, for the dashboard's stat cards: one aggregate over the
 * tenant's rows, reading no secrets. The caller has checked that it may read the tenant.
 */
@Component
public class ConnectionCounts {

    public record Summary(long total, long active, long error) {}

    /**
     * Every state and health with its count (zeros included), and counts per provider category (the
     * catalog's; {@code other} for a provider no longer in it).
     */
    public record Breakdown(
            long total, Map<String, Long> byState, Map<String, Long> byHealth, Map<String, Long> byCategory) {}

    private final ConnectionRepository connections;
    private final Catalog catalog;

    ConnectionCounts(ConnectionRepository connections, Catalog catalog) {
        this.connections = connections;
        this.catalog = catalog;
    }

    public Breakdown breakdown(String tenantId) {
        Map<String, Long> states = new LinkedHashMap<>();
        for (Connection.State s : Connection.State.values()) states.put(s.wire(), 0L);
        Map<String, Long> health = new LinkedHashMap<>();
        for (Connection.Health h : Connection.Health.values()) health.put(h.wire(), 0L);
        Map<String, Long> categories = new TreeMap<>();
        long[] total = {0};
        connections.countsByProviderStateHealth(tenantId, (provider, state, h, n) -> {
            total[0] += n;
            states.merge(state, n, Long::sum);
            health.merge(h, n, Long::sum);
            String category = catalog.find(provider).map(Provider::category).orElse(null);
            categories.merge(category == null || category.isBlank() ? "other" : category, n, Long::sum);
        });
        return new Breakdown(total[0], states, health, categories);
    }

    public Summary forTenant(String tenantId) {
        return connections.countsForTenant(tenantId);
    }
}
