package dev.switchboard.connections;

import java.time.Instant;

/** One health check: {@code healthy}, {@code degraded} (slow, or 429) or {@code down}. */
record HealthResult(String id, Instant checkedAt, String status, Integer statusCode, int latencyMs, String error) {}
