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
 */
record ProviderClients(CloseableHttpClient tenant, CloseableHttpClient operator) implements AutoCloseable {

    static ProviderClients create(UrlGuards guards, Duration timeout) {
        return new ProviderClients(
                SafeHttpClients.create(guards.tenant(), timeout, 64, 16),
                SafeHttpClients.create(guards.operator(), timeout, 64, 16));
    }

    /** The client for a request to the provider's API (health checks, later the outbox) for this connection. */
    CloseableHttpClient forApi(Provider p, Connection c) {
        return ProviderRequests.tenantControlsHost(p, c) ? tenant : operator;
    }

    @Override
    public void close() throws IOException {
        try (tenant) {
            operator.close();
        }
    }
}
