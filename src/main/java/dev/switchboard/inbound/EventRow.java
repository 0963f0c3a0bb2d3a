package dev.switchboard.inbound;

import java.time.Instant;
import java.util.Map;

/** An inbound event's stored metadata (everything but the body). */
record EventRow(
        String id,
        String tenantId,
        String sourceId,
        Provider provider,
        String dedupeKey,
        String type,
        String subject,
        String userId,
        Instant providerTime,
        Instant receivedAt,
        String contentType,
        Map<String, String> headers,
        int bodySize,
        Instant bodyPurgedAt,
        String verification,
        String status,
        int attempts,
        int runs,
        Instant nextAttemptAt,
        String lastError,
        Instant processedAt) {

    InboundEvent event() {
        return new InboundEvent(
                id,
                tenantId,
                sourceId,
                provider.wire(),
                type,
                subject,
                userId,
                providerTime != null ? providerTime : receivedAt,
                receivedAt,
                contentType,
                verification);
    }
}
