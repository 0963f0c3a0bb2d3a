package dev.switchboard.outbound;

import static dev.switchboard.common.Sql.ts;

import java.time.Instant;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;

/** The purge statements of outbound history: each deletes one small batch, oldest first. */
@Repository
class RetentionRepository {

    /** Messages past retention none of whose deliveries still waits to be sent (pending, or paused with its endpoint). */
    static final String DONE_MESSAGES = """
            SELECT m.id FROM messages m
            WHERE m.created_at < :cutoff
              AND NOT EXISTS (SELECT 1 FROM deliveries d
                              WHERE d.message_id = m.id AND d.status IN ('pending', 'paused'))
            ORDER BY m.created_at LIMIT :batch""";

    static final String OLD_ATTEMPTS = """
            SELECT id FROM delivery_attempts WHERE attempted_at < :cutoff ORDER BY attempted_at LIMIT :batch""";

    static final String OLD_KEYS = """
            SELECT tenant_id, idem_key FROM message_idempotency WHERE created_at < :cutoff
            ORDER BY created_at LIMIT :batch""";

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;

    RetentionRepository(JdbcClient jdbc, TransactionTemplate tx) {
        this.jdbc = jdbc;
        this.tx = tx;
    }

    /**
     * Deletes up to {@code batch} messages created before {@code cutoff} whose deliveries are all
     * done, with their attempts, deliveries and keys, in one short transaction; returns how many.
     */
    int purgeMessages(Instant cutoff, int batch) {
        Integer n = tx.execute(s -> {
            List<String> ids = jdbc.sql(DONE_MESSAGES)
                    .param("cutoff", ts(cutoff))
                    .param("batch", batch)
                    .query(String.class)
                    .list();
            if (ids.isEmpty()) return 0;
            jdbc.sql("DELETE FROM delivery_attempts WHERE message_id IN (:ids)")
                    .param("ids", ids)
                    .update();
            // A delivery that became pending again meanwhile (a resend) keeps its message: only done
            // deliveries go, and a message that still has one stays.
            jdbc.sql("DELETE FROM deliveries WHERE message_id IN (:ids) AND status NOT IN ('pending', 'paused')")
                    .param("ids", ids)
                    .update();
            jdbc.sql("DELETE FROM message_idempotency WHERE message_id IN (:ids)")
                    .param("ids", ids)
                    .update();
            return jdbc.sql("""
                    DELETE FROM messages WHERE id IN (:ids)
                      AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.message_id = messages.id)""").param("ids", ids).update();
        });
        return n == null ? 0 : n;
    }

    /** Deletes up to {@code batch} attempt records made before {@code cutoff}; returns how many. */
    int purgeAttempts(Instant cutoff, int batch) {
        List<String> ids = jdbc.sql(OLD_ATTEMPTS)
                .param("cutoff", ts(cutoff))
                .param("batch", batch)
                .query(String.class)
                .list();
        if (ids.isEmpty()) return 0;
        return jdbc.sql("DELETE FROM delivery_attempts WHERE id IN (:ids)")
                .param("ids", ids)
                .update();
    }

    /** Deletes up to {@code batch} Idempotency-Keys recorded before {@code cutoff}; returns how many. */
    int purgeIdempotencyKeys(Instant cutoff, int batch) {
        return jdbc.sql("DELETE FROM message_idempotency WHERE created_at < :cutoff AND (tenant_id, idem_key) IN ("
                        + OLD_KEYS + ")")
                .param("cutoff", ts(cutoff))
                .param("batch", batch)
                .update();
    }
}
