package dev.switchboard.audit;

import static dev.switchboard.common.Sql.instant;
import static dev.switchboard.common.Sql.ts;

import dev.switchboard.common.Dialect;
import dev.switchboard.common.PageRequest;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The audit_log table: insert, complete once, search, purge. There is no other write. */
@Repository
class AuditRepository {

    /** Search filters; null means any. {@code tenantId} null searches every tenant (platform admins). */
    record Filter(
            String tenantId,
            String actor,
            String action,
            String targetType,
            String targetId,
            AuditEntry.Outcome outcome,
            Instant since,
            Instant until) {}

    private final JdbcClient jdbc;
    private final Dialect dialect;

    AuditRepository(JdbcClient jdbc, Dialect dialect) {
        this.jdbc = jdbc;
        this.dialect = dialect;
    }

    /** Inserts on the calling thread's transaction, if there is one: that is what makes it atomic. */
    void insert(AuditEntry e) {
        jdbc.sql("""
                INSERT INTO audit_log (id, occurred_at, tenant_id, actor, role, action, method, target_type,
                    target_id, outcome, status, request_id, source_ip, fields)
                VALUES (:id, :at, :tenant, :actor, :role, :action, :method, :targetType,
                    :targetId, :outcome, :status, :requestId, :sourceIp, :fields)
                """)
                .param("id", e.id())
                .param("at", ts(e.occurredAt()))
                .param("tenant", e.tenantId())
                .param("actor", cut(e.actor(), 64))
                .param("role", e.role())
                .param("action", cut(e.action(), 200))
                .param("method", e.method())
                .param("targetType", cut(e.targetType(), 64))
                .param("targetId", cut(e.targetId(), 200))
                .param("outcome", e.outcome().wire())
                .param("status", e.status())
                .param("requestId", e.requestId())
                .param("sourceIp", e.sourceIp())
                .param("fields", fields(e.fields()))
                .update();
    }

    /**
     * The one update an entry gets: its status, and a created resource's id, once the response is
     * known. Returns false when there was nothing to complete (the entry's transaction rolled back).
     */
    boolean complete(String id, int status, String createdId) {
        return jdbc.sql("""
                        UPDATE audit_log SET status = :status, target_id = COALESCE(target_id, :targetId)
                        WHERE id = :id AND status IS NULL
                        """)
                        .param("id", id)
                        .param("status", status)
                        .param("targetId", cut(createdId, 200))
                        .update()
                > 0;
    }

    List<AuditEntry> search(Filter f, PageRequest page) {
        StringBuilder where = new StringBuilder("SELECT * FROM audit_log WHERE 1 = 1");
        if (f.tenantId() != null) where.append(" AND tenant_id = :tenant");
        if (f.actor() != null) where.append(" AND actor = :actor");
        if (f.action() != null) {
            // "endpoint" matches endpoint.create, endpoint.secret.rotate, …; "endpoint.create" only itself.
            where.append(" AND (action = :action OR action LIKE :actionPrefix ESCAPE '\\')");
        }
        if (f.targetType() != null) where.append(" AND target_type = :targetType");
        if (f.targetId() != null) where.append(" AND target_id = :targetId");
        if (f.outcome() != null) where.append(" AND outcome = :outcome");
        if (f.since() != null) where.append(" AND occurred_at >= :since");
        if (f.until() != null) where.append(" AND occurred_at < :until");
        var spec = page.select(jdbc, where.toString(), "occurred_at");
        if (f.tenantId() != null) spec = spec.param("tenant", f.tenantId());
        if (f.actor() != null) spec = spec.param("actor", f.actor());
        if (f.action() != null) {
            spec = spec.param("action", f.action()).param("actionPrefix", likeEscape(f.action()) + ".%");
        }
        if (f.targetType() != null) spec = spec.param("targetType", f.targetType());
        if (f.targetId() != null) spec = spec.param("targetId", f.targetId());
        if (f.outcome() != null) spec = spec.param("outcome", f.outcome().wire());
        if (f.since() != null) spec = spec.param("since", ts(f.since()));
        if (f.until() != null) spec = spec.param("until", ts(f.until()));
        return spec.query((rs, n) -> new AuditEntry(
                        rs.getString("id"),
                        instant(rs, "occurred_at"),
                        rs.getString("tenant_id"),
                        rs.getString("actor"),
                        rs.getString("role"),
                        rs.getString("action"),
                        rs.getString("method"),
                        rs.getString("target_type"),
                        rs.getString("target_id"),
                        AuditEntry.Outcome.valueOf(rs.getString("outcome").toUpperCase(Locale.ROOT)),
                        (Integer) rs.getObject("status", Integer.class),
                        rs.getString("request_id"),
                        rs.getString("source_ip"),
                        rs.getString("fields") == null || rs.getString("fields").isEmpty()
                                ? List.of()
                                : Arrays.asList(rs.getString("fields").split(","))))
                .list();
    }

    /**
     * Deletes entries older than {@code cutoff}, at most {@code batch}, in the caller's transaction. On
     * PostgreSQL the append-only trigger lets this DELETE through only because of the SET LOCAL here,
     * which ends with the transaction.
     */
    int purgeOlderThan(Instant cutoff, int batch) {
        if (dialect == Dialect.POSTGRESQL) {
            jdbc.sql("SELECT set_config('switchboard.audit_purge', 'on', true)")
                    .query(String.class)
                    .single();
        }
        return jdbc.sql("""
                DELETE FROM audit_log
                WHERE id IN (SELECT id FROM audit_log WHERE occurred_at < :cutoff ORDER BY occurred_at LIMIT :batch)
                """).param("cutoff", ts(cutoff)).param("batch", batch).update();
    }

    private static String fields(List<String> names) {
        if (names == null || names.isEmpty()) return null;
        String joined = String.join(",", names);
        return joined.length() <= 2000 ? joined : joined.substring(0, joined.lastIndexOf(',', 2000));
    }

    private static String cut(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }

    private static String likeEscape(String s) {
        return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }
}
