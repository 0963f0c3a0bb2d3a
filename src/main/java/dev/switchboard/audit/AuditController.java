package dev.switchboard.audit;

import dev.switchboard.common.ApiException;
import dev.switchboard.common.Cursor;
import dev.switchboard.common.Page;
import dev.switchboard.common.PageRequest;
import dev.switchboard.common.Timestamps;
import dev.switchboard.tenancy.PlatformAdmin;
import dev.switchboard.tenancy.TenantScope;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springdoc.core.annotations.ParameterObject;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Reading the audit log. A tenant's keys, viewers included, read their tenant's entries: the log
 * holds no secret and no personal value, and who changed what is exactly what a read-only auditor
 * needs. Platform admins read every tenant's and the platform's own (tenant null).
 */
@Tag(name = "Audit log")
@RestController
class AuditController {

    private final AuditRepository entries;

    AuditController(AuditRepository entries) {
        this.entries = entries;
    }

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

    @Operation(summary = "List a tenant's audit entries, newest first (viewers may read)")
    @GetMapping("/api/v1/tenants/{tenant}/audit")
    Page<AuditEntry> list(TenantScope scope, @ParameterObject AuditQuery query) {
        return search(scope.tenantId(), query);
    }

    @Operation(summary = "List audit entries of every tenant and of the platform (platform admin)")
    @GetMapping("/api/v1/audit")
    Page<AuditEntry> listAll(
            PlatformAdmin admin, @RequestParam(required = false) String tenant, @ParameterObject AuditQuery query) {
        return search(tenant == null || tenant.isEmpty() ? null : tenant, query);
    }

    private Page<AuditEntry> search(String tenant, AuditQuery q) {
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

    private static String blankIsNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
