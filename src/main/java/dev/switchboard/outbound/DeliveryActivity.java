package dev.switchboard.outbound;

import dev.switchboard.common.ActivitySource;
import dev.switchboard.common.Cursor;
import dev.switchboard.common.PageRequest;
import java.time.Instant;
import java.util.List;
import org.springframework.stereotype.Component;

/** Delivery attempts in the activity feed: one entry per attempt, its outcome as the status. */
@Component
class DeliveryActivity implements ActivitySource {

    private final DeliveryRepository deliveries;

    DeliveryActivity(DeliveryRepository deliveries) {
        this.deliveries = deliveries;
    }

    @Override
    public String type() {
        return "delivery";
    }

    @Override
    public List<Entry> page(String tenantId, Instant beforeAt, String beforeId, Instant since, int limit) {
        var page = new PageRequest(limit, beforeAt == null ? null : new Cursor(beforeAt, beforeId));
        return deliveries.attemptsOfTenant(tenantId, since, page).stream()
                .limit(limit)
                .map(a -> new Entry(
                        type(),
                        a.id(),
                        a.attemptedAt(),
                        a.endpointId(),
                        a.outcome().equals("SUCCESS") ? "succeeded" : "failed",
                        "message " + a.messageId()
                                + (a.statusCode() == null ? " (" + a.outcome() + ")" : " → " + a.statusCode())))
                .toList();
    }
}
