package dev.switchboard.connections;

import dev.switchboard.egress.SafeHttpClients;
import dev.switchboard.egress.UrlGuard;
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
        return SafeHttpClients.create(guard, properties.checkTimeout(), 64, 16);
    }

    @Bean
    OAuthClient oauthClient(CloseableHttpClient providerHttpClient, ConnectionsProperties properties) {
        return new OAuthClient(providerHttpClient, properties.checkTimeout());
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
