package dev.switchboard.calllog;

import static dev.switchboard.common.Sql.instant;
import static dev.switchboard.common.Sql.ts;

import dev.switchboard.common.PageRequest;
import dev.switchboard.common.Sql;
import java.sql.Types;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The {@code provider_calls} table: rows as stored (already redacted), searched per tenant. */
@Repository
class CallRepository {

    /** A stored call. */
    record Row(
            String id,
            String tenantId,
            String connectionId,
            String provider,
            String origin,
            String method,
            String path,
            Integer status,
            long latencyMs,
            long requestBytes,
            long responseBytes,
            String error,
            String actor,
            String requestId,
            Instant calledAt,
            String requestBody,
            String responseBody) {}

    /** A list's filters; null means any. {@code statusFrom/statusTo} is a half-open range; {@code noStatus} the "error" class. */
    record Filter(
            String tenantId,
            String connectionId,
            String provider,
            String origin,
            String method,
            Integer statusFrom,
            Integer statusTo,
            boolean noStatus,
            String pathContains,
            Instant since,
            Instant until) {}

    static final String LIST_COLUMNS = "id, tenant_id, connection_id, provider, origin, method, path, status,"
            + " latency_ms, request_bytes, response_bytes, error, actor, request_id, called_at";

    private final JdbcClient jdbc;
    private final JdbcTemplate batches;
    /** For the analytics' fact reads, which hand a span's every call to a callback (see Sql.streaming). */
    private final JdbcClient facts;

    CallRepository(JdbcClient jdbc, JdbcTemplate batches) {
        this.jdbc = jdbc;
        this.batches = batches;
        this.facts = Sql.streaming(batches.getDataSource());
    }

    /** Many rows in one JDBC batch (one round trip); the caller's transaction makes them one commit. */
    void insertAll(List<Row> rows) {
        batches.batchUpdate("""
                INSERT INTO provider_calls (id, tenant_id, connection_id, provider, origin, method, path, status,
                    latency_ms, request_bytes, response_bytes, error, actor, request_id, called_at,
                    request_body, response_body)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, rows, rows.size(), (ps, r) -> {
            ps.setString(1, r.id());
            ps.setString(2, r.tenantId());
            ps.setString(3, r.connectionId());
            ps.setString(4, r.provider());
            ps.setString(5, r.origin());
            ps.setString(6, r.method());
            ps.setString(7, r.path());
            ps.setObject(8, r.status(), Types.INTEGER);
            ps.setLong(9, r.latencyMs());
            ps.setLong(10, r.requestBytes());
            ps.setLong(11, r.responseBytes());
            ps.setString(12, r.error());
            ps.setString(13, r.actor());
            ps.setString(14, r.requestId());
            ps.setObject(15, ts(r.calledAt()));
            ps.setString(16, r.requestBody());
            ps.setString(17, r.responseBody());
        });
    }

    void insert(Row r) {
        jdbc.sql("""
                INSERT INTO provider_calls (id, tenant_id, connection_id, provider, origin, method, path, status,
                    latency_ms, request_bytes, response_bytes, error, actor, request_id, called_at,
                    request_body, response_body)
                VALUES (:id, :tenant, :connection, :provider, :origin, :method, :path, :status,
                    :latency, :requestBytes, :responseBytes, :error, :actor, :requestId, :at,
                    :requestBody, :responseBody)
                """)
                .param("id", r.id())
                .param("tenant", r.tenantId())
                .param("connection", r.connectionId())
                .param("provider", r.provider())
                .param("origin", r.origin())
                .param("method", r.method())
                .param("path", r.path())
                .param("status", r.status())
                .param("latency", r.latencyMs())
                .param("requestBytes", r.requestBytes())
                .param("responseBytes", r.responseBytes())
                .param("error", r.error())
                .param("actor", r.actor())
                .param("requestId", r.requestId())
                .param("at", ts(r.calledAt()))
                .param("requestBody", r.requestBody())
                .param("responseBody", r.responseBody())
                .update();
    }

    /** Newest first, without bodies. */
    List<Row> search(Filter f, PageRequest page) {
        Map<String, Object> params = new LinkedHashMap<>();
        String sql = pageSql(f, page, params);
        return jdbc.sql(sql).params(params).query(mapper(false)).list();
    }

    /**
     * A page's statement. The keyset condition is a row comparison, which PostgreSQL reads as one
     * range of the (tenant, [connection,] time, id) index, walked backwards in order: the spelled-out
     * {@code t < x OR (t = x AND id < y)} of other lists led its generic plan to a bitmap of the
     * tenant's whole log and a sort.
     */
    static String pageSql(Filter f, PageRequest page, Map<String, Object> params) {
        StringBuilder sql =
                new StringBuilder("SELECT " + LIST_COLUMNS + " FROM provider_calls WHERE ").append(where(f, params));
        if (page.after() != null) {
            sql.append(" AND (called_at, id) < (:pageAt, :pageAfterId)");
            params.put("pageAt", ts(page.after().at()));
            params.put("pageAfterId", page.after().id());
        }
        params.put("pageLimit", page.fetchSize());
        return sql.append(" ORDER BY called_at DESC, id DESC LIMIT :pageLimit").toString();
    }

    /** The WHERE clause of a search; package-private for the plan test. */
    static String where(Filter f, Map<String, Object> params) {
        StringBuilder w = new StringBuilder("tenant_id = :tenant");
        params.put("tenant", f.tenantId());
        if (f.connectionId() != null) {
            w.append(" AND connection_id = :connection");
            params.put("connection", f.connectionId());
        }
        if (f.provider() != null) {
            w.append(" AND provider = :provider");
            params.put("provider", f.provider());
        }
        if (f.origin() != null) {
            w.append(" AND origin = :origin");
            params.put("origin", f.origin());
        }
        if (f.method() != null) {
            w.append(" AND method = :method");
            params.put("method", f.method());
        }
        if (f.noStatus()) w.append(" AND status IS NULL");
        if (f.statusFrom() != null) {
            w.append(" AND status >= :statusFrom AND status < :statusTo");
            params.put("statusFrom", f.statusFrom());
            params.put("statusTo", f.statusTo());
        }
        if (f.pathContains() != null) {
            // LIKE with the caller's text escaped: a search for "100%" finds that text, not everything.
            w.append(" AND path LIKE :path ESCAPE '\\'");
            params.put("path", "%" + escapeLike(f.pathContains()) + "%");
        }
        if (f.since() != null) {
            w.append(" AND called_at >= :since");
            params.put("since", ts(f.since()));
        }
        if (f.until() != null) {
            w.append(" AND called_at < :until");
            params.put("until", ts(f.until()));
        }
        return w.toString();
    }

    static String escapeLike(String s) {
        return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }

    Optional<Row> find(String tenantId, String id) {
        return jdbc.sql("SELECT " + LIST_COLUMNS
                        + ", request_body, response_body FROM provider_calls WHERE tenant_id = :tenant AND id = :id")
                .param("tenant", tenantId)
                .param("id", id)
                .query(mapper(true))
                .optional();
    }

    Optional<Instant> earliest() {
        return jdbc
                .sql("SELECT min(called_at) AS t FROM provider_calls")
                .query((rs, n) -> instant(rs, "t"))
                .list()
                .stream()
                .filter(java.util.Objects::nonNull)
                .findFirst();
    }

    /** Calls made in [from, to), across tenants, for analytics (provider_calls_time_idx). */
    void facts(Instant from, Instant to, java.util.function.Consumer<CallFacts.Call> sink) {
        facts.sql("""
                SELECT tenant_id, connection_id, provider, called_at, status, latency_ms FROM provider_calls
                WHERE called_at >= :from AND called_at < :to
                """).param("from", ts(from)).param("to", ts(to)).query(rs -> {
            sink.accept(new CallFacts.Call(
                    rs.getString("tenant_id"),
                    rs.getString("connection_id"),
                    rs.getString("provider"),
                    instant(rs, "called_at"),
                    (Integer) rs.getObject("status", Integer.class),
                    rs.getLong("latency_ms")));
        });
    }

    static final String OLDEST = """
            SELECT id FROM provider_calls WHERE called_at < :cutoff ORDER BY called_at LIMIT :batch""";

    /** Deletes up to {@code batch} calls made before {@code cutoff}, oldest first; returns how many. */
    int deleteOlderThan(Instant cutoff, int batch) {
        List<String> ids = jdbc.sql(OLDEST)
                .param("cutoff", ts(cutoff))
                .param("batch", batch)
                .query(String.class)
                .list();
        if (ids.isEmpty()) return 0;
        return jdbc.sql("DELETE FROM provider_calls WHERE id IN (:ids)")
                .param("ids", ids)
                .update();
    }

    private static RowMapper<Row> mapper(boolean bodies) {
        return (rs, n) -> new Row(
                rs.getString("id"),
                rs.getString("tenant_id"),
                rs.getString("connection_id"),
                rs.getString("provider"),
                rs.getString("origin"),
                rs.getString("method"),
                rs.getString("path"),
                (Integer) rs.getObject("status"),
                rs.getLong("latency_ms"),
                rs.getLong("request_bytes"),
                rs.getLong("response_bytes"),
                rs.getString("error"),
                rs.getString("actor"),
                rs.getString("request_id"),
                instant(rs, "called_at"),
                bodies ? rs.getString("request_body") : null,
                bodies ? rs.getString("response_body") : null);
    }
}
