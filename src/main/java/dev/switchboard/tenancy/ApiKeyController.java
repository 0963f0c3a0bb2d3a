package dev.switchboard.tenancy;

import dev.switchboard.common.ApiException;
import dev.switchboard.common.Cursor;
import dev.switchboard.common.Page;
import dev.switchboard.common.PageRequest;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.net.URI;
import java.time.Instant;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@Tag(name = "API keys")
@RestController
@RequestMapping("/api/v1/tenants/{tenant}/api-keys")
class ApiKeyController {

    /** The roles a tenant key can have; platform-admin keys are not made through this route. */
    enum GrantableRole {
        @com.fasterxml.jackson.annotation.JsonProperty("admin")
        ADMIN,
        @com.fasterxml.jackson.annotation.JsonProperty("viewer")
        VIEWER
    }

    record CreateKey(
            @NotBlank @Size(max = 200) String name, @NotNull GrantableRole role) {}

    /** The creation response: the only time the secret key is ever shown. */
    record CreatedKey(
            String id,
            String tenantId,
            String name,
            Role role,
            String prefix,
            Instant createdAt,
            Instant revokedAt,
            String key) {
        @Override
        public String toString() {
            return "CreatedKey[id=" + id + ", prefix=" + prefix + "]";
        }
    }

    private final ApiKeyRepository keys;
    private final ApiKeys apiKeys;

    ApiKeyController(ApiKeyRepository keys, ApiKeys apiKeys) {
        this.keys = keys;
        this.apiKeys = apiKeys;
    }

    @Operation(summary = "Create an API key; the response is the only time the key is shown")
    @PostMapping
    ResponseEntity<CreatedKey> create(TenantScope scope, @Valid @RequestBody CreateKey body) {
        Role role = body.role() == GrantableRole.ADMIN ? Role.ADMIN : Role.VIEWER;
        var created = apiKeys.create(scope.tenantId(), body.name(), role);
        ApiKey key = created.key();
        return ResponseEntity.created(URI.create("/api/v1/tenants/" + key.tenantId() + "/api-keys/" + key.id()))
                .body(new CreatedKey(
                        key.id(),
                        key.tenantId(),
                        key.name(),
                        key.role(),
                        key.prefix(),
                        key.createdAt(),
                        null,
                        created.token()));
    }

    @Operation(summary = "List API keys (never their secrets)")
    @GetMapping
    Page<ApiKey> list(
            TenantScope scope,
            @RequestParam(required = false) Integer limit,
            @RequestParam(required = false) String cursor) {
        String tenant = scope.tenantId();
        PageRequest page = PageRequest.of(limit, cursor);
        return Page.of(keys.pageForTenant(tenant, page), page, k -> new Cursor(k.createdAt(), k.id()));
    }

    @Operation(summary = "Get an API key (never its secret)")
    @GetMapping("/{keyId}")
    ApiKey get(TenantScope scope, @PathVariable String keyId) {
        String tenant = scope.tenantId();
        return keys.findForTenant(tenant, keyId).orElseThrow(() -> ApiException.notFound("API key"));
    }

    @Operation(summary = "Revoke an API key; it stops working at once")
    @DeleteMapping("/{keyId}")
    ResponseEntity<Void> revoke(TenantScope scope, @PathVariable String keyId) {
        apiKeys.revoke(scope.tenantId(), keyId);
        return ResponseEntity.noContent().build();
    }
}
