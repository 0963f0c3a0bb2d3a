package dev.switchboard.tenancy;

import dev.switchboard.common.ApiException;
import dev.switchboard.common.Cursor;
import dev.switchboard.common.Page;
import dev.switchboard.common.PageRequest;
import dev.switchboard.common.Sql;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.net.URI;
import java.time.Clock;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@Tag(name = "Tenants")
@RestController
@RequestMapping("/api/v1/tenants")
class TenantController {

    static final String ID_PATTERN = "[a-z0-9][a-z0-9_-]{0,63}";

    record CreateTenant(
            @Pattern(regexp = ID_PATTERN, message = "must match " + ID_PATTERN)
            String id,

            @NotBlank @Size(max = 200) String name) {}

    record UpdateTenant(
            @Size(min = 1, max = 200) @Pattern(regexp = "(?s).*\\S.*", message = "must not be blank")
            String name,

            Boolean disabled) {}

    private final TenantRepository tenants;
    /** The rules the dashboard shares: creating a tenant is written once. */
    private final Tenants useCases;

    private final Clock clock;

    private final VerifiedKeys verified;

    TenantController(TenantRepository tenants, Tenants useCases, Clock clock, VerifiedKeys verified) {
        this.verified = verified;
        this.tenants = tenants;
        this.useCases = useCases;
        this.clock = clock;
    }

    @Operation(summary = "Create a tenant (platform admin)")
    @PostMapping
    ResponseEntity<Tenant> create(PlatformAdmin admin, @Valid @RequestBody CreateTenant body) {
        Tenant tenant = useCases.create(admin.caller(), body.id(), body.name());
        return ResponseEntity.created(URI.create("/api/v1/tenants/" + tenant.id()))
                .body(tenant);
    }

    @Operation(summary = "List tenants: every tenant for a platform admin, its own for a tenant key")
    @GetMapping
    Page<Tenant> list(
            @AuthenticationPrincipal Caller caller,
            @RequestParam(required = false) Integer limit,
            @RequestParam(required = false) String cursor) {
        PageRequest page = PageRequest.of(limit, cursor);
        if (!caller.platformAdmin()) {
            return new Page<>(tenants.find(caller.tenantId()).stream().toList(), null);
        }
        return Page.of(tenants.page(page), page, t -> new Cursor(t.createdAt(), t.id()));
    }

    @Operation(summary = "Get a tenant")
    @GetMapping("/{tenant}")
    Tenant get(TenantScope scope) {
        String tenant = scope.tenantId();
        return tenants.find(tenant).orElseThrow(() -> ApiException.notFound("tenant"));
    }

    @Operation(summary = "Rename a tenant, or (platform admin) disable or re-enable it")
    @PatchMapping("/{tenant}")
    Tenant update(TenantScope scope, @Valid @RequestBody UpdateTenant body) {
        String tenant = scope.tenantId();
        if (body.disabled() != null && !scope.caller().platformAdmin()) {
            throw ApiException.forbidden("Only a platform admin key may disable or enable a tenant.");
        }
        Tenant.Status status =
                body.disabled() == null ? null : body.disabled() ? Tenant.Status.DISABLED : Tenant.Status.ACTIVE;
        String name = body.name() == null ? null : body.name().strip();
        if (!tenants.update(tenant, name, status, Sql.now(clock))) throw ApiException.notFound("tenant");
        if (status != null) verified.forgetAll();
        return tenants.find(tenant).orElseThrow(() -> ApiException.notFound("tenant"));
    }

    @Operation(
            summary =
                    "Disable a tenant (platform admin): its keys stop working at once on this node and within the key cache's TTL (5 s) on others; its data is kept")
    @DeleteMapping("/{tenant}")
    ResponseEntity<Void> disable(TenantScope scope, PlatformAdmin admin) {
        String tenant = scope.tenantId();
        if (!tenants.update(tenant, null, Tenant.Status.DISABLED, Sql.now(clock))) {
            throw ApiException.notFound("tenant");
        }
        // Its keys fail from the next request on this node; other nodes keep them for at most the key cache's TTL.
        verified.forgetAll();
        return ResponseEntity.noContent().build();
    }
}
