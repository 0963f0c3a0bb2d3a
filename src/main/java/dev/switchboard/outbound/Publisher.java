package dev.switchboard.outbound;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.switchboard.common.Ids;
import java.time.Instant;
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
     * The same, but a type nobody subscribes to makes no message at all, and its payload is not even
     * built (inbound events, most of which no endpoint wants). Returns 0 then. With {@code
     * exactTypeOnly}, only endpoints that name the type receive it, not those that take every type
     * (unverified inbound events, which anyone who knows the ingest URL can make up). An endpoint that
     * names {@code canonicalType} (null: none) receives it as well, under its own type. The subscribers
     * of each tenant and type are looked up once per {@code memo}: a batch of inbound events shares one,
     * so its events of one type cost one endpoint query.
     */
    int publishIfSubscribed(
            String messageId,
            String tenantId,
            String eventType,
            String canonicalType,
            boolean exactTypeOnly,
            java.util.function.Supplier<byte[]> payload,
            String orderingKey,
            String provider,
            Instant now,
            Map<String, List<Endpoint>> memo) {
        List<Endpoint> subscribers = memo.computeIfAbsent(
                tenantId + '\u0000' + eventType + '\u0000' + canonicalType,
                k -> endpoints.subscribers(tenantId, eventType, canonicalType));
        if (exactTypeOnly) {
            subscribers = subscribers.stream()
                    .filter(e -> e.eventTypes().contains(eventType))
                    .toList();
        }
        if (subscribers.isEmpty()) return 0;
        return publish(messageId, tenantId, eventType, payload.get(), orderingKey, provider, subscribers, now);
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
        deliveries.insertMessage(
                new DeliveryRepository.Message(messageId, tenantId, eventType, payload, orderingKey, now, provider));
        JsonNode tree = null;
        int fanOut = 0;
        for (Endpoint e : subscribers) {
            if (e.filter() != null) {
                if (tree == null) tree = json.readTree(payload);
                Filter f = filters.get(e.filter(), text -> Filter.parse("filter", json.readTree(text)));
                if (!f.matches(tree)) continue;
            }
            deliveries.insertDelivery(
                    Ids.next("dlv"), tenantId, messageId, e.id(), e.ordered() ? orderingKey : null, !e.active(), now);
            fanOut++;
        }
        return fanOut;
    }

    /** A message for one endpoint only, whatever it subscribes to (the endpoint test event). */
    void publishTo(Endpoint e, String messageId, String eventType, byte[] payload, Instant now) {
        deliveries.insertMessage(
                new DeliveryRepository.Message(messageId, e.tenantId(), eventType, payload, null, now, null));
        deliveries.insertDelivery(Ids.next("dlv"), e.tenantId(), messageId, e.id(), null, !e.active(), now);
    }
}
