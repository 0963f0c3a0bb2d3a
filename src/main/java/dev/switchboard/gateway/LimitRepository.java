package dev.switchboard.gateway;

import static dev.switchboard.common.Sql.instant;
import static dev.switchboard.common.Sql.ts;

import dev.switchboard.connections.ConnectionAccess.Limits;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The gateway's limit tables: per-connection overrides, the provider's throttles, crossings reported. */
@Repository
class LimitRepository {

    /** A throttle the provider asked for: nothing until {@code resumeAt}, or one call per {@code spacing}. */
    record Throttle(Instant resumeAt, Duration spacing, Instant nextAt, String reason) {}

    private final JdbcClient jdbc;

    LimitRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    Optional<Limits> override(String tenantId, String connectionId) {
        return jdbc.sql("""
                        SELECT per_second, per_minute, per_hour, per_day, per_month, burst
                        FROM gateway_connection_limits WHERE connection_id = :id AND tenant_id = :tenant
                        """)
                .param("id", connectionId)
                .param("tenant", tenantId)
                .query((rs, n) -> new Limits(
                        integer(rs, "per_second"),
                        integer(rs, "per_minute"),
                        integer(rs, "per_hour"),
                        integer(rs, "per_day"),
                        integer(rs, "per_month"),
                        integer(rs, "burst")))
                .optional();
    }

    /** Sets the connection's override, or (null) removes it. */
    void putOverride(String tenantId, String connectionId, Limits l, Instant now) {
        jdbc.sql("DELETE FROM gateway_connection_limits WHERE connection_id = :id AND tenant_id = :tenant")
                .param("id", connectionId)
                .param("tenant", tenantId)
                .update();
        if (l == null) return;
        jdbc.sql("""
                        INSERT INTO gateway_connection_limits
                            (connection_id, tenant_id, per_second, per_minute, per_hour, per_day, per_month, burst, updated_at)
                        VALUES (:id, :tenant, :s, :m, :h, :d, :mo, :b, :now)
                        """)
                .param("id", connectionId)
                .param("tenant", tenantId)
                .param("s", l.perSecond())
                .param("m", l.perMinute())
                .param("h", l.perHour())
                .param("d", l.perDay())
                .param("mo", l.perMonth())
                .param("b", l.burst())
                .param("now", ts(now))
                .update();
    }

    Optional<Throttle> throttle(String tenantId, String connectionId) {
        return jdbc.sql("""
                        SELECT resume_at, spacing_millis, next_at, reason
                        FROM gateway_throttles WHERE connection_id = :id AND tenant_id = :tenant
                        """)
                .param("id", connectionId)
                .param("tenant", tenantId)
                .query((rs, n) -> {
                    long millis = rs.getLong("spacing_millis");
                    Duration spacing = rs.wasNull() ? null : Duration.ofMillis(millis);
                    return new Throttle(
                            instant(rs, "resume_at"), spacing, instant(rs, "next_at"), rs.getString("reason"));
                })
                .optional();
    }

    /**
     * Records what the provider asked for. A pause never shortens a longer one in force; spacing
     * replaces spacing (the provider's latest count is the truth) but never lifts a pause.
     */
    void throttle(
            String tenantId, String connectionId, Instant resumeAt, Duration spacing, String reason, Instant now) {
        Long ms = spacing == null ? null : Math.max(1, spacing.toMillis());
        int updated = jdbc.sql("""
                        UPDATE gateway_throttles SET resume_at = :resume, spacing_millis = :spacing,
                            next_at = CASE WHEN :spaced THEN next_at ELSE NULL END, reason = :reason
                        WHERE connection_id = :id AND tenant_id = :tenant
                          AND (resume_at <= :now OR spacing_millis IS NOT NULL OR (NOT :spaced AND resume_at < :resume))
                        """)
                .param("id", connectionId)
                .param("tenant", tenantId)
                .param("resume", ts(resumeAt))
                .param("spacing", ms)
                .param("spaced", ms != null)
                .param("reason", reason)
                .param("now", ts(now))
                .update();
        if (updated > 0) return;
        jdbc.sql("""
                        INSERT INTO gateway_throttles (connection_id, tenant_id, resume_at, spacing_millis, next_at, reason)
                        VALUES (:id, :tenant, :resume, :spacing, NULL, :reason)
                        ON CONFLICT DO NOTHING
                        """)
                .param("id", connectionId)
                .param("tenant", tenantId)
                .param("resume", ts(resumeAt))
                .param("spacing", ms)
                .param("reason", reason)
                .update();
    }

    /** Claims the next spaced slot: true when this call may go now (and the next one waits {@code spacing}). */
    boolean claimSlot(String tenantId, String connectionId, Instant now, Duration spacing) {
        return jdbc.sql("""
                        UPDATE gateway_throttles SET next_at = :next
                        WHERE connection_id = :id AND tenant_id = :tenant AND (next_at IS NULL OR next_at <= :now)
                        """)
                        .param("id", connectionId)
                        .param("tenant", tenantId)
                        .param("now", ts(now))
                        .param("next", ts(now.plus(spacing)))
                        .update()
                == 1;
    }

    /** Records a crossing once: true when this call is the first to report it. */
    boolean firstCrossing(String tenantId, String connectionId, Window w, Instant start, String level, Instant now) {
        return jdbc.sql("""
                        INSERT INTO gateway_limit_crossings (connection_id, tenant_id, window_name, window_start, level, created_at)
                        VALUES (:id, :tenant, :window, :start, :level, :now)
                        ON CONFLICT DO NOTHING
                        """)
                        .param("id", connectionId)
                        .param("tenant", tenantId)
                        .param("window", w.wire())
                        .param("start", ts(start))
                        .param("level", level)
                        .param("now", ts(now))
                        .update()
                == 1;
    }

    /** Crossings of windows long past: nothing reads them any more. */
    int pruneCrossings(Instant before) {
        return jdbc.sql("DELETE FROM gateway_limit_crossings WHERE created_at < :before")
                .param("before", ts(before))
                .update();
    }

    private static Integer integer(ResultSet rs, String column) throws SQLException {
        int v = rs.getInt(column);
        return rs.wasNull() ? null : v;
    }
}
