package dev.switchboard.inbound;

import dev.switchboard.common.RetentionWorker;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Purges raw bodies (and the record of rejected requests) after {@code rawRetention} and whole events
 * after {@code metadataRetention}, in
 * small batches (each its own short statement) so that ingest is never blocked behind a long delete.
 * Events still awaiting processing are never purged. It runs on a loop of its own, so a long purge
 * delays no other background work.
 */
@Component
class Retention extends RetentionWorker {

    Retention(
            EventRepository events,
            RejectionRepository rejections,
            DuplicateRepository duplicates,
            InboundProperties properties,
            Clock clock,
            @Value("${switchboard.inbound.retention-interval:PT10M}") Duration interval) {
        super(
                "inbound-retention",
                interval,
                clock,
                List.of(
                        // The cutoff plus the retention is the run's "now", stamped as the purge time.
                        new Purge(
                                "event bodies",
                                properties.rawRetention(),
                                (cutoff, limit) ->
                                        events.purgeBodies(cutoff, limit, cutoff.plus(properties.rawRetention()))),
                        new Purge("rejections", properties.rawRetention(), rejections::deleteOlderThan),
                        new Purge("duplicates", properties.rawRetention(), duplicates::deleteOlderThan),
                        new Purge("events", properties.metadataRetention(), events::deleteOlderThan)));
    }
}
