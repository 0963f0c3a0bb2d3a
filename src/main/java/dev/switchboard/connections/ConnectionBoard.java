package dev.switchboard.connections;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.springframework.stereotype.Component;

/**
 * A tenant's connections grouped by the catalog's categories, each with its state, health and the
 * latency of its last check, as the connections page and the hub show them: the newest
 * {@value #LIMIT} connections and their last checks, two statements whatever the count. The caller
 * has checked that it may read the tenant.
 */
@Component
public class ConnectionBoard {

    static final int LIMIT = 200;

    /** A connection as the pages show it: hints of its credentials only, never a secret. */
    public record Row(
            String id,
            String name,
            String provider,
            String providerName,
            String category,
            String environment,
            String state,
            String health,
            Instant healthCheckedAt,
            Integer latencyMs,
            String lastError,
            boolean oauth) {}

    /**
     * The rows by category, and the providers' authorization URLs the page's forms may be sent on to
     * (reconnecting an OAuth connection answers with a redirect there).
     */
    public record Board(Map<String, List<Row>> byCategory, List<String> formTargets) {}

    private final ConnectionLifecycle lifecycle;
    private final HealthRepository health;
    private final Catalog catalog;

    ConnectionBoard(ConnectionLifecycle lifecycle, HealthRepository health, Catalog catalog) {
        this.lifecycle = lifecycle;
        this.health = health;
        this.catalog = catalog;
    }

    public Board forTenant(String tenantId) {
        List<Connection> connections =
                lifecycle.list(tenantId, LIMIT).stream().limit(LIMIT).toList();
        Map<String, HealthRepository.LastCheck> last = connections.isEmpty()
                ? Map.of()
                : health.lastChecks(
                        tenantId, connections.stream().map(Connection::id).toList());
        Map<String, List<Row>> byCategory = new TreeMap<>();
        for (Connection c : connections) {
            Row r = row(c, last.get(c.id()));
            byCategory
                    .computeIfAbsent(r.category() == null ? "other" : r.category(), k -> new ArrayList<>())
                    .add(r);
        }
        List<String> targets = byCategory.values().stream()
                .flatMap(List::stream)
                .filter(Row::oauth)
                .map(r -> catalog.find(r.provider())
                        .map(Provider::authorizationUrl)
                        .orElse(null))
                .filter(Objects::nonNull)
                .distinct()
                .toList();
        return new Board(byCategory, targets);
    }

    Row row(Connection c) {
        return row(c, null);
    }

    private Row row(Connection c, HealthRepository.LastCheck last) {
        var p = catalog.find(c.provider());
        return new Row(
                c.id(),
                c.name(),
                c.provider(),
                p.map(Provider::name).orElse(c.provider()),
                p.map(Provider::category).orElse("other"),
                c.environment(),
                c.state().wire(),
                c.health().wire(),
                last == null ? c.healthCheckedAt() : last.checkedAt(),
                last == null ? null : last.latencyMs(),
                c.lastError(),
                p.map(Provider::oauth).orElse(false));
    }
}
