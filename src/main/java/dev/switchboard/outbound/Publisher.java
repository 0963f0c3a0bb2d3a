package dev.switchboard.outbound;

import dev.switchboard.common.Ids;
import java.time.Instant;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * Stores a message and one delivery per subscribed endpoint. Call inside a transaction: the
 * message counts as accepted only if all of it commits. Used by the messages API and for
 * Switchboard's own operational events.
 */
@Component
class Publisher {

    /** Types Switchboard emits about itself; only endpoints that name them receive them. */
    static final String OPERATIONAL_PREFIX = "switchboard.";

    private final DeliveryRepository deliveries;
    private final EndpointRepository endpoints;

    Publisher(DeliveryRepository deliveries, EndpointRepository endpoints) {
        this.deliveries = deliveries;
        this.endpoints = endpoints;
    }

    /** Returns how many endpoints the message goes to. */
    int publish(String messageId, String tenantId, String eventType, byte[] payload, Instant now) {
        deliveries.insertMessage(new DeliveryRepository.Message(messageId, tenantId, eventType, payload, now));
        List<Endpoint> subscribers = endpoints.subscribers(tenantId, eventType);
        for (Endpoint e : subscribers) {
            deliveries.insertDelivery(
                    Ids.next("dlv"), tenantId, messageId, e.id(), !e.status().equals("active"), now);
        }
        return subscribers.size();
    }
}
