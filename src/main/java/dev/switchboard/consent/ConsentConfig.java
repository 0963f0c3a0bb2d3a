package dev.switchboard.consent;

import dev.switchboard.vault.SealedColumns;
import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * What a key rotation re-wraps here: each contact's data key and this capability's platform keys.
 * A contact's fields are sealed with its data key, not the vault's, so they need no re-wrap.
 */
@Configuration(proxyBeanMethods = false)
class ConsentConfig {

    @Bean
    SealedColumns contactDataKeys() {
        return new SealedColumns("contacts", List.of("data_key"));
    }

    @Bean
    SealedColumns consentPlatformKeys() {
        return new SealedColumns("consent_keys", List.of("sealed_key"));
    }
}
