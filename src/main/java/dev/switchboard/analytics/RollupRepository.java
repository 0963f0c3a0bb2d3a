package dev.switchboard.analytics;

import static dev.switchboard.common.Sql.instant;
import static dev.switchboard.common.Sql.ts;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The rollup rows and the watermarks of the job that keeps them. */
@Repository
class RollupRepository {

    enum Grain {
        MINUTE,
        HOUR,
        DAY;

        String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private static final String INSERT = """
            INSERT INTO analytics_rollups (tenant_id, grain, bucket, kind, subject_id, provider, received, rejected,
                duplicates, attempts, succeeded, failed, calls, calls_2xx, calls_4xx, calls_5xx, calls_error,
                latency_sum_ms, latency_sketch, calls_3xx)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """;

    static final String SUMS = """
            SELECT kind, sum(received) AS received, sum(rejected) AS rejected, sum(attempts) AS attempts,
                sum(succeeded) AS succeeded
            FROM analytics_rollups
            WHERE tenant_id = :tenant AND grain = :grain AND bucket >= :from AND bucket < :to AND kind IN (:kinds)
            GROUP BY kind
            """;

    private final JdbcClient jdbc;
    private final JdbcTemplate jdbcTemplate;

    RollupRepository(JdbcClient jdbc, JdbcTemplate jdbcTemplate) {
        this.jdbc = jdbc;
        this.jdbcTemplate = jdbcTemplate;
    }

    /**
     * Locks a stream's watermark row for the caller's transaction (creating it the first time) and
     * returns how far the stream is rolled up, or null when it never was.
     */
    Instant lockWatermark(String stream) {
        jdbc.sql(
                        "INSERT INTO analytics_watermarks (stream, rolled_up_to) VALUES (:stream, NULL) ON CONFLICT DO NOTHING")
                .param("stream", stream)
                .update();
        return jdbc.sql("SELECT rolled_up_to FROM analytics_watermarks WHERE stream = :stream FOR UPDATE")
                .param("stream", stream)
                .query((rs, n) -> instant(rs, "rolled_up_to"))
                .list()
                .getFirst();
    }

    Instant watermark(String stream) {
        return jdbc
                .sql("SELECT rolled_up_to FROM analytics_watermarks WHERE stream = :stream")
                .param("stream", stream)
                .query((rs, n) -> instant(rs, "rolled_up_to"))
                .list()
                .stream()
                .filter(java.util.Objects::nonNull)
                .findFirst()
                .orElse(null);
    }

    /** How far a stream's hour rows are built (they are final before it); null when none are. */
    Instant hourRowsTo(String stream) {
        return jdbc
                .sql("SELECT hour_rows_to FROM analytics_watermarks WHERE stream = :stream")
                .param("stream", stream)
                .query((rs, n) -> instant(rs, "hour_rows_to"))
                .list()
                .stream()
                .filter(java.util.Objects::nonNull)
                .findFirst()
                .orElse(null);
    }

    void setHourRowsTo(String stream, Instant to) {
        jdbc.sql("UPDATE analytics_watermarks SET hour_rows_to = :to WHERE stream = :stream")
                .param("stream", stream)
                .param("to", ts(to))
                .update();
    }

    /** The oldest bucket of a grain and these kinds, across tenants; null when there is none. */
    Instant earliest(Grain grain, Collection<Kind> kinds) {
        return jdbc
                .sql("SELECT min(bucket) AS b FROM analytics_rollups WHERE grain = :grain AND kind IN (:kinds)")
                .param("grain", grain.wire())
                .param("kinds", kinds.stream().map(Kind::wire).toList())
                .query((rs, n) -> instant(rs, "b"))
                .list()
                .stream()
                .filter(java.util.Objects::nonNull)
                .findFirst()
                .orElse(null);
    }

    void setWatermark(String stream, Instant to) {
        jdbc.sql("UPDATE analytics_watermarks SET rolled_up_to = :to WHERE stream = :stream")
                .param("stream", stream)
                .param("to", ts(to))
                .update();
    }

    /** Deletes the rows of these kinds and grain with a bucket in [from, to), across tenants. */
    int delete(Grain grain, Collection<Kind> kinds, Instant from, Instant to) {
        return jdbc.sql("""
                        DELETE FROM analytics_rollups
                        WHERE grain = :grain AND kind IN (:kinds) AND bucket >= :from AND bucket < :to
                        """)
                .param("grain", grain.wire())
                .param("kinds", kinds.stream().map(Kind::wire).toList())
                .param("from", ts(from))
                .param("to", ts(to))
                .update();
    }

    /**
     * Deletes up to {@code limit} rows of a grain and these kinds with a bucket before {@code cutoff},
     * across tenants (retention); returns how many.
     */
    int deleteOlderThan(Grain grain, Collection<Kind> kinds, Instant cutoff, int limit) {
        if (limit <= 0) return 0;
        return jdbc.sql("""
                        DELETE FROM analytics_rollups
                        WHERE (tenant_id, grain, bucket, kind, subject_id, provider) IN (
                            SELECT tenant_id, grain, bucket, kind, subject_id, provider FROM analytics_rollups
                            WHERE grain = :grain AND kind IN (:kinds) AND bucket < :cutoff
                            ORDER BY bucket LIMIT :limit)
                        """)
                .param("grain", grain.wire())
                .param("kinds", kinds.stream().map(Kind::wire).toList())
                .param("cutoff", ts(cutoff))
                .param("limit", limit)
                .update();
    }

    /**
     * Inserts rows in batches; {@code afterBatch} is told how many are written so far (a test injects
     * a crash there).
     */
    void insert(Grain grain, Map<Buckets.Key, Tally> rows, java.util.function.IntConsumer afterBatch) {
        List<Map.Entry<Buckets.Key, Tally>> list = new ArrayList<>(rows.entrySet());
        int batch = 500;
        for (int i = 0; i < list.size(); i += batch) {
            List<Map.Entry<Buckets.Key, Tally>> part = list.subList(i, Math.min(list.size(), i + batch));
            jdbcTemplate.batchUpdate(INSERT, part, part.size(), (ps, e) -> bind(ps, grain, e.getKey(), e.getValue()));
            afterBatch.accept(i + part.size());
        }
    }

    private static void bind(PreparedStatement ps, Grain grain, Buckets.Key k, Tally t) throws SQLException {
        boolean calls = k.kind() == Kind.CONNECTION;
        ps.setString(1, k.tenantId());
        ps.setString(2, grain.wire());
        ps.setObject(3, ts(k.bucket()));
        ps.setString(4, k.kind().wire());
        ps.setString(5, k.subjectId());
        ps.setString(6, k.provider());
        ps.setLong(7, t.received);
        ps.setLong(8, t.rejected);
        ps.setLong(9, t.duplicates);
        ps.setLong(10, t.attempts);
        ps.setLong(11, t.succeeded);
        ps.setLong(12, t.failed);
        ps.setLong(13, t.calls);
        ps.setLong(14, t.calls2xx);
        ps.setLong(15, t.calls4xx);
        ps.setLong(16, t.calls5xx);
        ps.setLong(17, t.callsError);
        ps.setLong(18, calls ? t.callLatencySum : t.deliveryLatencySum);
        byte[] sketch = (calls ? t.callLatency : t.deliveryLatency).encode();
        if (sketch == null) ps.setNull(19, Types.BINARY);
        else ps.setBytes(19, sketch);
        ps.setLong(20, t.calls3xx);
    }

    /**
     * One tenant's counts (received, rejected, attempts, succeeded) in the rows of a grain and these
     * kinds with a bucket in [from, to), summed per kind: one aggregate over a range of the primary key
     * (tenant, grain, bucket), reading no sketch. For the hub's cards, which need no percentiles.
     */
    Map<Kind, Tally> sums(Grain grain, String tenantId, Collection<Kind> kinds, Instant from, Instant to) {
        Map<Kind, Tally> out = new java.util.EnumMap<>(Kind.class);
        jdbc.sql(SUMS)
                .param("tenant", tenantId)
                .param("grain", grain.wire())
                .param("from", ts(from))
                .param("to", ts(to))
                .param("kinds", kinds.stream().map(Kind::wire).toList())
                .query(rs -> {
                    Tally t = out.computeIfAbsent(Kind.fromWire(rs.getString("kind")), k -> new Tally());
                    t.received += rs.getLong("received");
                    t.rejected += rs.getLong("rejected");
                    t.attempts += rs.getLong("attempts");
                    t.succeeded += rs.getLong("succeeded");
                });
        return out;
    }

    /**
     * Adds each row of a grain with a bucket in [from, to) into the tally {@code into} gives for its key:
     * one tenant's (tenantId non-null) or, for the job, those of the given kinds across tenants. Each
     * row's sketch is decoded straight into that tally (no sketch per row), so merging many rows into
     * few tallies costs one decode per row.
     */
    void forEach(
            Grain grain,
            String tenantId,
            Collection<Kind> kinds,
            Instant from,
            Instant to,
            java.util.function.Function<Buckets.Key, Tally> into) {
        String where = "grain = :grain AND bucket >= :from AND bucket < :to"
                + (tenantId != null ? " AND tenant_id = :tenant" : "")
                + (kinds != null ? " AND kind IN (:kinds)" : "");
        var spec = jdbc.sql("SELECT * FROM analytics_rollups WHERE " + where)
                .param("grain", grain.wire())
                .param("from", ts(from))
                .param("to", ts(to));
        if (tenantId != null) spec = spec.param("tenant", tenantId);
        if (kinds != null)
            spec = spec.param("kinds", kinds.stream().map(Kind::wire).toList());
        spec.query(rs -> {
            Kind kind = Kind.fromWire(rs.getString("kind"));
            var key = new Buckets.Key(
                    rs.getString("tenant_id"),
                    instant(rs, "bucket"),
                    kind,
                    rs.getString("subject_id"),
                    rs.getString("provider"));
            Tally t = into.apply(key);
            t.received += rs.getLong("received");
            t.rejected += rs.getLong("rejected");
            t.duplicates += rs.getLong("duplicates");
            t.attempts += rs.getLong("attempts");
            t.succeeded += rs.getLong("succeeded");
            t.failed += rs.getLong("failed");
            t.calls += rs.getLong("calls");
            t.calls2xx += rs.getLong("calls_2xx");
            t.calls3xx += rs.getLong("calls_3xx");
            t.calls4xx += rs.getLong("calls_4xx");
            t.calls5xx += rs.getLong("calls_5xx");
            t.callsError += rs.getLong("calls_error");
            if (kind == Kind.CONNECTION) {
                t.callLatencySum += rs.getLong("latency_sum_ms");
                t.callLatency.mergeEncoded(rs.getBytes("latency_sketch"));
            } else {
                t.deliveryLatencySum += rs.getLong("latency_sum_ms");
                t.deliveryLatency.mergeEncoded(rs.getBytes("latency_sketch"));
            }
        });
    }
}
