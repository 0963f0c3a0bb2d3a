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
        return FactQueries.earliest(jdbc, "inbound_duplicates");
    }
}
