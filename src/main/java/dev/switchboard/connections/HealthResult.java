package dev.switchboard.connections;

import dev.switchboard.connections.Connection.Health;
import java.time.Instant;

/** One health check: {@code healthy}, {@code degraded} (slow, or 429) or {@code down}. */
record HealthResult(String id, Instant checkedAt, Health status, Integer statusCode, int latencyMs, String error) {}
