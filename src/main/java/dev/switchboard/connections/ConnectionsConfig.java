package dev.switchboard.connections;

import dev.switchboard.outbound.SafeHttpClients;
import dev.switchboard.outbound.UrlGuard;
import dev.switchboard.vault.SealedColumns;
import java.util.List;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class ConnectionsConfig {

    /** Token and health-check calls: the SSRF guard, no redirects, no retries, a bounded wait. */
    @Bean(destroyMethod = "close")
    CloseableHttpClient providerHttpClient(UrlGuard guard, ConnectionsProperties properties) {
        // Each call has its own deadline (BoundedCalls); the client's timeouts only need to allow the longer one.
        var longest = properties.checkTimeout().compareTo(properties.tokenTimeout()) > 0
                ? properties.checkTimeout()
                : properties.tokenTimeout();
        return SafeHttpClients.create(guard, longest, 64, 16);
    }

    @Bean
    OAuthClient oauthClient(CloseableHttpClient providerHttpClient, ConnectionsProperties properties) {
        return new OAuthClient(providerHttpClient, properties.tokenTimeout());
    }

    /** Credentials, client secrets and tokens, for key rotation. */
    @Bean
    SealedColumns connectionSealedColumns() {
        return new SealedColumns(
                "connections", List.of("credentials", "oauth_client_secret", "access_token", "refresh_token"));
    }

    @Bean
    SealedColumns oauthStateSealedColumns() {
        return new SealedColumns("oauth_states", "state_hash", "oauth_states", List.of("code_verifier"));
    }
}
