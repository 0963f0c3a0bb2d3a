package dev.switchboard.connections;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * A tenant's connections counted by state, for the dashboard's stat cards: one aggregate over the
 * tenant's rows, reading no secrets. The caller has checked that it may read the tenant.
 */
@Component
public class ConnectionCounts {

    public record Summary(long total, long active, long error) {}

    private final JdbcClient jdbc;

    ConnectionCounts(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public Summary forTenant(String tenantId) {
        return jdbc.sql("""
                        SELECT count(*) AS total,
                               COALESCE(SUM(CASE WHEN state = :active THEN 1 ELSE 0 END), 0) AS active,
                               COALESCE(SUM(CASE WHEN state = :error THEN 1 ELSE 0 END), 0) AS error
                        FROM connections WHERE tenant_id = :tenant
                        """)
                .param("tenant", tenantId)
                .param("active", Connection.State.ACTIVE.wire())
                .param("error", Connection.State.ERROR.wire())
                .query((rs, n) -> new Summary(rs.getLong("total"), rs.getLong("active"), rs.getLong("error")))
                .single();
    }
}
