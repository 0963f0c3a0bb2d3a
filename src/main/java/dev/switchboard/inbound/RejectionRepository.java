package dev.switchboard.inbound;

import static dev.switchboard.common.Sql.instant;
import static dev.switchboard.common.Sql.ts;

import dev.switchboard.common.PageRequest;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** Requests that failed verification, kept for the logs without their bodies. */
@Repository
class RejectionRepository {

    record Rejection(
            String id,
            String sourceId,
            Instant receivedAt,
            String code,
            String reason,
            Map<String, String> headers,
            int bodySize,
            String remoteAddr) {}

    private final JdbcClient jdbc;
    private final JsonMapper json;

    RejectionRepository(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    void insert(String tenantId, Rejection r) {
        jdbc.sql("""
                INSERT INTO inbound_rejections (id, tenant_id, source_id, received_at, code, reason, headers, body_size, remote_addr)
                VALUES (:id, :tenant, :source, :at, :code, :reason, :headers, :size, :addr)
                """)
                .param("id", r.id())
                .param("tenant", tenantId)
                .param("source", r.sourceId())
                .param("at", ts(r.receivedAt()))
                .param("code", r.code())
                .param("reason", r.reason().length() > 500 ? r.reason().substring(0, 500) : r.reason())
                .param("headers", Headers.toJson(json, r.headers()))
                .param("size", r.bodySize())
                .param("addr", r.remoteAddr())
                .update();
    }

    List<Rejection> pageForSource(String tenantId, String sourceId, PageRequest page) {
        return page.select(
                        jdbc,
                        "SELECT * FROM inbound_rejections WHERE tenant_id = :tenant AND source_id = :source",
                        "received_at")
                .param("tenant", tenantId)
                .param("source", sourceId)
                .query((rs, n) -> new Rejection(
                        rs.getString("id"),
                        rs.getString("source_id"),
                        instant(rs, "received_at"),
                        rs.getString("code"),
                        rs.getString("reason"),
                        json.readValue(rs.getString("headers"), new TypeReference<Map<String, String>>() {}),
                        rs.getInt("body_size"),
                        rs.getString("remote_addr")))
                .list();
    }

    /** Deletes rejections recorded before {@code cutoff}, at most {@code batch}; returns how many. */
    int deleteOlderThan(Instant cutoff, int batch) {
        return jdbc.sql("""
                DELETE FROM inbound_rejections
                WHERE id IN (SELECT id FROM inbound_rejections WHERE received_at < :cutoff ORDER BY received_at LIMIT :batch)
                """).param("cutoff", ts(cutoff)).param("batch", batch).update();
    }

    java.util.Optional<Instant> earliest() {
        return FactQueries.earliest(jdbc, "inbound_rejections");
    }
}
