package dev.switchboard.connections;

import dev.switchboard.common.ApiException;
import dev.switchboard.common.ErrorCode;
import dev.switchboard.common.Ids;
import dev.switchboard.common.Sql;
import dev.switchboard.common.Text;
import dev.switchboard.connections.Connection.State;
import dev.switchboard.egress.BoundedCalls;
import dev.switchboard.outbound.OperationalEvents;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What happens to connections: the lifecycle and its events, OAuth authorization and refresh (one
 * refresh at a time per connection, across nodes, by locking its row and re-reading it), and
 * health checks. Every change of state is an operational event in the same transaction.
 */
@Component
class Connections {

    private static final Logger log = LoggerFactory.getLogger(Connections.class);

    static final String CONNECTED = "switchboard.integration.connected";
    static final String DISCONNECTED = "switchboard.integration.disconnected";
    static final String ERROR = "switchboard.integration.error";
    static final String REFRESHED = "switchboard.oauth.refreshed";
    static final String EXPIRED = "switchboard.oauth.expired";
    static final String HEALTH_CHANGED = "switchboard.connection.health_changed";

    private final ConnectionRepository connections;
    private final Catalog catalog;
    private final OAuthClient oauth;
    private final ProviderClients http;
    private final OperationalEvents events;
    private final ConnectionsProperties properties;
    private final TransactionTemplate tx;
    private final JsonMapper json;
    private final Clock clock;

    Connections(
            ConnectionRepository connections,
            Catalog catalog,
            OAuthClient oauth,
            ProviderClients providerClients,
            OperationalEvents events,
            ConnectionsProperties properties,
            TransactionTemplate tx,
            JsonMapper json,
            Clock clock) {
        this.connections = connections;
        this.json = json;
        this.catalog = catalog;
        this.oauth = oauth;
        this.http = providerClients;
        this.events = events;
        this.properties = properties;
        this.tx = tx;
        this.clock = clock;
    }

    // Lifecycle

    /** Moves a connection to {@code to} and reports it; call inside a transaction. */
    void move(Connection c, State to, String error, Instant now) {
        connections.setState(c, to, error, now);
        Map<String, Object> about = about(c);
        about.put("state", to.wire());
        if (to == State.ACTIVE && c.state() != State.ACTIVE) events.emit(c.tenantId(), CONNECTED, about, now);
        if (to == State.ERROR && c.state() != State.ERROR) {
            about.put("error", error);
            events.emit(c.tenantId(), ERROR, about, now);
        }
    }

    /** A connection created active: reported like any other arrival in {@code active}. */
    void created(Connection c, Instant now) {
        Map<String, Object> about = about(c);
        about.put("state", State.ACTIVE.wire());
        events.emit(c.tenantId(), CONNECTED, about, now);
    }

    static void require(Connection c, String action, State... from) {
        for (State s : from) if (c.state() == s) return;
        throw new ApiException(
                ErrorCode.INVALID_STATE,
                "Cannot " + action + " a connection that is " + c.state().wire() + ".");
    }

    void disconnected(Connection c, Instant now) {
        events.emit(c.tenantId(), DISCONNECTED, about(c), now);
    }

    private static Map<String, Object> about(Connection c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("connectionId", c.id());
        m.put("provider", c.provider());
        m.put("name", c.name());
        return m;
    }

    // OAuth

    /** Starts an authorization: a single-use state bound to the connection, and the provider's URL. */
    URI authorize(Connection c, URI redirectUri) {
        Provider p = catalog.require(c.provider());
        if (!p.oauth() || p.authorizationUrl() == null) {
            throw new ApiException(ErrorCode.INVALID_STATE, "This provider has no authorization step.");
        }
        require(c, "authorize", State.PENDING_AUTH);
        if (c.oauthClientId() == null) throw ApiException.invalid("oauth", "set the OAuth client first");
        String state = dev.switchboard.common.Ids.randomToken(32);
        String verifier = OAuthClient.newVerifier();
        Instant now = Sql.now(clock);
        connections.insertState(hash(state), c, verifier, redirectUri.toString(), now.plus(properties.stateTtl()));
        var scopes = c.scopes().isEmpty() && p.defaultScopes() != null ? p.defaultScopes() : c.scopes();
        return OAuthClient.authorizationUrl(p, c.oauthClientId(), redirectUri, scopes, state, verifier);
    }

    /** The provider sent the browser back: exchange the code, store the tokens, and the connection is active. */
    Connection callback(String state, String code, String error) {
        Instant now = Sql.now(clock);
        var pending = state == null
                ? Optional.<ConnectionRepository.PendingAuth>empty()
                : connections.consumeState(hash(state), now);
        if (pending.isEmpty()) {
            throw new ApiException(ErrorCode.OAUTH_STATE_INVALID, "This authorization is unknown or was already used.");
        }
        var auth = pending.get();
        if (!now.isBefore(auth.expiresAt())) {
            throw new ApiException(ErrorCode.OAUTH_STATE_INVALID, "This authorization expired; start it again.");
        }
        Connection c = connections
                .find(auth.tenantId(), auth.connectionId())
                .orElseThrow(() -> ApiException.notFound("connection"));
        if (error != null || code == null) {
            String why = "the user or provider declined: " + (error == null ? "no code" : clip(error, 100));
            tx.executeWithoutResult(s -> connections.setState(c, c.state(), why, now));
            throw new ApiException(ErrorCode.OAUTH_FAILED, "The provider did not authorize: " + clip(why, 200));
        }
        Provider p = catalog.require(c.provider());
        Connection.Secrets secrets = connections.secrets(c);
        OAuthClient.Tokens tokens;
        try {
            tokens = oauth.exchange(
                    p,
                    c.oauthClientId(),
                    secrets.clientSecret(),
                    code,
                    URI.create(auth.redirectUri()),
                    auth.verifier(),
                    now);
        } catch (OAuthClient.Failure f) {
            tx.executeWithoutResult(s -> move(c, State.ERROR, f.getMessage(), now));
            throw new ApiException(ErrorCode.OAUTH_FAILED, "Exchanging the code failed: " + f.getMessage());
        }
        tx.executeWithoutResult(s -> {
            connections.storeTokens(
                    c, tokens.accessToken(), tokens.refreshToken(), tokens.expiresAt(), refreshAt(tokens), now);
            move(c, State.ACTIVE, null, now);
        });
        return connections.find(c.tenantId(), c.id()).orElseThrow();
    }

    /** The client-credentials grant: no user, a token straight away. */
    void clientCredentials(Connection c, Instant now) {
        Provider p = catalog.require(c.provider());
        Connection.Secrets secrets = connections.secrets(c);
        try {
            var tokens = oauth.clientCredentials(p, c.oauthClientId(), secrets.clientSecret(), c.scopes(), now);
            tx.executeWithoutResult(s -> {
                connections.storeTokens(c, tokens.accessToken(), null, tokens.expiresAt(), refreshAt(tokens), now);
                move(c, State.ACTIVE, null, now);
            });
        } catch (OAuthClient.Failure f) {
            tx.executeWithoutResult(s -> move(c, State.ERROR, f.getMessage(), now));
        }
    }

    private Instant refreshAt(OAuthClient.Tokens t) {
        return t.expiresAt().minus(properties.refreshAhead());
    }

    /**
     * Refreshes the connection's token if it needs it (or {@code force}), one caller at a time: the
     * row is locked, then read again, so callers that waited find the token already fresh and make
     * no request. A refusal (invalid_grant) puts the connection in {@code error} at once and says
     * so; a transient failure is retried with backoff. Returns the connection as it is afterwards.
     */
    Connection refresh(String tenantId, String id, boolean force) {
        String[] failure = new String[1];
        Connection after = tx.execute(s -> {
            Connection c = connections
                    .lock(id)
                    .filter(x -> x.tenantId().equals(tenantId))
                    .orElseThrow(() -> ApiException.notFound("connection"));
            Instant now = Sql.now(clock);
            if (!force && !needsRefresh(c, now)) return c;
            Provider p = catalog.require(c.provider());
            if (!p.oauth()) throw new ApiException(ErrorCode.INVALID_STATE, "This connection has no OAuth token.");
            require(c, "refresh", State.ACTIVE, State.ERROR);
            Connection.Secrets secrets = connections.secrets(c);
            try {
                OAuthClient.Tokens tokens = secrets.refreshToken() != null
                        ? oauth.refresh(p, c.oauthClientId(), secrets.clientSecret(), secrets.refreshToken(), now)
                        : p.clientCredentials()
                                ? oauth.clientCredentials(p, c.oauthClientId(), secrets.clientSecret(), c.scopes(), now)
                                : null;
                if (tokens == null) {
                    failure[0] = "there is no refresh token";
                    move(c, State.ERROR, "the token expired and there is no refresh token; reconnect", now);
                    events.emit(c.tenantId(), EXPIRED, about(c), now);
                    return c;
                }
                connections.storeTokens(
                        c, tokens.accessToken(), tokens.refreshToken(), tokens.expiresAt(), refreshAt(tokens), now);
                if (c.state() != State.ACTIVE) move(c, State.ACTIVE, null, now);
                Map<String, Object> about = about(c);
                about.put("expiresAt", tokens.expiresAt().toString());
                events.emit(c.tenantId(), REFRESHED, about, now);
            } catch (OAuthClient.Failure f) {
                failure[0] = f.getMessage();
                if (f.permanent) {
                    move(c, State.ERROR, "refresh refused: " + f.getMessage(), now);
                    events.emit(c.tenantId(), EXPIRED, about(c), now);
                } else {
                    Duration backoff = Duration.ofSeconds(Math.min(3600, 30L << Math.min(7, c.refreshFailures())));
                    connections.refreshFailed(c, "refresh failed: " + f.getMessage(), now.plus(backoff), now);
                    log.warn(
                            "Refreshing connection {} failed (attempt {}): {}",
                            c.id(),
                            c.refreshFailures() + 1,
                            f.getMessage());
                }
            }
            return c;
        });
        if (force && failure[0] != null) {
            throw new ApiException(ErrorCode.OAUTH_FAILED, "The refresh failed: " + failure[0]);
        }
        return connections.find(tenantId, after.id()).orElseThrow();
    }

    private boolean needsRefresh(Connection c, Instant now) {
        return c.tokenExpiresAt() == null
                || !c.tokenExpiresAt().minus(properties.refreshAhead()).isAfter(now);
    }

    /** A usable access token, refreshed first when it is about to expire. */
    record AccessToken(String accessToken, Instant expiresAt) {
        @Override
        public String toString() {
            return "AccessToken[expiresAt=" + expiresAt + "]";
        }
    }

    AccessToken accessToken(String tenantId, String id) {
        Connection c = connections.find(tenantId, id).orElseThrow(() -> ApiException.notFound("connection"));
        require(c, "use", State.ACTIVE);
        if (!c.hasAccessToken()) throw new ApiException(ErrorCode.INVALID_STATE, "This connection has no OAuth token.");
        if (needsRefresh(c, Sql.now(clock))) c = refresh(tenantId, id, false);
        require(c, "use", State.ACTIVE);
        return new AccessToken(connections.secrets(c).accessToken(), c.tokenExpiresAt());
    }

    // Health

    /**
     * Runs the provider's health request with the stored credentials and records it: a change of
     * health is an event; going down puts an active connection in error, and a healthy answer brings
     * a connection in error back (unless its OAuth grant was refused: that needs a reconnect).
     */
    HealthResult check(Connection c) {
        Provider p = catalog.require(c.provider());
        Connection.Secrets secrets = connections.secrets(c);
        HealthResult result = probe(p, c, secrets);
        Instant now = Sql.now(clock);
        tx.executeWithoutResult(s -> {
            connections.recordHealth(c, result.id(), result, now.plus(properties.checkInterval()), now);
            if (!result.status().equals(c.health())) {
                Map<String, Object> about = about(c);
                about.put("from", c.health());
                about.put("to", result.status());
                events.emit(c.tenantId(), HEALTH_CHANGED, about, now);
            }
            if (result.status().equals("down") && c.state() == State.ACTIVE) {
                move(c, State.ERROR, "health check: " + result.error(), now);
            } else if (result.status().equals("healthy")
                    && c.state() == State.ERROR
                    && (c.lastError() == null || c.lastError().startsWith("health check"))) {
                move(c, State.ACTIVE, null, now);
            }
        });
        return result;
    }

    /** The health request alone; nothing recorded. */
    HealthResult probe(Provider p, Connection c, Connection.Secrets secrets) {
        Instant now = Sql.now(clock);
        String id = Ids.next("hc");
        if (p.healthCheck() == null)
            return new HealthResult(id, now, "unknown", null, 0, "the provider has no health check");
        var h = p.healthCheck();
        String token = null;
        if (p.oauth()) {
            token = secrets.accessToken();
            if (token == null) return new HealthResult(id, now, "down", null, 0, "no access token");
        }
        long started = System.nanoTime();
        try {
            var request = ProviderRequests.build(p, c, secrets, token, h.method(), h.path());
            return BoundedCalls.call(http.forApi(p, c), request, properties.checkTimeout(), r -> {
                String refusal = null;
                if (h.expectBody() != null && !h.expectBody().isEmpty()) {
                    refusal = bodyMismatch(r, h.expectBody());
                } else if (r.getEntity() != null) {
                    EntityUtils.consume(r.getEntity());
                }
                int latency = (int) ((System.nanoTime() - started) / 1_000_000);
                int code = r.getCode();
                boolean expected = h.expect().contains(code) && refusal == null;
                String status = code == 429
                                || (expected && latency > properties.slowAfter().toMillis())
                        ? "degraded"
                        : expected ? "healthy" : "down";
                String error = expected
                        ? (status.equals("degraded") ? "slow: " + latency + " ms" : null)
                        : refusal != null ? refusal : "HTTP " + code;
                if (code == 429) error = "HTTP 429: throttled";
                return new HealthResult(id, now, status, code, latency, error);
            });
        } catch (IllegalArgumentException e) {
            return new HealthResult(id, now, "down", null, 0, clip(e.getMessage(), 300));
        } catch (IOException e) {
            int latency = (int) ((System.nanoTime() - started) / 1_000_000);
            String why = e instanceof java.net.SocketTimeoutException
                    ? "timed out after " + properties.checkTimeout()
                    : e.getClass().getSimpleName() + ": " + clip(String.valueOf(e.getMessage()), 200);
            return new HealthResult(id, now, "down", null, latency, why);
        }
    }

    /** Null when the JSON answer carries every expected field value; else what differs. */
    private String bodyMismatch(ClassicHttpResponse r, Map<String, JsonNode> expected) throws IOException {
        if (r.getEntity() == null) return "an empty answer";
        JsonNode body;
        try (var in = r.getEntity().getContent()) {
            body = json.readTree(in.readNBytes(64 * 1024));
        } catch (RuntimeException notJson) {
            return "an answer that is not JSON";
        }
        for (var e : expected.entrySet()) {
            if (!e.getValue().equals(body.get(e.getKey()))) {
                return "the answer's \"" + e.getKey() + "\" is " + clip(String.valueOf(body.get(e.getKey())), 100);
            }
        }
        return null;
    }

    static String hash(String state) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(state.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String clip(String s, int max) {
        return Text.storable(s, max);
    }
}
