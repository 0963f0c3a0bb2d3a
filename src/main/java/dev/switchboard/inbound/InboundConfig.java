package dev.switchboard.inbound;

import dev.switchboard.vault.SealedColumns;
import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class InboundConfig {

    /** Source signing secrets, for key rotation. */
    @Bean
    SealedColumns sourceSealedColumns() {
        return new SealedColumns("sources", List.of("secret", "previous_secret", "verify_token"));
    }
}
