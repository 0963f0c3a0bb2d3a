package dev.switchboard.inbound;

import static dev.switchboard.common.Sql.ts;

import dev.switchboard.common.Ids;
import java.time.Instant;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** One row per duplicate delivery of an event, without its body: what analytics counts as duplicates. */
@Repository
class DuplicateRepository {

    private final JdbcClient jdbc;

    DuplicateRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void insert(String tenantId, String sourceId, String eventId, Instant at) {
        jdbc.sql("""
                INSERT INTO inbound_duplicates (id, tenant_id, source_id, event_id, received_at)
                VALUES (:id, :tenant, :source, :event, :at)
                """)
                .param("id", Ids.next("dup"))
                .param("tenant", tenantId)
                .param("source", sourceId)
                .param("event", eventId)
                .param("at", ts(at))
                .update();
    }

    /** Deletes duplicates recorded before {@code cutoff}, at most {@code batch}; returns how many. */
    int deleteOlderThan(Instant cutoff, int batch) {
        return jdbc.sql("""
                DELETE FROM inbound_duplicates
                WHERE id IN (SELECT id FROM inbound_duplicates WHERE received_at < :cutoff ORDER BY received_at LIMIT :batch)
                """).param("cutoff", ts(cutoff)).param("batch", batch).update();
    }

    java.util.Optional<Instant> earliest() {
        return jdbc
                .sql("SELECT min(received_at) AS t FROM inbound_duplicates")
                .query((rs, n) -> dev.switchboard.common.Sql.instant(rs, "t"))
                .list()
                .stream()
                .filter(java.util.Objects::nonNull)
                .findFirst();
    }

    /** Duplicates recorded in [from, to), with their source's provider. */
    void facts(Instant from, Instant to, java.util.function.Consumer<InboundFacts.Fact> sink) {
        jdbc.sql("""
                SELECT d.tenant_id, d.source_id, s.provider, d.received_at
                FROM inbound_duplicates d JOIN sources s ON s.id = d.source_id
                WHERE d.received_at >= :from AND d.received_at < :to
                """).param("from", ts(from)).param("to", ts(to)).query(rs -> {
            sink.accept(new InboundFacts.Fact(
                    InboundFacts.Kind.DUPLICATE,
                    rs.getString("tenant_id"),
                    rs.getString("source_id"),
                    rs.getString("provider"),
                    dev.switchboard.common.Sql.instant(rs, "received_at")));
        });
    }
}
