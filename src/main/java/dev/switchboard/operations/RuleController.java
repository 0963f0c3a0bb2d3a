package dev.switchboard.operations;

import dev.switchboard.common.Cursor;
import dev.switchboard.common.Page;
import dev.switchboard.operations.Views.RuleView;
import dev.switchboard.tenancy.PlatformAdmin;
import dev.switchboard.tenancy.TenantScope;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Alert rules: a tenant's (about its own resources) and the platform's (about every tenant's). */
@Tag(name = "Alerts")
@RestController
class RuleController {

    private static final String TENANT = "/api/v1/tenants/{tenant}/alert-rules";
    private static final String PLATFORM = "/api/v1/alert-rules";

    private final Rules rules;
    private final ScopedRoutes<Rule, RuleView> routes;

    RuleController(Rules rules) {
        this.rules = rules;
        this.routes = new ScopedRoutes<>(rules, RuleView::of, r -> new Cursor(r.createdAt(), r.id()), Rule::id);
    }

    @Operation(summary = "Add an alert rule, e.g. {\"kind\":\"endpoint_disabled\"}")
    @PostMapping(TENANT)
    ResponseEntity<RuleView> create(TenantScope scope, @RequestBody Rules.CreateRule body) {
        return routes.created(TENANT.replace("{tenant}", scope.tenantId()), rules.create(scope.tenantId(), body));
    }

    @Operation(summary = "List alert rules")
    @GetMapping(TENANT)
    Page<RuleView> list(
            TenantScope scope,
            @RequestParam(required = false) Integer limit,
            @RequestParam(required = false) String cursor) {
        return routes.list(scope.tenantId(), limit, cursor);
    }

    @Operation(summary = "Get an alert rule")
    @GetMapping(TENANT + "/{id}")
    RuleView get(TenantScope scope, @PathVariable String id) {
        return routes.get(scope.tenantId(), id);
    }

    @Operation(summary = "Change an alert rule's threshold, window, severity or enabled flag")
    @PatchMapping(TENANT + "/{id}")
    RuleView update(TenantScope scope, @PathVariable String id, @RequestBody Rules.UpdateRule body) {
        return routes.view(rules.update(scope.tenantId(), id, body));
    }

    @Operation(summary = "Delete an alert rule")
    @DeleteMapping(TENANT + "/{id}")
    ResponseEntity<Void> delete(TenantScope scope, @PathVariable String id) {
        return routes.delete(scope.tenantId(), id);
    }

    @Operation(summary = "Add a platform alert rule, about every tenant (platform admins)")
    @PostMapping(PLATFORM)
    ResponseEntity<RuleView> createPlatform(PlatformAdmin admin, @RequestBody Rules.CreateRule body) {
        return routes.created(PLATFORM, rules.create(Alerting.PLATFORM, body));
    }

    @Operation(summary = "List platform alert rules (platform admins)")
    @GetMapping(PLATFORM)
    Page<RuleView> listPlatform(
            PlatformAdmin admin,
            @RequestParam(required = false) Integer limit,
            @RequestParam(required = false) String cursor) {
        return routes.list(Alerting.PLATFORM, limit, cursor);
    }

    @Operation(summary = "Get a platform alert rule (platform admins)")
    @GetMapping(PLATFORM + "/{id}")
    RuleView getPlatform(PlatformAdmin admin, @PathVariable String id) {
        return routes.get(Alerting.PLATFORM, id);
    }

    @Operation(summary = "Change a platform alert rule (platform admins)")
    @PatchMapping(PLATFORM + "/{id}")
    RuleView updatePlatform(PlatformAdmin admin, @PathVariable String id, @RequestBody Rules.UpdateRule body) {
        return routes.view(rules.update(Alerting.PLATFORM, id, body));
    }

    @Operation(summary = "Delete a platform alert rule (platform admins)")
    @DeleteMapping(PLATFORM + "/{id}")
    ResponseEntity<Void> deletePlatform(PlatformAdmin admin, @PathVariable String id) {
        return routes.delete(Alerting.PLATFORM, id);
    }
}
