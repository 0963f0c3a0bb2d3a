package dev.switchboard.inbound;

import dev.switchboard.common.Sql;
import java.time.Clock;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Purges raw bodies (and the record of rejected requests) after {@code rawRetention} and whole events
 * after {@code metadataRetention}, in
 * small batches (each its own short statement) so that ingest is never blocked behind a long delete.
 * Events still awaiting processing are never purged.
 */
@Component
class Retention {

    private static final Logger log = LoggerFactory.getLogger(Retention.class);
    static final int BATCH = 500;

    private final EventRepository events;
    private final RejectionRepository rejections;
    private final InboundProperties properties;
    private final Clock clock;

    Retention(EventRepository events, RejectionRepository rejections, InboundProperties properties, Clock clock) {
        this.events = events;
        this.rejections = rejections;
        this.properties = properties;
        this.clock = clock;
    }

    @Scheduled(fixedDelayString = "${switchboard.inbound.retention-interval:PT10M}", initialDelayString = "PT1M")
    void scheduled() {
        try {
            run(100);
        } catch (RuntimeException e) {
            log.warn("Inbound retention run failed; will retry", e);
        }
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
            n = events.deleteOlderThan(now.minus(properties.metadataRetention()), BATCH);
            touched += n;
        }
        if (touched > 0) log.info("Inbound retention purged or deleted {} events", touched);
        return touched;
    }
}
