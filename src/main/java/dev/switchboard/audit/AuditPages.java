package dev.switchboard.audit;

import dev.switchboard.tenancy.PlatformAdmin;
import dev.switchboard.tenancy.TenantPage;
import dev.switchboard.tenancy.TenantScope;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The dashboard's audit log: a tenant's entries (viewers may read them, as in the API) and, for
 * platform admins, every tenant's and the platform's own; filtered by actor, action, target type and
 * outcome. Same rules as the audit API, through {@link AuditLog}.
 */
@Controller
class AuditPages {

    static final int LIMIT = 50;

    /** The filters as typed; blank means any. */
    record Filters(String actor, String action, String targetType, String outcome, String tenant) {}

    private final AuditLog log;

    AuditPages(AuditLog log) {
        this.log = log;
    }

    @GetMapping("/ui/tenants/{tenant}/audit")
    String tenant(
            TenantScope scope,
            @RequestParam(required = false) String actor,
            @RequestParam(required = false) String action,
            @RequestParam(required = false) String targetType,
            @RequestParam(required = false) String outcome,
            @RequestParam(required = false) String cursor,
            Model model,
            HttpServletResponse response) {
        TenantPage.start(scope, model);
        var filters = new Filters(actor, action, targetType, outcome, scope.tenantId());
        return render(scope.tenantId(), filters, cursor, false, model, response);
    }

    @GetMapping("/ui/audit")
    String platform(
            PlatformAdmin admin,
            @RequestParam(required = false) String tenant,
            @RequestParam(required = false) String actor,
            @RequestParam(required = false) String action,
            @RequestParam(required = false) String targetType,
            @RequestParam(required = false) String outcome,
            @RequestParam(required = false) String cursor,
            Model model,
            HttpServletResponse response) {
        var filters = new Filters(actor, action, targetType, outcome, AuditLog.blankIsNull(tenant));
        return render(filters.tenant(), filters, cursor, true, model, response);
    }

    private String render(
            String tenant, Filters f, String cursor, boolean platform, Model model, HttpServletResponse response) {
        model.addAttribute("filters", f);
        model.addAttribute("platform", platform);
        return TenantPage.submit(
                model,
                response,
                () -> {
                    model.addAttribute(
                            "entries",
                            log.search(
                                    tenant,
                                    new AuditLog.AuditQuery(
                                            f.actor(),
                                            f.action(),
                                            f.targetType(),
                                            null,
                                            f.outcome(),
                                            null,
                                            null,
                                            LIMIT,
                                            AuditLog.blankIsNull(cursor))));
                    return "audit/audit";
                },
                () -> "audit/audit");
    }
}
