package dev.switchboard.connections;

import dev.switchboard.egress.SafeHttpClients;
import dev.switchboard.egress.UrlGuards;
import java.io.IOException;
import java.time.Duration;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;

/**
 * The HTTP clients for calls to providers, one per SSRF guard. The catalog's URLs are the
 * operator's; a URL a tenant can steer (its {@code config.baseUrl}, or a host filled in from its
 * config) goes through the tenant's guard, so it reaches no range opened for the operator alone.
 *
 * <p>Token and health-check calls share one pair, whose socket timeout is the connections' own;
 * the gateway's calls (proxy, outbox) have a pair of their own: a longer socket timeout, since each
 * gateway call carries its own deadline (up to {@link ConnectionAccess#MAX_CALL_DEADLINE}), and a
 * pool of their own, so a burst of proxied calls never starves health checks and token refreshes.
 */
record ProviderClients(
        CloseableHttpClient tenant,
        CloseableHttpClient operator,
        CloseableHttpClient gatewayTenant,
        CloseableHttpClient gatewayOperator)
        implements AutoCloseable {

    static ProviderClients create(UrlGuards guards, Duration timeout) {
        return new ProviderClients(
                SafeHttpClients.create(guards.tenant(), timeout, 64, 16),
                SafeHttpClients.create(guards.operator(), timeout, 64, 16),
                SafeHttpClients.create(guards.tenant(), ConnectionAccess.MAX_CALL_DEADLINE, 256, 64),
                SafeHttpClients.create(guards.operator(), ConnectionAccess.MAX_CALL_DEADLINE, 256, 64));
    }

    /** The client for a health check of this connection's API. */
    CloseableHttpClient forApi(Provider p, Connection c) {
        return ProviderRequests.tenantControlsHost(p, c) ? tenant : operator;
    }

    /** The client for a gateway call (proxy, outbox) to this connection's API. */
    CloseableHttpClient forGateway(Provider p, Connection c) {
        return ProviderRequests.tenantControlsHost(p, c) ? gatewayTenant : gatewayOperator;
    }

    @Override
    public void close() throws IOException {
        try (tenant;
                operator;
                gatewayTenant) {
            gatewayOperator.close();
        }
    }
}
