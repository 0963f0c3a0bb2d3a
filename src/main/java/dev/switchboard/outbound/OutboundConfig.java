package dev.switchboard.outbound;

import dev.switchboard.egress.AddressPolicy;
import dev.switchboard.egress.SafeHttpClients;
import dev.switchboard.egress.UrlGuard;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class OutboundConfig {

    /** The one SSRF guard; every capability that calls out uses it (REFERENCE.md §3). */
    @Bean
    UrlGuard urlGuard(OutboundProperties properties) {
        return new UrlGuard(AddressPolicy.allowing(properties.allowedNetworks()));
    }

    @Bean(destroyMethod = "close")
    CloseableHttpClient deliveryHttpClient(UrlGuard guard, OutboundProperties properties) {
        return SafeHttpClients.create(
                guard, properties.timeout(), properties.concurrency() * 2, properties.endpointConcurrency() * 2);
    }

    /** Endpoint signing secrets and static headers, for key rotation. */
    @Bean
    dev.switchboard.vault.SealedColumns endpointSealedColumns() {
        return new dev.switchboard.vault.SealedColumns(
                "endpoints", java.util.List.of("secret", "previous_secret", "headers_sealed"));
    }
}
