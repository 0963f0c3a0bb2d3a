package dev.switchboard.inbound;

import java.time.Instant;

/**
 * Published (as a Spring application event, inside the transaction that records it) when an
 * inbound event fails its last processing attempt: alerts listen without inbound knowing them.
 */
public record InboundProcessingFailed(String tenantId, String sourceId, String eventId, String error, Instant at) {}
