package dev.switchboard.inbound;

import dev.switchboard.common.PollingWorker;
import dev.switchboard.common.Sql;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Purges raw bodies (and the record of rejected requests) after {@code rawRetention} and whole events
 * after {@code metadataRetention}, in
 * small batches (each its own short statement) so that ingest is never blocked behind a long delete.
 * Events still awaiting processing are never purged. It runs on a loop of its own, so a long purge
 * delays no other background work.
 */
@Component
class Retention implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(Retention.class);
    static final int BATCH = 500;

    private final EventRepository events;
    private final RejectionRepository rejections;
    private final DuplicateRepository duplicates;
    private final InboundProperties properties;
    private final Clock clock;
    private final PollingWorker worker;

    Retention(
            EventRepository events,
            RejectionRepository rejections,
            DuplicateRepository duplicates,
            InboundProperties properties,
            Clock clock,
            @Value("${switchboard.inbound.retention-interval:PT10M}") Duration interval) {
        this.events = events;
        this.rejections = rejections;
        this.duplicates = duplicates;
        this.properties = properties;
        this.clock = clock;
        // Each run does up to 100 batches of each kind; the next waits for the interval.
        this.worker = new PollingWorker("inbound-retention", interval, Integer.MAX_VALUE, () -> run(100));
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

    /** Runs up to {@code maxBatches} batches of each kind; returns the rows touched. */
    int run(int maxBatches) {
        Instant now = Sql.now(clock);
        int touched = 0;
        for (int i = 0, n = BATCH; i < maxBatches && n == BATCH; i++) {
            n = events.purgeBodies(now.minus(properties.rawRetention()), BATCH, now);
            touched += n;
        }
        for (int i = 0, n = BATCH; i < maxBatches && n == BATCH; i++) {
            n = rejections.deleteOlderThan(now.minus(properties.rawRetention()), BATCH);
            touched += n;
        }
        for (int i = 0, n = BATCH; i < maxBatches && n == BATCH; i++) {
            n = duplicates.deleteOlderThan(now.minus(properties.rawRetention()), BATCH);
            touched += n;
        }
        for (int i = 0, n = BATCH; i < maxBatches && n == BATCH; i++) {
            n = events.deleteOlderThan(now.minus(properties.metadataRetention()), BATCH);
            touched += n;
        }
        if (touched > 0) log.info("Inbound retention purged or deleted {} events", touched);
        return touched;
    }
}
