package dev.switchboard.audit;

import java.time.Instant;
import java.util.List;

/**
 * One audit entry as the API shows it. {@code outcome} says whether the change was committed
 * ({@code success}) or not ({@code failure}); {@code status} is the HTTP status the call was answered
 * with (null for an entry whose request never completed, e.g. a node that stopped mid-response).
 */
record AuditEntry(
        String id,
        Instant occurredAt,
        String tenantId,
        String actor,
        String role,
        String action,
        String method,
        String targetType,
        String targetId,
        Outcome outcome,
        Integer status,
        String requestId,
        String sourceIp,
        List<String> fields) {

    enum Outcome {
        SUCCESS,
        FAILURE;

        @com.fasterxml.jackson.annotation.JsonValue
        String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        static Outcome ofStatus(int status) {
            return status < 400 ? SUCCESS : FAILURE;
        }
    }
}
