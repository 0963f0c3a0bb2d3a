package dev.switchboard.connections;

import dev.switchboard.common.ApiException;
import dev.switchboard.common.Cursor;
import dev.switchboard.common.Page;
import dev.switchboard.common.PageRequest;
import dev.switchboard.connections.Connection.State;
import dev.switchboard.tenancy.TenantScope;
import dev.switchboard.tenancy.WriteAccess;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

@Tag(name = "Connections")
@RestController
@RequestMapping("/api/v1/tenants/{tenant}/connections")
class ConnectionController {

    /** {@code scopes} together at most 2000 characters (as stored). */
    record OAuthSettings(
            @NotBlank @Size(max = 500) String clientId,
            @Size(max = 4000) String clientSecret,
            @Size(max = 50) List<@NotBlank @Size(max = 200) String> scopes) {
        @Override
        public String toString() {
            return "OAuthSettings[clientId=" + clientId + "]";
        }
    }

    /**
     * What the call log keeps of this connection's calls: with {@code storeBodies} the request and
     * response bodies too (redacted, cut to {@code switchboard.call-log.max-body-chars}); off by default.
     */
    record CallLogSettings(Boolean storeBodies) {}

    record CreateConnection(
            @NotBlank @Size(max = 64) String provider,
            @NotBlank @Size(max = 200) String name,

            @Pattern(regexp = "live|test", message = "must be live or test")
            String environment,

            @Size(max = 20) Map<String, String> credentials,
            @Valid OAuthSettings oauth,
            @Size(max = 20) Map<String, String> config,
            CallLogSettings callLog) {
        @Override
        public String toString() {
            return "CreateConnection[provider=" + provider + "]";
        }
    }

    record UpdateConnection(
            @Size(max = 200) String name,
            @Size(max = 20) Map<String, String> credentials,
            @Valid OAuthSettings oauth,
            @Size(max = 20) Map<String, String> config,
            CallLogSettings callLog) {
        @Override
        public String toString() {
            return "UpdateConnection[redacted]";
        }
    }

    record Reconnect(@Size(max = 20) Map<String, String> credentials) {
        @Override
        public String toString() {
            return "Reconnect[redacted]";
        }
    }

    record OAuthView(String clientId, List<String> scopes, Instant tokenExpiresAt, boolean hasRefreshToken) {}

    record Health(String status, Instant checkedAt) {}

    /** A connection as shown: credentials only as hints, never a secret. */
    record ConnectionView(
            String id,
            String tenantId,
            String provider,
            String category,
            String name,
            String environment,
            String state,
            Map<String, String> config,
            Map<String, String> credentials,
            OAuthView oauth,
            Health health,
            Instant connectedAt,
            Instant lastActivityAt,
            String lastError,
            Instant createdAt,
            Instant updatedAt,
            CallLogSettings callLog) {}

    record AuthorizationStarted(String authorizationUrl) {}

    private final ConnectionRepository connections;
    private final ConnectionLifecycle lifecycle;
    private final OAuthFlow oauth;
    private final TokenRefresh refresh;
    private final HealthChecks health;
    private final ConnectionAccess connectionAccess;
    private final Catalog catalog;
    private final ConnectionCounts counts;
    private final ConnectionsProperties properties;

    ConnectionController(
            ConnectionRepository connections,
            ConnectionLifecycle lifecycle,
            OAuthFlow oauth,
            TokenRefresh refresh,
            HealthChecks health,
            ConnectionAccess connectionAccess,
            Catalog catalog,
            ConnectionCounts counts,
            ConnectionsProperties properties) {
        this.counts = counts;
        this.connections = connections;
        this.lifecycle = lifecycle;
        this.oauth = oauth;
        this.refresh = refresh;
        this.health = health;
        this.connectionAccess = connectionAccess;
        this.catalog = catalog;
        this.properties = properties;
    }

    @Operation(summary = "Connect a provider: credentials are checked with its health request when it has one")
    @PostMapping
    ResponseEntity<ConnectionView> create(TenantScope scope, @Valid @RequestBody CreateConnection body) {
        String tenant = scope.tenantId();
        Connection c = lifecycle.create(tenant, body);
        return ResponseEntity.created(URI.create("/api/v1/tenants/" + tenant + "/connections/" + c.id()))
                .body(view(c));
    }

    @Operation(summary = "List connections; filter by provider, category or state")
    @GetMapping
    Page<ConnectionView> list(
            TenantScope scope,
            @RequestParam(required = false) String provider,
            @RequestParam(required = false) String category,
            @RequestParam(required = false) String state,
            @RequestParam(required = false) Integer limit,
            @RequestParam(required = false) String cursor) {
        String tenant = scope.tenantId();
        if (state != null) {
            try {
                State.of(state);
            } catch (IllegalArgumentException e) {
                throw ApiException.invalid("state", "must be not_configured, pending_auth, active, error or suspended");
            }
        }
        List<String> ofCategory = category == null
                ? null
                : catalog.all().stream()
                        .filter(p -> p.category().equals(category))
                        .map(Provider::key)
                        .toList();
        PageRequest page = PageRequest.of(limit, cursor);
        return Page.of(
                        connections.page(tenant, provider, ofCategory, state, page),
                        page,
                        c -> new Cursor(c.createdAt(), c.id()))
                .map(this::view);
    }

    @Operation(summary = "The tenant's connections counted by state, health and provider category")
    @GetMapping("/counts")
    ConnectionCounts.Breakdown counts(TenantScope scope) {
        return counts.breakdown(scope.tenantId());
    }

    @Operation(summary = "One connection")
    @GetMapping("/{id}")
    ConnectionView get(TenantScope scope, @PathVariable String id) {
        String tenant = scope.tenantId();
        return view(lifecycle.find(tenant, id));
    }

    @Operation(summary = "Rename, reconfigure, or replace credentials or the OAuth client")
    @PatchMapping("/{id}")
    ConnectionView update(TenantScope scope, @PathVariable String id, @Valid @RequestBody UpdateConnection body) {
        String tenant = scope.tenantId();
        return view(lifecycle.update(tenant, id, body));
    }

    @Operation(summary = "Disconnect: the connection and its credentials are destroyed")
    @DeleteMapping("/{id}")
    ResponseEntity<Void> delete(TenantScope scope, @PathVariable String id) {
        String tenant = scope.tenantId();
        lifecycle.delete(tenant, id);
        return ResponseEntity.noContent().build();
    }

    @Operation(summary = "Suspend: the connection is not used until resumed")
    @PostMapping("/{id}/suspend")
    ConnectionView suspend(TenantScope scope, @PathVariable String id) {
        String tenant = scope.tenantId();
        return view(lifecycle.suspend(tenant, id));
    }

    @Operation(summary = "Resume a suspended connection")
    @PostMapping("/{id}/resume")
    ConnectionView resume(TenantScope scope, @PathVariable String id) {
        String tenant = scope.tenantId();
        return view(lifecycle.resume(tenant, id));
    }

    @Operation(summary = "Reconnect: OAuth connections authorize again; others take new credentials")
    @PostMapping("/{id}/reconnect")
    ConnectionView reconnect(
            TenantScope scope, @PathVariable String id, @Valid @RequestBody(required = false) Reconnect body) {
        String tenant = scope.tenantId();
        return view(lifecycle.reconnect(tenant, id, body == null ? null : body.credentials()));
    }

    @Operation(summary = "Start the OAuth authorization: a 302 to the provider (PKCE S256, single-use state)")
    @GetMapping("/{id}/authorize")
    @WriteAccess // a GET, because browsers follow it, but it starts a change
    ResponseEntity<AuthorizationStarted> authorize(TenantScope scope, @PathVariable String id) {
        String tenant = scope.tenantId();
        Connection c = lifecycle.find(tenant, id);
        String base = properties.publicUrl() == null || properties.publicUrl().isBlank()
                ? ServletUriComponentsBuilder.fromCurrentContextPath().toUriString()
                : properties.publicUrl().replaceAll("/+$", "");
        URI url = oauth.authorize(c, URI.create(base + "/oauth/callback"));
        return ResponseEntity.status(HttpStatus.FOUND)
                .header(HttpHeaders.LOCATION, url.toString())
                .body(new AuthorizationStarted(url.toString()));
    }

    @Operation(summary = "Refresh the OAuth token now")
    @PostMapping("/{id}/refresh")
    ConnectionView refresh(TenantScope scope, @PathVariable String id) {
        String tenant = scope.tenantId();
        return view(refresh.refresh(tenant, id, true));
    }

    @Operation(summary = "A usable access token for the platform's own calls (tenant admins), refreshed first if due")
    @PostMapping("/{id}/access-token")
    ConnectionAccess.AccessToken accessToken(TenantScope scope, @PathVariable String id) {
        String tenant = scope.tenantId();
        return connectionAccess.accessToken(tenant, id);
    }

    @Operation(summary = "Check the connection's health now")
    @PostMapping("/{id}/check")
    HealthResult check(TenantScope scope, @PathVariable String id) {
        String tenant = scope.tenantId();
        return health.check(tenant, id);
    }

    @Operation(summary = "Health-check history, newest first")
    @GetMapping("/{id}/health")
    Page<HealthResult> health(
            TenantScope scope,
            @PathVariable String id,
            @RequestParam(required = false) Integer limit,
            @RequestParam(required = false) String cursor) {
        String tenant = scope.tenantId();
        PageRequest page = PageRequest.of(limit, cursor);
        return Page.of(health.history(tenant, id, page), page, h -> new Cursor(h.checkedAt(), h.id()));
    }

    private ConnectionView view(Connection c) {
        String category = catalog.find(c.provider()).map(Provider::category).orElse(null);
        return new ConnectionView(
                c.id(),
                c.tenantId(),
                c.provider(),
                category,
                c.name(),
                c.environment(),
                c.state().wire(),
                c.config(),
                c.credentialHints(),
                c.oauthClientId() == null
                        ? null
                        : new OAuthView(c.oauthClientId(), c.scopes(), c.tokenExpiresAt(), c.hasRefreshToken()),
                new Health(c.health().wire(), c.healthCheckedAt()),
                c.connectedAt(),
                c.lastActivityAt(),
                c.lastError(),
                c.createdAt(),
                c.updatedAt(),
                new CallLogSettings(c.storeCallBodies()));
    }
}
