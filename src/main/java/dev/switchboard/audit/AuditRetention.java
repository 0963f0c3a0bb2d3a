package dev.switchboard.audit;

import dev.switchboard.common.PollingWorker;
import dev.switchboard.common.Sql;
import java.time.Clock;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Deletes entries older than the retention (default 5 years), in small batches, each its own short
 * transaction (on PostgreSQL the append-only trigger admits the DELETE only in a transaction that
 * declared itself the purge), on a loop of its own like the inbound retention.
 */
@Component
class AuditRetention implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(AuditRetention.class);
    static final int BATCH = 500;

    private final AuditRepository entries;
    private final AuditProperties properties;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final PollingWorker worker;

    AuditRetention(AuditRepository entries, AuditProperties properties, TransactionTemplate tx, Clock clock) {
        this.entries = entries;
        this.properties = properties;
        this.tx = tx;
        this.clock = clock;
        // Each run does up to 100 batches; the next waits for the interval.
        this.worker =
                new PollingWorker("audit-retention", properties.retentionInterval(), Integer.MAX_VALUE, () -> run(100));
    }

    @Override
    public void start() {
        worker.start();
    }

    @Override
    public void stop() {
        worker.stop();
    }

    @Override
    public boolean isRunning() {
        return worker.running();
    }

    /** Runs up to {@code maxBatches} batches; returns the entries deleted. */
    int run(int maxBatches) {
        Instant cutoff = Sql.now(clock).minus(properties.retention());
        int deleted = 0;
        for (int i = 0, n = BATCH; i < maxBatches && n == BATCH; i++) {
            Integer batch = tx.execute(s -> entries.purgeOlderThan(cutoff, BATCH));
            n = batch == null ? 0 : batch;
            deleted += n;
        }
        if (deleted > 0) log.info("Audit retention deleted {} entries older than {}", deleted, cutoff);
        return deleted;
    }
}
