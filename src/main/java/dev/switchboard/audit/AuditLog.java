package dev.switchboard.audit;

import dev.switchboard.common.ApiException;
import dev.switchboard.common.Cursor;
import dev.switchboard.common.Page;
import dev.switchboard.common.PageRequest;
import dev.switchboard.common.Timestamps;
import org.springframework.stereotype.Service;

/** Reading the audit log, the use case behind its API and the dashboard's audit pages. */
@Service
class AuditLog {

    /**
     * Filters, all optional: {@code actor} (a key id), {@code action} (exact, or a prefix such as
     * {@code endpoint} for every endpoint action), {@code targetType}, {@code targetId},
     * {@code outcome} (success or failure), {@code since} and {@code until} (RFC 3339).
     */
    record AuditQuery(
            String actor,
            String action,
            String targetType,
            String targetId,
            String outcome,
            String since,
            String until,
            Integer limit,
            String cursor) {}

    private final AuditRepository entries;

    AuditLog(AuditRepository entries) {
        this.entries = entries;
    }

    /** Entries newest first: a tenant's, or with {@code tenant} null every tenant's and the platform's. */
    Page<AuditEntry> search(String tenant, AuditQuery q) {
        PageRequest page = PageRequest.of(q.limit(), q.cursor());
        var filter = new AuditRepository.Filter(
                tenant,
                blankIsNull(q.actor()),
                blankIsNull(q.action()),
                blankIsNull(q.targetType()),
                blankIsNull(q.targetId()),
                outcome(q.outcome()),
                Timestamps.parse("since", q.since()),
                Timestamps.parse("until", q.until()));
        return Page.of(entries.search(filter, page), page, e -> new Cursor(e.occurredAt(), e.id()));
    }

    private static AuditEntry.Outcome outcome(String value) {
        if (value == null || value.isEmpty()) return null;
        return switch (value) {
            case "success" -> AuditEntry.Outcome.SUCCESS;
            case "failure" -> AuditEntry.Outcome.FAILURE;
            default -> throw ApiException.invalid("outcome", "must be success or failure");
        };
    }

    static String blankIsNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
