package dev.switchboard.audit;

import dev.switchboard.common.Page;
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

    private final AuditLog log;

    AuditController(AuditLog log) {
        this.log = log;
    }

    @Operation(summary = "List a tenant's audit entries, newest first (viewers may read)")
    @GetMapping("/api/v1/tenants/{tenant}/audit")
    Page<AuditEntry> list(TenantScope scope, @ParameterObject AuditLog.AuditQuery query) {
        return log.search(scope.tenantId(), query);
    }

    @Operation(summary = "List audit entries of every tenant and of the platform (platform admin)")
    @GetMapping("/api/v1/audit")
    Page<AuditEntry> listAll(
            PlatformAdmin admin,
            @RequestParam(required = false) String tenant,
            @ParameterObject AuditLog.AuditQuery query) {
        return log.search(tenant == null || tenant.isEmpty() ? null : tenant, query);
    }
}
