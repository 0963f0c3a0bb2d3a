package dev.switchboard.connections;

import dev.switchboard.common.ApiException;
import dev.switchboard.common.ErrorCode;
import dev.switchboard.common.Sql;
import dev.switchboard.connections.Connection.Operation;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.springframework.stereotype.Component;

/**
 * What other modules (the provider outbox) may ask of connections: a usable access token, and a
 * request to the provider's API with the connection's credentials applied. Everything else in this
 * package is its own. Errors are {@link ApiException}s: 404 for another tenant's or an unknown
 * connection, 409 {@code invalid_state} when it is not active.
 */
@Component
public class ConnectionAccess {

    /** A usable OAuth access token; {@code toString} never shows it. */
    public record AccessToken(String accessToken, Instant expiresAt) {
        @Override
        public String toString() {
            return "AccessToken[expiresAt=" + expiresAt + "]";
        }
    }

    private final ConnectionRepository connections;
    private final Catalog catalog;
    private final TokenRefresh refresh;
    private final Clock clock;
    private final ProviderClients clients;

    ConnectionAccess(
            ConnectionRepository connections,
            Catalog catalog,
            TokenRefresh refresh,
            Clock clock,
            ProviderClients clients) {
        this.connections = connections;
        this.clients = clients;
        this.catalog = catalog;
        this.refresh = refresh;
        this.clock = clock;
    }

    /** The connection's access token, refreshed first when it is about to expire. */
    public AccessToken accessToken(String tenantId, String connectionId) {
        Connection c = usable(tenantId, connectionId);
        if (!c.hasAccessToken()) throw new ApiException(ErrorCode.INVALID_STATE, "This connection has no OAuth token.");
        if (refresh.needsRefresh(c, Sql.now(clock))) c = refresh.refresh(tenantId, connectionId, false);
        Transitions.require(c, Operation.USE);
        return new AccessToken(connections.secrets(c).accessToken(), c.tokenExpiresAt());
    }

    /**
     * A request to the provider's API ({@code path} below its base URL, or the connection's
     * {@code config.baseUrl}) carrying the connection's credentials or a fresh access token. Send it
     * through the egress clients, with a deadline.
     */
    public HttpUriRequestBase request(String tenantId, String connectionId, String method, String path) {
        Connection c = usable(tenantId, connectionId);
        Provider p = catalog.require(c.provider());
        String token = p.oauth() ? accessToken(tenantId, connectionId).accessToken() : null;
        return ProviderRequests.build(p, c, connections.secrets(c), token, method, path);
    }

    /** The longest deadline a gateway call may have: the socket timeout of the clients {@link #prepare} hands out. */
    public static final Duration MAX_CALL_DEADLINE = Duration.ofMinutes(5);

    /**
     * A request to send and the egress client (tenant's or operator's guard) that must send it;
     * {@code idempotencyHeader} is the header the provider de-duplicates by, null when it has none;
     * {@code storeCallBodies} whether the connection opted in to bodies in the call log.
     */
    public record Prepared(
            HttpUriRequestBase request,
            CloseableHttpClient client,
            String provider,
            String idempotencyHeader,
            boolean storeCallBodies) {}

    /**
     * A provider's published limits for one connection: calls per window (null: none published),
     * {@code burst} the most at once in the shortest window (null: its rate).
     */
    public record Limits(
            Integer perSecond, Integer perMinute, Integer perHour, Integer perDay, Integer perMonth, Integer burst) {}

    private static final Limits NO_LIMITS = new Limits(null, null, null, null, null, null);

    /** What the gateway needs to know of a connection, in any state. */
    public record Target(
            String tenantId, String connectionId, String provider, String environment, boolean active, Limits limits) {}

    /**
     * Like {@link #request} and with the client to send it through: the tenant's guard when the tenant
     * steers the host, else the operator's, both with a socket timeout of {@link #MAX_CALL_DEADLINE}
     * (the caller bounds the whole call). {@code path} may carry a query string; a path whose URL
     * would leave the base URL's host or climb above its path is a 400 on {@code path}.
     */
    public Prepared prepare(String tenantId, String connectionId, String method, String path) {
        return prepare(tenantId, connectionId, method, path, true);
    }

    /**
     * As {@link #prepare(String, String, String, String)}; {@code recent} allows the connection row this
     * node read within the last second ({@code SWITCHBOARD_CONNECTIONS_IN_USE_CACHE_TTL}), which a change
     * made on another node may not have reached yet. The synchronous proxy takes it for its latency; the
     * outbox worker does not: a job is sent in the background, and a connection suspended anywhere must
     * hold its jobs from that moment.
     */
    public Prepared prepare(String tenantId, String connectionId, String method, String path, boolean recent) {
        // One read of the row for state, provider and (opened, cached by ciphertext) credentials.
        var inUse = (recent
                        ? connections.findInUse(tenantId, connectionId)
                        : connections.findInUseNow(tenantId, connectionId))
                .orElseThrow(() -> ApiException.notFound("connection"));
        Connection c = inUse.connection();
        Transitions.require(c, Operation.USE);
        Provider p = catalog.require(c.provider());
        var secrets = inUse.secrets();
        String token = null;
        if (p.oauth()) {
            if (!c.hasAccessToken()) {
                throw new ApiException(ErrorCode.INVALID_STATE, "This connection has no OAuth token.");
            }
            if (refresh.needsRefresh(c, Sql.now(clock))) {
                c = refresh.refresh(tenantId, connectionId, false);
                Transitions.require(c, Operation.USE);
                secrets = connections.secrets(c);
            }
            token = secrets.accessToken();
        }
        HttpUriRequestBase request;
        try {
            request = ProviderRequests.build(p, c, secrets, token, method, path);
            if (!ProviderRequests.below(p, c, secrets.credentials(), request.getUri())) {
                throw ApiException.invalid("path", "must stay below the connection's API base URL");
            }
        } catch (IllegalArgumentException | java.net.URISyntaxException e) {
            throw ApiException.invalid("path", "is not a valid path below the connection's API base URL");
        }
        return new Prepared(
                request, clients.forGateway(p, c), c.provider(), p.idempotencyHeader(), c.storeCallBodies());
    }

    /** The connection (404 when it is not this tenant's) and its provider's limits for its environment. */
    public Target target(String tenantId, String connectionId) {
        Connection c = connections.find(tenantId, connectionId).orElseThrow(() -> ApiException.notFound("connection"));
        Provider p = catalog.find(c.provider()).orElse(null);
        Limits limits = NO_LIMITS;
        if (p != null && p.rateLimits() != null) {
            var r = p.rateLimits().forEnvironment(c.environment());
            limits = new Limits(r.perSecond(), r.perMinute(), r.perHour(), r.perDay(), r.perMonth(), r.burst());
        }
        return new Target(
                c.tenantId(), c.id(), c.provider(), c.environment(), c.state() == Connection.State.ACTIVE, limits);
    }

    /** Records a call made with the connection (its {@code lastActivityAt}); never moves it back. */
    public void recordActivity(String tenantId, String connectionId, Instant at) {
        connections.touch(tenantId, connectionId, at);
    }

    /**
     * The provider key of a tenant's connection, whatever its state (the outbox queues calls for a
     * suspended connection; they wait). 404 for another tenant's or an unknown connection.
     */
    public String provider(String tenantId, String connectionId) {
        return connections
                .find(tenantId, connectionId)
                .orElseThrow(() -> ApiException.notFound("connection"))
                .provider();
    }

    private Connection usable(String tenantId, String connectionId) {
        Connection c = connections.find(tenantId, connectionId).orElseThrow(() -> ApiException.notFound("connection"));
        Transitions.require(c, Operation.USE);
        return c;
    }
}
