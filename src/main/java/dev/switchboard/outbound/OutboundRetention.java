package dev.switchboard.outbound;

import dev.switchboard.common.PollingWorker;
import dev.switchboard.common.Sql;
import java.time.Clock;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Purges outbound history past its retention in small batches (each a short statement or
 * transaction), on a loop of its own so that deliveries never wait behind a long delete. A message
 * is never purged while one of its deliveries is pending or paused.
 */
@Component
class OutboundRetention implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(OutboundRetention.class);
    static final int BATCH = 500;

    private final RetentionRepository purges;
    private final RetentionProperties retention;
    private final Clock clock;
    private final PollingWorker worker;

    OutboundRetention(RetentionRepository purges, RetentionProperties retention, Clock clock) {
        this.purges = purges;
        this.retention = retention;
        this.clock = clock;
        this.worker = new PollingWorker("outbound-retention", retention.interval(), Integer.MAX_VALUE, () -> run(100));
    }

    /** Runs up to {@code maxBatches} batches of each kind; returns the rows deleted. */
    int run(int maxBatches) {
        Instant now = Sql.now(clock);
        int deleted = 0;
        for (int i = 0, n = BATCH; i < maxBatches && n == BATCH; i++) {
            n = purges.purgeIdempotencyKeys(now.minus(retention.idempotencyKeys()), BATCH);
            deleted += n;
        }
        for (int i = 0, n = BATCH; i < maxBatches && n == BATCH; i++) {
            n = purges.purgeAttempts(now.minus(retention.attempts()), BATCH);
            deleted += n;
        }
        // A batch can delete fewer messages than it selected (one resent meanwhile): go on while any went.
        for (int i = 0, n = 1; i < maxBatches && n > 0; i++) {
            n = purges.purgeMessages(now.minus(retention.messages()), BATCH);
            deleted += n;
            if (n < BATCH) break;
        }
        if (deleted > 0) log.info("Outbound retention deleted {} rows", deleted);
        return deleted;
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
}
