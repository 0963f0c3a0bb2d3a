package dev.switchboard.outbound;

import dev.switchboard.egress.SafeHttpClients;
import dev.switchboard.egress.UrlGuards;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class OutboundConfig {

    /** Endpoint URLs are the tenant's: they reach only the ranges allowed for tenants. */
    @Bean(destroyMethod = "close")
    CloseableHttpClient deliveryHttpClient(UrlGuards guards, OutboundProperties properties) {
        return SafeHttpClients.create(
                guards.tenant(),
                properties.timeout(),
                properties.concurrency() * 2,
                properties.endpointConcurrency() * 2);
    }

    /** Endpoint signing secrets and static headers, for key rotation. */
    @Bean
    dev.switchboard.vault.SealedColumns endpointSealedColumns() {
        return new dev.switchboard.vault.SealedColumns(
                "endpoints", java.util.List.of("secret", "previous_secret", "headers_sealed"));
    }
}
