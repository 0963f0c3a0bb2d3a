package dev.switchboard.connections;

import static dev.switchboard.common.Sql.instant;
import static dev.switchboard.common.Sql.ts;

import dev.switchboard.common.PageRequest;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Health checks as stored: each connection's last verdict and next check, and the history. */
@Repository
class HealthRepository {

    private final JdbcClient jdbc;

    HealthRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void postponeCheck(Connection c, Instant next) {
        jdbc.sql("UPDATE connections SET next_check_at = :next WHERE id = :id")
                .param("id", c.id())
                .param("next", ts(next))
                .update();
    }

    /**
     * Records a check's result. With a {@code lease} (a scheduled check's claim), only while the
     * claim is still this node's: false, and nothing written, when it expired and another node may
     * have checked since.
     */
    boolean recordHealth(Connection c, Instant lease, HealthResult h, Instant next, Instant now) {
        int updated = jdbc.sql("""
                        UPDATE connections SET health = :status, health_checked_at = :now, next_check_at = :next,
                            last_activity_at = CASE WHEN :healthy THEN :now ELSE last_activity_at END
                        WHERE id = :id AND tenant_id = :tenant
                        """ + (lease == null ? "" : " AND next_check_at = :lease"))
                .param("id", c.id())
                .param("tenant", c.tenantId())
                .param("status", h.status().wire())
                .param("healthy", h.status() == Connection.Health.HEALTHY)
                .param("next", ts(next))
                .param("now", ts(now))
                .params(lease == null ? Map.of() : Map.of("lease", ts(lease)))
                .update();
        if (updated == 0) return false;
        jdbc.sql("""
                INSERT INTO connection_health (id, tenant_id, connection_id, checked_at, status, status_code, latency_ms, error)
                VALUES (:id, :tenant, :connection, :now, :status, :code, :latency, :error)
                """)
                .param("id", h.id())
                .param("tenant", c.tenantId())
                .param("connection", c.id())
                .param("now", ts(now))
                .param("status", h.status().wire())
                .param("code", h.statusCode())
                .param("latency", h.latencyMs())
                .param("error", h.error())
                .update();
        return true;
    }

    List<HealthResult> health(String tenantId, String id, PageRequest page) {
        return page.select(
                        jdbc,
                        "SELECT * FROM connection_health WHERE tenant_id = :tenant AND connection_id = :id",
                        "checked_at")
                .param("tenant", tenantId)
                .param("id", id)
                .query((rs, n) -> new HealthResult(
                        rs.getString("id"),
                        instant(rs, "checked_at"),
                        Connection.Health.of(rs.getString("status")),
                        (Integer) rs.getObject("status_code"),
                        rs.getInt("latency_ms"),
                        rs.getString("error")))
                .list();
    }

    /** A connection's last check: when, and how long the provider took to answer. */
    record LastCheck(Instant checkedAt, int latencyMs) {}

    /**
     * The last check of each connection: the history row written with the connection's own
     * {@code health_checked_at} (both are written together), found by the history's index on
     * (connection, time), so one lookup per connection in one statement.
     */
    static final String LAST_CHECKS = """
            SELECT h.connection_id, h.checked_at, h.latency_ms
            FROM connections c
            JOIN connection_health h
              ON h.connection_id = c.id AND h.checked_at = c.health_checked_at AND h.tenant_id = c.tenant_id
            WHERE c.tenant_id = :tenant AND c.id IN (:ids)""";

    Map<String, LastCheck> lastChecks(String tenantId, List<String> connectionIds) {
        Map<String, LastCheck> last = new java.util.HashMap<>();
        jdbc.sql(LAST_CHECKS)
                .param("tenant", tenantId)
                .param("ids", connectionIds)
                .query(rs -> {
                    last.put(
                            rs.getString("connection_id"),
                            new LastCheck(instant(rs, "checked_at"), rs.getInt("latency_ms")));
                });
        return last;
    }

    static final String OLD_CHECKS = """
            SELECT id FROM connection_health WHERE checked_at < :cutoff ORDER BY checked_at LIMIT :batch""";

    /** Deletes up to {@code batch} health-check records made before {@code cutoff}; returns how many. */
    int purgeOlderThan(Instant cutoff, int batch) {
        List<String> ids = jdbc.sql(OLD_CHECKS)
                .param("cutoff", ts(cutoff))
                .param("batch", batch)
                .query(String.class)
                .list();
        if (ids.isEmpty()) return 0;
        return jdbc.sql("DELETE FROM connection_health WHERE id IN (:ids)")
                .param("ids", ids)
                .update();
    }
}
