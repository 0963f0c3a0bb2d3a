package dev.switchboard.outbound;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.switchboard.common.Ids;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Stores a message and one delivery per subscribed endpoint whose filter matches. Call inside a
 * transaction: the message counts as accepted only if all of it commits. Used by the messages API,
 * for inbound events and for Switchboard's own operational events.
 */
@Component
class Publisher {

    /** Types Switchboard emits about itself; only endpoints that name them receive them. */
    static final String OPERATIONAL_PREFIX = "switchboard.";

    private final DeliveryRepository deliveries;
    private final EndpointRepository endpoints;
    private final JsonMapper json;
    /** Parsed filters by their text: every message meets every filter of its tenant. */
    private final Cache<String, Filter> filters =
            Caffeine.newBuilder().maximumSize(10_000).build();

    Publisher(DeliveryRepository deliveries, EndpointRepository endpoints, JsonMapper json) {
        this.deliveries = deliveries;
        this.endpoints = endpoints;
        this.json = json;
    }

    /** Returns how many endpoints the message goes to. */
    int publish(String messageId, String tenantId, String eventType, byte[] payload, String orderingKey, Instant now) {
        return publish(
                messageId,
                tenantId,
                eventType,
                payload,
                orderingKey,
                null,
                endpoints.subscribers(tenantId, eventType),
                now);
    }

    /**
     * The rows of a batch of forwarded messages, written together by {@link #flush}, and each tenant's
     * and type's subscribers, looked up once per batch.
     */
    static final class Batch {
        private final Map<String, List<Endpoint>> subscribers = new HashMap<>();
        private final List<DeliveryRepository.Message> messages = new ArrayList<>();
        private final List<DeliveryRepository.NewDelivery> deliveries = new ArrayList<>();

        /** Deliveries added since the last flush. */
        int deliveries() {
            return deliveries.size();
        }
    }

    /**
     * The same, but a type nobody subscribes to makes no message at all, and its payload is not even
     * built (inbound events, most of which no endpoint wants). Returns 0 then. With {@code
     * exactTypeOnly}, only endpoints that name the type receive it, not those that take every type
     * (unverified inbound events, which anyone who knows the ingest URL can make up). An endpoint that
     * names {@code canonicalType} (null: none) receives it as well, under its own type. The message
     * and its deliveries are added to {@code batch}, to be written by {@link #flush} with the batch's
     * others (two statements for the whole batch), and the subscribers of each tenant and type are
     * looked up once per batch. {@code inboundEventId}: the forwarded event, kept on the message.
     */
    int publishIfSubscribed(
            String messageId,
            String inboundEventId,
            String tenantId,
            String eventType,
            String canonicalType,
            boolean exactTypeOnly,
            java.util.function.Supplier<byte[]> payload,
            String orderingKey,
            String provider,
            Instant now,
            Batch batch) {
        List<Endpoint> subscribers = batch.subscribers.computeIfAbsent(
                tenantId + '\u0000' + eventType + '\u0000' + canonicalType,
                k -> endpoints.subscribers(tenantId, eventType, canonicalType));
        if (exactTypeOnly) {
            subscribers = subscribers.stream()
                    .filter(e -> e.eventTypes().contains(eventType))
                    .toList();
        }
        if (subscribers.isEmpty()) return 0;
        return add(
                batch,
                new DeliveryRepository.Message(
                        messageId, tenantId, eventType, payload.get(), orderingKey, now, provider, inboundEventId),
                subscribers);
    }

    /** Writes what {@code batch} holds (messages first, then their deliveries) and empties it. */
    void flush(Batch batch) {
        deliveries.insertMessages(batch.messages);
        deliveries.insertDeliveries(batch.deliveries);
        batch.messages.clear();
        batch.deliveries.clear();
    }

    private int publish(
            String messageId,
            String tenantId,
            String eventType,
            byte[] payload,
            String orderingKey,
            String provider,
            List<Endpoint> subscribers,
            Instant now) {
        Batch batch = new Batch();
        int fanOut = add(
                batch,
                new DeliveryRepository.Message(messageId, tenantId, eventType, payload, orderingKey, now, provider),
                subscribers);
        flush(batch);
        return fanOut;
    }

    private int add(Batch batch, DeliveryRepository.Message m, List<Endpoint> subscribers) {
        batch.messages.add(m);
        JsonNode tree = null;
        int fanOut = 0;
        for (Endpoint e : subscribers) {
            if (e.filter() != null) {
                if (tree == null) tree = json.readTree(m.payload());
                Filter f = filters.get(e.filter(), text -> Filter.parse("filter", json.readTree(text)));
                if (!f.matches(tree)) continue;
            }
            batch.deliveries.add(new DeliveryRepository.NewDelivery(
                    Ids.next("dlv"),
                    m.tenantId(),
                    m.id(),
                    e.id(),
                    e.ordered() ? m.orderingKey() : null,
                    !e.active(),
                    m.createdAt()));
            fanOut++;
        }
        return fanOut;
    }

    /** A message for one endpoint only, whatever it subscribes to (the endpoint test event). */
    void publishTo(Endpoint e, String messageId, String eventType, byte[] payload, Instant now) {
        deliveries.insertMessages(
                List.of(new DeliveryRepository.Message(messageId, e.tenantId(), eventType, payload, null, now, null)));
        deliveries.insertDeliveries(List.of(new DeliveryRepository.NewDelivery(
                Ids.next("dlv"), e.tenantId(), messageId, e.id(), null, !e.active(), now)));
    }
}
