package dev.switchboard.outbound;

import java.time.Instant;
import java.util.Map;

/**
 * A {@code switchboard.*} operational event, also published as a Spring application event inside
 * the transaction that emitted it, so that other modules (alerts) can record what follows from it
 * atomically with the change. {@code data} is the event's payload as sent to endpoints.
 */
public record OperationalEvent(String tenantId, String type, Map<String, ?> data, Instant at) {}
