package dev.switchboard.operations;

import dev.switchboard.common.ApiException;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * One alert sent (or a recovery notice), with how many times its condition was seen in its
 * de-duplication window, and its send to each channel. {@code kind} is a rule kind, {@code manual}
 * or {@code test}.
 */
record Alert(
        String id,
        String tenantId,
        String ruleId,
        String kind,
        String subject,
        boolean recovery,
        Severity severity,
        String title,
        String message,
        String userId,
        int occurrences,
        Instant createdAt,
        Instant lastSeenAt,
        List<Send> deliveries) {

    enum Severity {
        INFO,
        WARNING,
        ERROR,
        CRITICAL;

        String wire() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Severity parse(String field, String value) {
            for (Severity s : values()) if (s.wire().equals(value)) return s;
            throw ApiException.invalid(field, "must be one of info, warning, error, critical");
        }
    }

    /** The alert's send to one channel. */
    record Send(
            String channelId,
            String status,
            int attempts,
            Instant nextAttemptAt,
            Integer lastStatus,
            String lastError,
            Instant sentAt) {}

    Alert withDeliveries(List<Send> sends) {
        return new Alert(
                id,
                tenantId,
                ruleId,
                kind,
                subject,
                recovery,
                severity,
                title,
                message,
                userId,
                occurrences,
                createdAt,
                lastSeenAt,
                sends);
    }
}
