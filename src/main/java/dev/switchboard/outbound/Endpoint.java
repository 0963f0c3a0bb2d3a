package dev.switchboard.outbound;

import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * A customer's webhook receiver. {@code eventTypes} empty means every type. Static header values
 * live in the vault; only their names are here.
 *
 * @param filter the content filter as JSON text, or null for every message
 * @param rateLimitPerSecond deliveries per second across the cluster, or null for no limit
 * @param maxConcurrency deliveries in flight across the cluster, or null for the node's default
 * @param ordered whether messages with the same ordering key go one at a time, in order
 * @param format {@code standard-webhooks}, {@code cloudevents-structured} or {@code cloudevents-binary}
 */
record Endpoint(
        String id,
        String tenantId,
        String url,
        String description,
        List<String> eventTypes,
        List<String> headerNames,
        String filter,
        Integer rateLimitPerSecond,
        Integer maxConcurrency,
        boolean ordered,
        String format,
        Endpoint.Status status,
        String disabledReason,
        Instant previousSecretExpiresAt,
        Instant createdAt,
        Instant updatedAt) {

    /** The {@code endpoints.status} column; deleted endpoints are never shown. */
    enum Status {
        ACTIVE,
        DISABLED,
        DELETED;

        String wire() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Status fromWire(String value) {
            return valueOf(value.toUpperCase(Locale.ROOT));
        }
    }

    boolean active() {
        return status == Status.ACTIVE;
    }

    static final List<String> FORMATS = List.of("standard-webhooks", "cloudevents-structured", "cloudevents-binary");

    /** Empty {@code eventTypes} means every type except Switchboard's own, which must be named. */
    boolean subscribes(String eventType) {
        if (eventTypes.contains(eventType)) return true;
        return eventTypes.isEmpty() && !eventType.startsWith(Publisher.OPERATIONAL_PREFIX);
    }
}
