package dev.switchboard.approvals;

import dev.switchboard.egress.SafeHttpClients;
import dev.switchboard.egress.UrlGuards;
import dev.switchboard.vault.SealedColumns;
import java.util.List;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class ApprovalsConfig {

    /** The client that updates Slack messages through a callback's {@code response_url}. */
    record SlackClient(CloseableHttpClient http) implements AutoCloseable {
        @Override
        public void close() throws java.io.IOException {
            http.close();
        }
    }

    @Bean(destroyMethod = "close")
    SlackClient approvalsSlackClient(UrlGuards guards, ApprovalsProperties properties) {
        // The URL comes in a tenant's (signed) callback: the tenant's guard.
        return new SlackClient(SafeHttpClients.create(guards.tenant(), properties.slackResponseTimeout(), 16, 4));
    }

    /** The Slack signing secrets, for key rotation. */
    @Bean
    SealedColumns approvalSettingsSealedColumns() {
        return new SealedColumns(
                "approval_settings", "tenant_id", "approval_settings", List.of("slack_signing_secret"));
    }
}
