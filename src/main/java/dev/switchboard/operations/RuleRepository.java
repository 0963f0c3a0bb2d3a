package dev.switchboard.operations;

import static dev.switchboard.common.Sql.instant;
import static dev.switchboard.common.Sql.ts;

import dev.switchboard.common.PageRequest;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
class RuleRepository {

    private final JdbcClient jdbc;
    private final ScopedRows<Rule> rows;

    RuleRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
        this.rows = new ScopedRows<>(jdbc, "alert_rules", RuleRepository::map);
    }

    void insert(Rule r) {
        jdbc.sql("""
                INSERT INTO alert_rules (id, tenant_id, kind, threshold, window_seconds, severity, enabled, created_at, updated_at)
                VALUES (:id, :tenant, :kind, :threshold, :window, :severity, :enabled, :at, :at)
                """)
                .param("id", r.id())
                .param("tenant", r.tenantId())
                .param("kind", r.kind().wire())
                .param("threshold", r.threshold(), java.sql.Types.INTEGER)
                .param("window", r.window().toSeconds())
                .param("severity", r.severity().wire())
                .param("enabled", r.enabled())
                .param("at", ts(r.createdAt()))
                .update();
    }

    Optional<Rule> find(String tenantId, String id) {
        return rows.find(tenantId, id);
    }

    List<Rule> page(String tenantId, PageRequest page) {
        return rows.page(tenantId, page);
    }

    /** The enabled rules a signal from {@code tenantId} matches: the tenant's own and the platform's. */
    List<Rule> matching(Rule.Kind kind, String tenantId) {
        return jdbc.sql("""
                SELECT * FROM alert_rules WHERE kind = :kind AND tenant_id IN (:tenant, :platform) AND enabled = TRUE
                ORDER BY id
                """)
                .param("kind", kind.wire())
                .param("tenant", tenantId)
                .param("platform", Alerting.PLATFORM)
                .query(RuleRepository::map)
                .list();
    }

    /** Every enabled rule of a kind, whatever its tenant: for the threshold evaluator. */
    List<Rule> enabledOfKind(Rule.Kind kind) {
        return jdbc.sql("SELECT * FROM alert_rules WHERE kind = :kind AND enabled = TRUE ORDER BY id")
                .param("kind", kind.wire())
                .query(RuleRepository::map)
                .list();
    }

    boolean update(
            String tenantId,
            String id,
            Integer threshold,
            Integer windowSeconds,
            String severity,
            Boolean enabled,
            java.time.Instant now) {
        return jdbc.sql("""
                UPDATE alert_rules SET threshold = COALESCE(:threshold, threshold),
                    window_seconds = COALESCE(:window, window_seconds), severity = COALESCE(:severity, severity),
                    enabled = COALESCE(:enabled, enabled), updated_at = :now
                WHERE tenant_id = :tenant AND id = :id
                """)
                        .param("tenant", tenantId)
                        .param("id", id)
                        .param("threshold", threshold, java.sql.Types.INTEGER)
                        .param("window", windowSeconds, java.sql.Types.INTEGER)
                        .param("severity", severity)
                        .param("enabled", enabled, java.sql.Types.BOOLEAN)
                        .param("now", ts(now))
                        .update()
                == 1;
    }

    boolean delete(String tenantId, String id) {
        return rows.delete(tenantId, id);
    }

    long count(String tenantId) {
        return rows.count(tenantId);
    }

    private static Rule map(ResultSet rs, int n) throws SQLException {
        int t = rs.getInt("threshold");
        Integer threshold = rs.wasNull() ? null : t;
        return new Rule(
                rs.getString("id"),
                rs.getString("tenant_id"),
                Rule.Kind.valueOf(rs.getString("kind").toUpperCase(Locale.ROOT)),
                threshold,
                Duration.ofSeconds(rs.getInt("window_seconds")),
                Alert.Severity.valueOf(rs.getString("severity").toUpperCase(Locale.ROOT)),
                rs.getBoolean("enabled"),
                instant(rs, "created_at"));
    }
}
