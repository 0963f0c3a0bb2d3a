package dev.switchboard.outbound;

import dev.switchboard.common.BacklogSource;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.springframework.stereotype.Component;

/** Deliveries due now and how long the oldest has waited; deliveries given up on in the last hour. */
@Component
class DeliveryBacklog implements BacklogSource {

    private final DeliveryRepository deliveries;

    DeliveryBacklog(DeliveryRepository deliveries) {
        this.deliveries = deliveries;
    }

    @Override
    public List<Backlog> backlog(Instant now) {
        return List.of(
                deliveries.due(now),
                new Backlog(
                        "outbound.dead-letters.last-hour",
                        deliveries.deadLettersSince(now.minus(Duration.ofHours(1))),
                        null));
    }
}
