package dev.switchboard.audit;

import dev.switchboard.common.RetentionWorker;
import java.time.Clock;
import java.util.List;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Deletes entries older than the retention (default 5 years), in small batches, each its own short
 * transaction (on PostgreSQL the append-only trigger admits the DELETE only in a transaction that
 * declared itself the purge), on a loop of its own like the inbound retention.
 */
@Component
class AuditRetention extends RetentionWorker {

    AuditRetention(AuditRepository entries, AuditProperties properties, TransactionTemplate tx, Clock clock) {
        super(
                "audit-retention",
                properties.retentionInterval(),
                clock,
                List.of(new Purge("entries", properties.retention(), (cutoff, limit) -> {
                    Integer batch = tx.execute(s -> entries.purgeOlderThan(cutoff, limit));
                    return batch == null ? 0 : batch;
                })));
    }
}
