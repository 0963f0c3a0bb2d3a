package dev.switchboard.inbound;

import static dev.switchboard.common.Sql.instant;
import static dev.switchboard.common.Sql.ts;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The two analytics reads that inbound's fact tables share (events, rejections, duplicates): the
 * oldest {@code received_at}, and the rows of a time window with their source's provider. Each
 * repository names its own table; the table name is always one of ours, never input.
 */
final class FactQueries {

    private FactQueries() {}

    static Optional<Instant> earliest(JdbcClient jdbc, String table) {
        return jdbc.sql("SELECT min(received_at) AS t FROM " + table).query((rs, n) -> instant(rs, "t")).list().stream()
                .filter(Objects::nonNull)
                .findFirst();
    }

    /** Rows of {@code table} that arrived in [from, to), with their source's provider. */
    static void facts(
            JdbcClient jdbc,
            String table,
            InboundFacts.Kind kind,
            Instant from,
            Instant to,
            Consumer<InboundFacts.Fact> sink) {
        jdbc.sql("SELECT x.tenant_id, x.source_id, s.provider, x.received_at FROM " + table
                        + " x JOIN sources s ON s.id = x.source_id"
                        + " WHERE x.received_at >= :from AND x.received_at < :to")
                .param("from", ts(from))
                .param("to", ts(to))
                .query(rs -> {
                    sink.accept(new InboundFacts.Fact(
                            kind,
                            rs.getString("tenant_id"),
                            rs.getString("source_id"),
                            rs.getString("provider"),
                            instant(rs, "received_at")));
                });
    }
}
