package dev.switchboard.inbound;

import java.time.Instant;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A stored inbound event as other capabilities see it (through {@link InboundEventRouter}): its
 * CloudEvents attributes and who it concerns. The raw body stays in the inbound store.
 *
 * @param verification the scheme that verified it (e.g. {@code stripe-v1}), or {@code none}: see
 *     {@link #verified()}
 * @param canonicalType the cross-provider type ({@code payment.succeeded}), or null when none maps
 */
public record InboundEvent(
        String id,
        String tenantId,
        String sourceId,
        String provider,
        String type,
        String subject,
        String userId,
        Instant time,
        Instant receivedAt,
        String contentType,
        String verification,
        String canonicalType) {

    /** False for events from a {@code none} source: anyone who knows its ingest URL can make them up. */
    public boolean verified() {
        return !"none".equals(verification);
    }

    /** This event in the CloudEvents 1.0 JSON format, with {@code body} as its data. */
    public JsonNode cloudEvent(byte[] body, JsonMapper json) {
        return json.valueToTree(CloudEvent.of(this, body, json));
    }
}
