package dev.switchboard.inbound;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * A tenant's inbound sources counted by status (deleted ones left out), for the dashboard's stat
 * cards. The caller has checked that it may read the tenant.
 */
@Component
public class SourceCounts {

    public record Summary(long active, long disabled) {}

    private final JdbcClient jdbc;

    SourceCounts(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public Summary forTenant(String tenantId) {
        return jdbc.sql("""
                        SELECT COALESCE(SUM(CASE WHEN status = 'active' THEN 1 ELSE 0 END), 0) AS active,
                               COALESCE(SUM(CASE WHEN status = 'disabled' THEN 1 ELSE 0 END), 0) AS disabled
                        FROM sources WHERE tenant_id = :tenant
                        """)
                .param("tenant", tenantId)
                .query((rs, n) -> new Summary(rs.getLong("active"), rs.getLong("disabled")))
                .single();
    }
}
