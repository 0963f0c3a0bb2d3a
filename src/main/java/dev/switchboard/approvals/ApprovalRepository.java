package dev.switchboard.approvals;

import static dev.switchboard.common.Sql.instant;
import static dev.switchboard.common.Sql.ts;

import dev.switchboard.common.PageRequest;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Requests for approval and their decisions. A decision is one {@code UPDATE … WHERE status =
 * 'pending'}: of two deciders (two admins, an admin and the expiry loop, two nodes) exactly one
 * changes the row, and only that one carries the decision out and announces it.
 */
@Repository
class ApprovalRepository {

    enum Status {
        PENDING,
        APPROVED,
        DENIED,
        EXPIRED;

        String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        static Status of(String wire) {
            return valueOf(wire.toUpperCase(java.util.Locale.ROOT));
        }
    }

    /** Who decided, and how: a key on the API or dashboard, a Slack user, or the expiry. */
    enum Via {
        API,
        DASHBOARD,
        SLACK,
        EXPIRY;

        String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    record Approval(
            String id,
            String tenantId,
            String connectionId,
            String provider,
            String batchId,
            Status status,
            String reason,
            String ruleId,
            boolean fourEyes,
            String requestedBy,
            String preview,
            Instant expiresAt,
            Instant createdAt,
            Instant decidedAt,
            String decidedBy,
            String decidedVia,
            String decisionReason) {}

    /** A decision as it is recorded. */
    record Decided(Status status, String by, Via via, String reason, Instant at) {}

    private static final RowMapper<Approval> ROW = (rs, n) -> new Approval(
            rs.getString("id"),
            rs.getString("tenant_id"),
            rs.getString("connection_id"),
            rs.getString("provider"),
            rs.getString("batch_id"),
            Status.of(rs.getString("status")),
            rs.getString("reason"),
            rs.getString("rule_id"),
            rs.getBoolean("four_eyes"),
            rs.getString("requested_by"),
            rs.getString("preview"),
            instant(rs, "expires_at"),
            instant(rs, "created_at"),
            instant(rs, "decided_at"),
            rs.getString("decided_by"),
            rs.getString("decided_via"),
            rs.getString("decision_reason"));

    private final JdbcClient jdbc;

    ApprovalRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void insert(Approval a) {
        jdbc.sql("""
                INSERT INTO approval_requests (id, tenant_id, connection_id, provider, batch_id, status, reason, rule_id,
                    four_eyes, requested_by, preview, expires_at, created_at)
                VALUES (:id, :tenant, :connection, :provider, :batch, 'pending', :reason, :rule, :fourEyes, :requestedBy,
                    :preview, :expires, :created)
                """)
                .param("id", a.id())
                .param("tenant", a.tenantId())
                .param("connection", a.connectionId())
                .param("provider", a.provider())
                .param("batch", a.batchId())
                .param("reason", a.reason())
                .param("rule", a.ruleId())
                .param("fourEyes", a.fourEyes())
                .param("requestedBy", a.requestedBy())
                .param("preview", a.preview())
                .param("expires", ts(a.expiresAt()))
                .param("created", ts(a.createdAt()))
                .update();
    }

    Optional<Approval> findForTenant(String tenantId, String id) {
        return jdbc.sql("SELECT * FROM approval_requests WHERE tenant_id = :tenant AND id = :id")
                .param("tenant", tenantId)
                .param("id", id)
                .query(ROW)
                .optional();
    }

    /** Newest first; {@code status} and {@code batch} null for any. */
    List<Approval> listForTenant(String tenantId, Status status, String batch, PageRequest page) {
        Map<String, Object> p = new LinkedHashMap<>();
        StringBuilder where = new StringBuilder("tenant_id = :tenant");
        p.put("tenant", tenantId);
        if (status != null) {
            where.append(" AND status = :status");
            p.put("status", status.wire());
        }
        if (batch != null) {
            where.append(" AND batch_id = :batch");
            p.put("batch", batch);
        }
        return page.select(jdbc, "SELECT * FROM approval_requests WHERE " + where, "created_at")
                .params(p)
                .query(ROW)
                .list();
    }

    /** The pending requests of a batch, oldest first, at most {@code limit}. */
    List<Approval> pendingInBatchForTenant(String tenantId, String batch, int limit) {
        return jdbc.sql("""
                SELECT * FROM approval_requests WHERE tenant_id = :tenant AND batch_id = :batch AND status = 'pending'
                ORDER BY created_at, id LIMIT :limit
                """)
                .param("tenant", tenantId)
                .param("batch", batch)
                .param("limit", limit)
                .query(ROW)
                .list();
    }

    /** Pending requests whose time is up, oldest first: the expiry loop's work. */
    List<Approval> expired(Instant now, int limit) {
        return jdbc.sql("""
                SELECT * FROM approval_requests WHERE status = 'pending' AND expires_at <= :now
                ORDER BY expires_at, id LIMIT :limit
                """)
                .param("now", ts(now))
                .param("limit", limit)
                .query(ROW)
                .list();
    }

    /** Records a decision on a request still pending; false when it was decided (or expired) first. */
    boolean decideForTenant(String tenantId, String id, Decided d) {
        return jdbc.sql("""
                        UPDATE approval_requests SET status = :status, decided_at = :at, decided_by = :by,
                            decided_via = :via, decision_reason = :reason
                        WHERE tenant_id = :tenant AND id = :id AND status = 'pending'
                        """)
                        .param("tenant", tenantId)
                        .param("id", id)
                        .param("status", d.status().wire())
                        .param("at", ts(d.at()))
                        .param("by", d.by())
                        .param("via", d.via().wire())
                        .param("reason", d.reason())
                        .update()
                == 1;
    }

    /** Remembers a Slack callback by its signature; false when it was seen before (a replay). */
    boolean firstCallback(String tenantId, String signature, Instant now) {
        return jdbc.sql("""
                        INSERT INTO approval_slack_callbacks (signature, tenant_id, seen_at) VALUES (:s, :tenant, :now)
                        ON CONFLICT DO NOTHING
                        """)
                        .param("s", signature)
                        .param("tenant", tenantId)
                        .param("now", ts(now))
                        .update()
                == 1;
    }

    /** Forgets callbacks older than {@code cutoff} (long past Slack's tolerance), at most {@code limit}. */
    int purgeCallbacks(Instant cutoff, int limit) {
        List<String> old = jdbc.sql(
                        "SELECT signature FROM approval_slack_callbacks WHERE seen_at < :cutoff ORDER BY seen_at LIMIT :limit")
                .param("cutoff", ts(cutoff))
                .param("limit", limit)
                .query(String.class)
                .list();
        if (old.isEmpty()) return 0;
        return jdbc.sql("DELETE FROM approval_slack_callbacks WHERE signature IN (:old)")
                .param("old", old)
                .update();
    }
}
