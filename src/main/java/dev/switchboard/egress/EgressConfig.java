package dev.switchboard.egress;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

@Configuration(proxyBeanMethods = false)
class EgressConfig {

    private static final Logger log = LoggerFactory.getLogger(EgressConfig.class);

    @Bean
    UrlGuards urlGuards(EgressProperties properties, Environment environment) {
        if (environment.containsProperty("switchboard.outbound.allowed-networks")) {
            log.warn("SWITCHBOARD_OUTBOUND_ALLOWED_NETWORKS is deprecated and now applies to tenant URLs only:"
                    + " use SWITCHBOARD_EGRESS_TENANT_ALLOWED_NETWORKS, and SWITCHBOARD_EGRESS_OPERATOR_ALLOWED_NETWORKS"
                    + " for the provider catalog's URLs");
        }
        return UrlGuards.of(properties);
    }
}
