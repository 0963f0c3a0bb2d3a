package dev.switchboard.operations;

import dev.switchboard.common.ApiException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * When to alert: on a kind of operational event or over a threshold, for a tenant's own resources
 * or (platform rules) for every tenant's. Alerts for the same rule and subject within {@code window}
 * are counted into the first, not sent again.
 */
record Rule(
        String id,
        String tenantId,
        Kind kind,
        Integer threshold,
        Duration window,
        Alert.Severity severity,
        boolean enabled,
        Instant createdAt) {

    enum Kind {
        ENDPOINT_DISABLED(false, false),
        DELIVERIES_EXHAUSTED(false, false),
        CONNECTION_ERROR(false, false),
        CONNECTION_EXPIRED(false, false),
        CONNECTION_DOWN(false, false),
        INBOUND_FAILED(false, false),
        OUTBOX_JOB_FAILED(false, false),
        RATE_LIMIT_EXCEEDED(false, false),
        /** Any backlog (common.BacklogSource) holding more than {@code threshold} items. */
        BACKLOG(true, true),
        /** A source with at least {@code threshold} rejected requests within the spike window. */
        SIGNATURE_SPIKE(true, false),
        /** A background job's batch failed. */
        JOB_FAILED(false, true);

        final boolean needsThreshold;
        final boolean platformOnly;

        Kind(boolean needsThreshold, boolean platformOnly) {
            this.needsThreshold = needsThreshold;
            this.platformOnly = platformOnly;
        }

        String wire() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Kind parse(String field, String value) {
            for (Kind k : values()) if (k.wire().equals(value)) return k;
            throw ApiException.invalid(
                    field,
                    "must be one of " + Arrays.stream(values()).map(Kind::wire).collect(Collectors.joining(", ")));
        }
    }
}
