package dev.switchboard.inbound;

import java.time.Instant;
import java.util.Map;

/**
 * An inbound event's stored metadata (everything but the body). Built by {@link #received} at
 * ingest and by the repository's row mapper; the canonical constructor is for those two only.
 *
 * @param providerEventId the provider's own id for the event, when it sends one; not necessarily
 *     the dedupe key (see {@link Normalizer})
 * @param canonicalType the cross-provider type ({@code payment.succeeded}) when {@link CanonicalTypes} maps
 *     this one, else null
 * @param remoteAddr the sender's address (see {@link TrustedProxies}), null for events stored before it was kept
 */
record EventRow(
        String id,
        String tenantId,
        String sourceId,
        Provider provider,
        String dedupeKey,
        String providerEventId,
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
        Instant processedAt,
        String canonicalType,
        String remoteAddr) {

    /** Answered 200 and stored, but never routed: the source's {@code allowedTypes} leave it out. */
    static final String IGNORED = "ignored";

    /**
     * A request just verified and normalized: not yet processed, due now, in its first run; or, when
     * {@code ignored}, stored as {@value #IGNORED} and never due.
     */
    static EventRow received(
            String id,
            Source source,
            Normalizer.Normalized n,
            String canonicalType,
            Instant receivedAt,
            String contentType,
            Map<String, String> headers,
            int bodySize,
            String verification,
            String remoteAddr,
            boolean ignored) {
        return new EventRow(
                id,
                source.tenantId(),
                source.id(),
                source.provider(),
                n.dedupeKey(),
                n.providerId(),
                n.type(),
                n.subject(),
                null,
                n.time(),
                receivedAt,
                contentType,
                headers,
                bodySize,
                null,
                verification,
                ignored ? IGNORED : "received",
                0,
                1,
                ignored ? null : receivedAt,
                null,
                null,
                canonicalType,
                remoteAddr);
    }

    /** The same event, concerning the given user of the tenant (null: none mapped). */
    EventRow withUser(String user) {
        return new EventRow(
                id,
                tenantId,
                sourceId,
                provider,
                dedupeKey,
                providerEventId,
                type,
                subject,
                user,
                providerTime,
                receivedAt,
                contentType,
                headers,
                bodySize,
                bodyPurgedAt,
                verification,
                status,
                attempts,
                runs,
                nextAttemptAt,
                lastError,
                processedAt,
                canonicalType,
                remoteAddr);
    }

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
                verification,
                canonicalType);
    }
}
