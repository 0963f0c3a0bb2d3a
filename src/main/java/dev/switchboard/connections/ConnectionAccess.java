package dev.switchboard.connections;

import dev.switchboard.common.ApiException;
import dev.switchboard.common.ErrorCode;
import dev.switchboard.common.Sql;
import dev.switchboard.connections.Connection.Operation;
import java.time.Clock;
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

    /** A request to send and the egress client (tenant's or operator's guard) that must send it. */
    public record Prepared(HttpUriRequestBase request, CloseableHttpClient client, String provider) {}

    /**
     * Like {@link #request} and with the client to send it through: the tenant's guard when the tenant
     * steers the host, else the operator's. {@code path} may carry a query string.
     */
    public Prepared prepare(String tenantId, String connectionId, String method, String path) {
        Connection c = usable(tenantId, connectionId);
        Provider p = catalog.require(c.provider());
        String token = p.oauth() ? accessToken(tenantId, connectionId).accessToken() : null;
        return new Prepared(
                ProviderRequests.build(p, c, connections.secrets(c), token, method, path),
                clients.forApi(p, c),
                c.provider());
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
