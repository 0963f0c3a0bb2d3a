package dev.switchboard.operations;

import dev.switchboard.egress.SafeHttpClients;
import dev.switchboard.egress.UrlGuards;
import dev.switchboard.vault.SealedColumns;
import java.io.IOException;
import java.util.List;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class OperationsConfig {

    /**
     * One client per guard: a tenant's channel URL reaches only the tenant ranges; a platform
     * channel is the operator's, and may reach the operator's ranges too.
     */
    record AlertClients(CloseableHttpClient tenant, CloseableHttpClient operator) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            try (tenant) {
                operator.close();
            }
        }
    }

    @Bean(destroyMethod = "close")
    AlertClients alertClients(UrlGuards guards, OperationsProperties properties) {
        return new AlertClients(
                SafeHttpClients.create(guards.tenant(), properties.sendTimeout(), 32, 4),
                SafeHttpClients.create(guards.operator(), properties.sendTimeout(), 32, 4));
    }

    /** Channel URLs, for key rotation. */
    @Bean
    SealedColumns alertChannelSealedColumns() {
        return new SealedColumns("alert_channels", List.of("url"));
    }
}
