package dev.switchboard.outbound;

import dev.switchboard.common.ApiException;
import dev.switchboard.common.Sql;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.stereotype.Service;

/**
 * Reading a tenant's outbound messages and resending one delivery: the use cases behind the messages
 * API and the dashboard's outbound log. Callers pass a tenant they have already been allowed to see.
 */
@Service
class MessageLog {

    /** A message in the log, with where each of its deliveries stands. */
    record Entry(DeliveryRepository.Message message, List<DeliveryRepository.Delivery> deliveries) {}

    /** A message in full: its deliveries and every attempt, oldest first. */
    record Detail(
            DeliveryRepository.Message message,
            List<DeliveryRepository.Delivery> deliveries,
            List<DeliveryRepository.Attempt> attempts) {}

    private final DeliveryRepository deliveries;
    private final DeliveryEngine engine;
    private final Clock clock;

    MessageLog(DeliveryRepository deliveries, DeliveryEngine engine, Clock clock) {
        this.deliveries = deliveries;
        this.engine = engine;
        this.clock = clock;
    }

    /** Messages found by {@link Deliveries#messages}, each with where its deliveries stand (one query for all). */
    List<Entry> entries(String tenant, List<DeliveryRepository.MessageItem> messages) {
        Map<String, List<DeliveryRepository.Delivery>> byMessage =
                deliveries
                        .deliveriesOf(
                                tenant,
                                messages.stream()
                                        .map(DeliveryRepository.MessageItem::id)
                                        .toList())
                        .stream()
                        .collect(Collectors.groupingBy(DeliveryRepository.Delivery::messageId));
        return messages.stream()
                .map(m -> new Entry(
                        new DeliveryRepository.Message(
                                m.id(), tenant, m.eventType(), null, m.orderingKey(), m.createdAt(), m.provider()),
                        byMessage.getOrDefault(m.id(), List.of())))
                .toList();
    }

    DeliveryRepository.Message message(String tenant, String id) {
        return deliveries.findMessage(tenant, id).orElseThrow(() -> ApiException.notFound("message"));
    }

    Detail detail(String tenant, String id) {
        var m = message(tenant, id);
        return new Detail(m, deliveries.deliveriesOf(id), deliveries.attemptsOfMessage(tenant, id));
    }

    /** Queues one delivery again, now; refused while it is being sent, or it would go twice at once. */
    void resend(String tenant, String id, String endpoint) {
        switch (deliveries.resend(tenant, id, endpoint, Sql.now(clock))) {
            case QUEUED -> {}
            case NOT_FOUND -> throw ApiException.notFound("delivery");
            case IN_FLIGHT -> throw ApiException.conflict("The delivery is being sent now; resend it once it ends");
        }
        engine.wake();
    }
}
