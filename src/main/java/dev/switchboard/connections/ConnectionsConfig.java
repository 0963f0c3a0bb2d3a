package dev.switchboard.connections;

import dev.switchboard.calllog.CallLog;
import dev.switchboard.egress.UrlGuards;
import dev.switchboard.vault.SealedColumns;
import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class ConnectionsConfig {

    /** Token and health-check calls: the SSRF guards, no redirects, no retries, a bounded wait. */
    @Bean(destroyMethod = "close")
    ProviderClients providerClients(UrlGuards guards, ConnectionsProperties properties) {
        // Each call has its own deadline (BoundedCalls); the client's timeouts only need to allow the longer one.
        var longest = properties.checkTimeout().compareTo(properties.tokenTimeout()) > 0
                ? properties.checkTimeout()
                : properties.tokenTimeout();
        return ProviderClients.create(guards, longest);
    }

    /** Token URLs come from the catalog alone: the operator's. */
    @Bean
    OAuthClient oauthClient(ProviderClients providerClients, ConnectionsProperties properties, CallLog callLog) {
        return new OAuthClient(providerClients.operator(), properties.tokenTimeout(), callLog);
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
