package dev.switchboard.connections;

import dev.switchboard.common.ApiException;
import dev.switchboard.common.Cursor;
import dev.switchboard.common.ErrorCode;
import dev.switchboard.common.Ids;
import dev.switchboard.common.Page;
import dev.switchboard.common.PageRequest;
import dev.switchboard.common.Sql;
import dev.switchboard.connections.Connection.State;
import dev.switchboard.egress.BlockedDestinationException;
import dev.switchboard.egress.UrlGuard;
import dev.switchboard.egress.UrlGuards;
import dev.switchboard.tenancy.Caller;
import dev.switchboard.tenancy.TenantAccess;
import dev.switchboard.vault.Secret;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.transaction.support.TransactionTemplate;
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

    record CreateConnection(
            @NotBlank @Size(max = 64) String provider,
            @NotBlank @Size(max = 200) String name,

            @Pattern(regexp = "live|test", message = "must be live or test")
            String environment,

            @Size(max = 20) Map<String, String> credentials,
            @Valid OAuthSettings oauth,
            @Size(max = 20) Map<String, String> config) {
        @Override
        public String toString() {
            return "CreateConnection[provider=" + provider + "]";
        }
    }

    record UpdateConnection(
            @Size(max = 200) String name,
            @Size(max = 20) Map<String, String> credentials,
            @Valid OAuthSettings oauth,
            @Size(max = 20) Map<String, String> config) {
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
            Instant updatedAt) {}

    record AuthorizationStarted(String authorizationUrl) {}

    private final ConnectionRepository connections;
    private final Connections lifecycle;
    private final Catalog catalog;
    private final UrlGuard guard;
    private final TenantAccess access;
    private final ConnectionsProperties properties;
    private final TransactionTemplate tx;
    private final tools.jackson.databind.json.JsonMapper json;
    private final Clock clock;

    ConnectionController(
            ConnectionRepository connections,
            Connections lifecycle,
            Catalog catalog,
            UrlGuards guards,
            TenantAccess access,
            ConnectionsProperties properties,
            TransactionTemplate tx,
            tools.jackson.databind.json.JsonMapper json,
            Clock clock) {
        this.json = json;
        this.connections = connections;
        this.lifecycle = lifecycle;
        this.catalog = catalog;
        this.guard = guards.tenant(); // the URLs checked here are the tenant's
        this.access = access;
        this.properties = properties;
        this.tx = tx;
        this.clock = clock;
    }

    @Operation(summary = "Connect a provider: credentials are checked with its health request when it has one")
    @PostMapping
    ResponseEntity<ConnectionView> create(
            @AuthenticationPrincipal Caller caller,
            @PathVariable String tenant,
            @Valid @RequestBody CreateConnection body) {
        access.write(caller, tenant);
        Provider p = catalog.find(body.provider())
                .orElseThrow(() -> ApiException.invalid("provider", "is not in the catalog"));
        Map<String, String> config = checkConfig(body.config());
        Map<String, String> credentials =
                body.credentials() == null ? Map.of() : checkCredentials(p, body.credentials());
        if (body.oauth() != null && !p.oauth()) throw ApiException.invalid("oauth", "this provider does not use OAuth");
        checkScopes(body.oauth());
        if (!credentials.isEmpty() && (p.oauth() || p.authType().equals("none"))) {
            throw ApiException.invalid("credentials", "this provider takes no credentials (" + p.authType() + ")");
        }
        Instant now = Sql.now(clock);
        State state = switch (p.authType()) {
            case "none" -> State.ACTIVE;
            case "oauth2" -> body.oauth() == null ? State.NOT_CONFIGURED : State.PENDING_AUTH;
            default -> credentials.isEmpty() ? State.NOT_CONFIGURED : State.ACTIVE;
        };
        Connection c = new Connection(
                Ids.next("con"),
                tenant,
                p.key(),
                body.name(),
                body.environment() == null ? "live" : body.environment(),
                state,
                config,
                hints(p, credentials),
                body.oauth() == null ? null : body.oauth().clientId(),
                body.oauth() == null || body.oauth().scopes() == null
                        ? List.of()
                        : List.copyOf(body.oauth().scopes()),
                false,
                false,
                null,
                0,
                null,
                "unknown",
                null,
                state == State.ACTIVE ? now : null,
                null,
                null,
                now,
                now);
        Connection.Secrets secrets = new Connection.Secrets(
                credentials, body.oauth() == null ? null : body.oauth().clientSecret(), null, null);
        HealthResult probe = null;
        if (!credentials.isEmpty() && p.healthCheck() != null) {
            probe = lifecycle.probe(p, c, secrets);
            rejectIfRefused(probe);
        }
        HealthResult checked = probe;
        tx.executeWithoutResult(s -> {
            connections.insert(c, secrets);
            if (state == State.ACTIVE) lifecycle.created(c, now);
            if (checked != null) {
                connections.recordHealth(c, checked.id(), checked, now.plus(properties.checkInterval()), now);
            }
        });
        if (state == State.PENDING_AUTH && p.clientCredentials()) lifecycle.clientCredentials(c, now);
        return ResponseEntity.created(URI.create("/api/v1/tenants/" + tenant + "/connections/" + c.id()))
                .body(view(find(tenant, c.id())));
    }

    @Operation(summary = "List connections; filter by provider, category or state")
    @GetMapping
    Page<ConnectionView> list(
            @AuthenticationPrincipal Caller caller,
            @PathVariable String tenant,
            @RequestParam(required = false) String provider,
            @RequestParam(required = false) String category,
            @RequestParam(required = false) String state,
            @RequestParam(required = false) Integer limit,
            @RequestParam(required = false) String cursor) {
        access.read(caller, tenant);
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

    @Operation(summary = "One connection")
    @GetMapping("/{id}")
    ConnectionView get(@AuthenticationPrincipal Caller caller, @PathVariable String tenant, @PathVariable String id) {
        access.read(caller, tenant);
        return view(find(tenant, id));
    }

    @Operation(summary = "Rename, reconfigure, or replace credentials or the OAuth client")
    @PatchMapping("/{id}")
    ConnectionView update(
            @AuthenticationPrincipal Caller caller,
            @PathVariable String tenant,
            @PathVariable String id,
            @Valid @RequestBody UpdateConnection body) {
        access.write(caller, tenant);
        Connection c = find(tenant, id);
        Provider p = catalog.require(c.provider());
        Map<String, String> config = body.config() == null ? null : checkConfig(body.config());
        if (body.oauth() != null && !p.oauth()) throw ApiException.invalid("oauth", "this provider does not use OAuth");
        checkScopes(body.oauth());
        Map<String, String> credentials = null;
        if (body.credentials() != null) {
            if (p.oauth() || p.authType().equals("none")) {
                throw ApiException.invalid("credentials", "this provider takes no credentials (" + p.authType() + ")");
            }
            credentials = triedCredentials(p, c, body.credentials());
        }
        Map<String, String> newCredentials = credentials;
        Instant now = Sql.now(clock);
        tx.executeWithoutResult(s -> {
            connections.rename(c, body.name(), config, now);
            if (newCredentials != null) {
                connections.setCredentials(c, newCredentials, hints(p, newCredentials), now);
                if (c.state() == State.NOT_CONFIGURED || c.state() == State.ERROR)
                    lifecycle.move(c, State.ACTIVE, null, now);
            }
            if (body.oauth() != null) {
                connections.setOAuthClient(
                        c,
                        body.oauth().clientId(),
                        body.oauth().clientSecret(),
                        body.oauth().scopes() == null
                                ? List.of()
                                : List.copyOf(body.oauth().scopes()),
                        now);
                if (c.state() == State.NOT_CONFIGURED) lifecycle.move(c, State.PENDING_AUTH, null, now);
            }
        });
        return view(find(tenant, id));
    }

    @Operation(summary = "Disconnect: the connection and its credentials are destroyed")
    @DeleteMapping("/{id}")
    ResponseEntity<Void> delete(
            @AuthenticationPrincipal Caller caller, @PathVariable String tenant, @PathVariable String id) {
        access.write(caller, tenant);
        Connection c = find(tenant, id);
        Instant now = Sql.now(clock);
        tx.executeWithoutResult(s -> {
            connections.delete(tenant, id);
            lifecycle.disconnected(c, now);
        });
        return ResponseEntity.noContent().build();
    }

    @Operation(summary = "Suspend: the connection is not used until resumed")
    @PostMapping("/{id}/suspend")
    ConnectionView suspend(
            @AuthenticationPrincipal Caller caller, @PathVariable String tenant, @PathVariable String id) {
        access.write(caller, tenant);
        Connection c = find(tenant, id);
        Connections.require(c, "suspend", State.PENDING_AUTH, State.ACTIVE, State.ERROR);
        tx.executeWithoutResult(s -> lifecycle.move(c, State.SUSPENDED, "suspended through the API", Sql.now(clock)));
        return view(find(tenant, id));
    }

    @Operation(summary = "Resume a suspended connection")
    @PostMapping("/{id}/resume")
    ConnectionView resume(
            @AuthenticationPrincipal Caller caller, @PathVariable String tenant, @PathVariable String id) {
        access.write(caller, tenant);
        Connection c = find(tenant, id);
        Connections.require(c, "resume", State.SUSPENDED);
        Provider p = catalog.require(c.provider());
        State to;
        if (p.authType().equals("none")) to = State.ACTIVE;
        else if (p.oauth())
            to = c.hasAccessToken()
                    ? State.ACTIVE
                    : c.oauthClientId() != null ? State.PENDING_AUTH : State.NOT_CONFIGURED;
        else to = c.credentialHints().isEmpty() ? State.NOT_CONFIGURED : State.ACTIVE;
        tx.executeWithoutResult(s -> lifecycle.move(c, to, null, Sql.now(clock)));
        return view(find(tenant, id));
    }

    @Operation(summary = "Reconnect: OAuth connections authorize again; others take new credentials")
    @PostMapping("/{id}/reconnect")
    ConnectionView reconnect(
            @AuthenticationPrincipal Caller caller,
            @PathVariable String tenant,
            @PathVariable String id,
            @Valid @RequestBody(required = false) Reconnect body) {
        access.write(caller, tenant);
        Connection c = find(tenant, id);
        Connections.require(c, "reconnect", State.PENDING_AUTH, State.ACTIVE, State.ERROR, State.SUSPENDED);
        Provider p = catalog.require(c.provider());
        Instant now = Sql.now(clock);
        if (p.oauth()) {
            tx.executeWithoutResult(s -> {
                connections.clearTokens(c, now);
                lifecycle.move(c, State.PENDING_AUTH, null, now);
            });
            if (p.clientCredentials()) lifecycle.clientCredentials(find(tenant, id), now);
        } else if (p.authType().equals("none")) {
            tx.executeWithoutResult(s -> lifecycle.move(c, State.ACTIVE, null, now));
        } else {
            if (body == null || body.credentials() == null)
                throw ApiException.invalid("credentials", "are required to reconnect");
            Map<String, String> credentials = triedCredentials(p, c, body.credentials());
            tx.executeWithoutResult(s -> {
                connections.setCredentials(c, credentials, hints(p, credentials), now);
                lifecycle.move(c, State.ACTIVE, null, now);
            });
        }
        return view(find(tenant, id));
    }

    @Operation(summary = "Start the OAuth authorization: a 302 to the provider (PKCE S256, single-use state)")
    @GetMapping("/{id}/authorize")
    ResponseEntity<AuthorizationStarted> authorize(
            @AuthenticationPrincipal Caller caller, @PathVariable String tenant, @PathVariable String id) {
        access.write(caller, tenant);
        Connection c = find(tenant, id);
        String base = properties.publicUrl() == null || properties.publicUrl().isBlank()
                ? ServletUriComponentsBuilder.fromCurrentContextPath().toUriString()
                : properties.publicUrl().replaceAll("/+$", "");
        URI url = lifecycle.authorize(c, URI.create(base + "/oauth/callback"));
        return ResponseEntity.status(HttpStatus.FOUND)
                .header(HttpHeaders.LOCATION, url.toString())
                .body(new AuthorizationStarted(url.toString()));
    }

    @Operation(summary = "Refresh the OAuth token now")
    @PostMapping("/{id}/refresh")
    ConnectionView refresh(
            @AuthenticationPrincipal Caller caller, @PathVariable String tenant, @PathVariable String id) {
        access.write(caller, tenant);
        find(tenant, id);
        return view(lifecycle.refresh(tenant, id, true));
    }

    @Operation(summary = "A usable access token for the platform's own calls (tenant admins), refreshed first if due")
    @PostMapping("/{id}/access-token")
    Connections.AccessToken accessToken(
            @AuthenticationPrincipal Caller caller, @PathVariable String tenant, @PathVariable String id) {
        access.write(caller, tenant);
        return lifecycle.accessToken(tenant, id);
    }

    @Operation(summary = "Check the connection's health now")
    @PostMapping("/{id}/check")
    HealthResult check(@AuthenticationPrincipal Caller caller, @PathVariable String tenant, @PathVariable String id) {
        access.write(caller, tenant);
        Connection c = find(tenant, id);
        Connections.require(c, "check", State.ACTIVE, State.ERROR);
        return lifecycle.check(c);
    }

    @Operation(summary = "Health-check history, newest first")
    @GetMapping("/{id}/health")
    Page<HealthResult> health(
            @AuthenticationPrincipal Caller caller,
            @PathVariable String tenant,
            @PathVariable String id,
            @RequestParam(required = false) Integer limit,
            @RequestParam(required = false) String cursor) {
        access.read(caller, tenant);
        find(tenant, id);
        PageRequest page = PageRequest.of(limit, cursor);
        return Page.of(connections.health(tenant, id, page), page, h -> new Cursor(h.checkedAt(), h.id()));
    }

    private Connection find(String tenant, String id) {
        return connections.find(tenant, id).orElseThrow(() -> ApiException.notFound("connection"));
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
                new Health(c.health(), c.healthCheckedAt()),
                c.connectedAt(),
                c.lastActivityAt(),
                c.lastError(),
                c.createdAt(),
                c.updatedAt());
    }

    /** 401 or 403 from the provider's health request: the credentials are wrong, and nothing is stored. */
    private static void rejectIfRefused(HealthResult probe) {
        if (probe.statusCode() != null && (probe.statusCode() == 401 || probe.statusCode() == 403)) {
            throw new ApiException(
                    ErrorCode.CREDENTIALS_REJECTED,
                    "The provider answered HTTP " + probe.statusCode()
                            + " to its health request with these credentials.");
        }
    }

    /** Credentials checked for shape, then tried with the provider's health request (422 if refused). */
    private Map<String, String> triedCredentials(Provider p, Connection c, Map<String, String> sent) {
        Map<String, String> credentials = checkCredentials(p, sent);
        if (p.healthCheck() != null) {
            rejectIfRefused(lifecycle.probe(p, c, new Connection.Secrets(credentials, null, null, null)));
        }
        return credentials;
    }

    private static Map<String, String> checkCredentials(Provider p, Map<String, String> sent) {
        Set<String> known = new HashSet<>();
        if (p.credentialFields() != null) p.credentialFields().forEach(f -> known.add(f.name()));
        for (var e : sent.entrySet()) {
            if (!known.contains(e.getKey())) {
                throw ApiException.invalid(
                        "credentials." + e.getKey(), "is not a credential of this provider " + known);
            }
            if (e.getValue() == null || e.getValue().isBlank() || e.getValue().length() > 4000) {
                throw ApiException.invalid("credentials." + e.getKey(), "must be 1 to 4000 characters");
            }
        }
        for (String field : known) {
            if (!sent.containsKey(field)) throw ApiException.invalid("credentials." + field, "is required");
        }
        return Map.copyOf(sent);
    }

    private static Map<String, String> hints(Provider p, Map<String, String> credentials) {
        Map<String, String> hints = new LinkedHashMap<>();
        if (p.credentialFields() == null) return hints;
        for (Provider.CredentialField f : p.credentialFields()) {
            String v = credentials.get(f.name());
            // Non-secret values are shown in full, up to a length the hints column holds for 20 fields.
            if (v != null) hints.put(f.name(), f.secret() ? Secret.of(v).hint() : Connections.clip(v, 100));
        }
        return hints;
    }

    private void checkScopes(OAuthSettings oauth) {
        if (oauth != null
                && oauth.scopes() != null
                && json.writeValueAsString(oauth.scopes()).length() > 2000) {
            throw ApiException.invalid("oauth.scopes", "must be at most 2000 characters together");
        }
    }

    private Map<String, String> checkConfig(Map<String, String> config) {
        if (config == null) return Map.of();
        for (var e : config.entrySet()) {
            if (!e.getKey().matches("[A-Za-z0-9_]{1,64}"))
                throw ApiException.invalid("config." + e.getKey(), "is not a setting name");
            if (e.getValue() == null || e.getValue().length() > 2000) {
                throw ApiException.invalid("config." + e.getKey(), "must be at most 2000 characters");
            }
        }
        if (json.writeValueAsString(config).length() > 8000) {
            throw ApiException.invalid("config", "must be at most 8000 characters as JSON");
        }
        if (config.containsKey("baseUrl")) {
            try {
                guard.check(config.get("baseUrl"));
            } catch (BlockedDestinationException e) {
                throw ApiException.invalid("config.baseUrl", "is not allowed: " + e.getMessage());
            }
        }
        return Map.copyOf(config);
    }
}
