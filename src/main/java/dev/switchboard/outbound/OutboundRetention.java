package dev.switchboard.outbound;

import dev.switchboard.common.RetentionWorker;
import java.time.Clock;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * Purges outbound history past its retention in small batches (each a short statement or
 * transaction), on a loop of its own so that deliveries never wait behind a long delete. A message
 * is never purged while one of its deliveries is pending or paused.
 */
@Component
class OutboundRetention extends RetentionWorker {

    OutboundRetention(RetentionRepository purges, RetentionProperties retention, Clock clock) {
        super(
                "outbound-retention",
                retention.interval(),
                clock,
                List.of(
                        new Purge("idempotency keys", retention.idempotencyKeys(), purges::purgeIdempotencyKeys),
                        new Purge("attempts", retention.attempts(), purges::purgeAttempts),
                        // A batch can delete fewer messages than it selected (one resent meanwhile stays):
                        // that short batch ends this run's message purge, and the rest goes next run.
                        new Purge("messages", retention.messages(), purges::purgeMessages)));
    }
}
