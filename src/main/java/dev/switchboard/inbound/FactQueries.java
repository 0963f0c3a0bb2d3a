package dev.switchboard.inbound;

import static dev.switchboard.common.Sql.instant;
import static dev.switchboard.common.Sql.ts;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The analytics reads over inbound's fact tables (events, rejections, duplicates): the oldest {@code
 * received_at} of one table, and the three tables' counts per tenant, source, provider and minute.
 * Table names are always ours, never input.
 */
final class FactQueries {

    private FactQueries() {}

    static Optional<Instant> earliest(JdbcClient jdbc, String table) {
        return jdbc.sql("SELECT min(received_at) AS t FROM " + table).query((rs, n) -> instant(rs, "t")).list().stream()
                .filter(Objects::nonNull)
                .findFirst();
    }

    /**
     * Counts per tenant, source, provider and minute of what arrived in [from, to): one row per group,
     * so the rollup job reads as many rows as it writes, not one per request. Each table is counted on
     * its {@code received_at} index range first; rejections and duplicates take their source's
     * provider (an event has its own), joined after counting, so once per group rather than per row.
     * {@code date_trunc('minute', …)} is the same minute on both databases whatever the session's time
     * zone, since zone offsets are whole minutes.
     */
    static final String MINUTES = """
            SELECT tenant_id, source_id, provider, bucket,
                   sum(received) AS received, sum(rejected) AS rejected, sum(duplicates) AS duplicates
            FROM (
                SELECT tenant_id, source_id, provider, date_trunc('minute', received_at) AS bucket,
                       count(*) AS received, 0 AS rejected, 0 AS duplicates
                FROM inbound_events
                WHERE received_at >= :from AND received_at < :to
                GROUP BY tenant_id, source_id, provider, date_trunc('minute', received_at)
              UNION ALL
                SELECT r.tenant_id, r.source_id, s.provider, r.bucket, 0, r.n, 0
                FROM (SELECT tenant_id, source_id, date_trunc('minute', received_at) AS bucket, count(*) AS n
                      FROM inbound_rejections
                      WHERE received_at >= :from AND received_at < :to
                      GROUP BY tenant_id, source_id, date_trunc('minute', received_at)) r
                JOIN sources s ON s.id = r.source_id
              UNION ALL
                SELECT d.tenant_id, d.source_id, s.provider, d.bucket, 0, 0, d.n
                FROM (SELECT tenant_id, source_id, date_trunc('minute', received_at) AS bucket, count(*) AS n
                      FROM inbound_duplicates
                      WHERE received_at >= :from AND received_at < :to
                      GROUP BY tenant_id, source_id, date_trunc('minute', received_at)) d
                JOIN sources s ON s.id = d.source_id
            ) f
            GROUP BY tenant_id, source_id, provider, bucket
            """;

    static void minutes(JdbcClient jdbc, Instant from, Instant to, Consumer<InboundFacts.Minute> sink) {
        jdbc.sql(MINUTES).param("from", ts(from)).param("to", ts(to)).query(rs -> {
            sink.accept(new InboundFacts.Minute(
                    rs.getString("tenant_id"),
                    rs.getString("source_id"),
                    rs.getString("provider"),
                    instant(rs, "bucket"),
                    rs.getLong("received"),
                    rs.getLong("rejected"),
                    rs.getLong("duplicates")));
        });
    }
}
