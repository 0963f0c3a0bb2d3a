package dev.switchboard.outbound;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** A customer's webhook receiver. {@code eventTypes} empty means every type. */
record Endpoint(
        String id,
        String tenantId,
        String url,
        String description,
        List<String> eventTypes,
        Map<String, String> headers,
        String status,
        String disabledReason,
        Instant previousSecretExpiresAt,
        Instant createdAt,
        Instant updatedAt) {

    /** Empty {@code eventTypes} means every type except Switchboard's own, which must be named. */
    boolean subscribes(String eventType) {
        if (eventTypes.contains(eventType)) return true;
        return eventTypes.isEmpty() && !eventType.startsWith(Publisher.OPERATIONAL_PREFIX);
    }
}
