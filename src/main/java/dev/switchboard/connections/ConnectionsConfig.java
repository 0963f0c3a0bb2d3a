package dev.switchboard.connections;

import dev.switchboard.outbound.SafeHttpClients;
import dev.switchboard.outbound.UrlGuard;
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
    OAuthClient oauthClient(CloseableHttpClient providerHttpClient) {
        return new OAuthClient(providerHttpClient);
    }
}
