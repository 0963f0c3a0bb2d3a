package dev.switchboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.switchboard.testing.LocalProviders;
import dev.switchboard.testing.ReadmeBlock;
import dev.switchboard.testing.ServerTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Runs the README's operations walk-through, as written, against the real server and the local
 * stand-ins the README starts ({@code -Dbench=provider-double}, here on a free port): alerts to a
 * Slack-compatible URL, an endpoint disabled by failing, exactly one alert and one recovery notice,
 * the audit entries of each step, and a week of analytics by provider.
 */
class ReadmeOperationsTest extends ServerTest {

    @Test
    void theOperationsWalkThroughWorksAsWritten() throws Exception {
        assumeTrue(ReadmeBlock.runnable(), "bash or curl is not installed");
        assumeTrue(ReadmeBlock.onPath("openssl"), "openssl is not installed");
        // Real time: the block signs a Stripe webhook with the current time, which the source checks.
        clock.reset();
        String tenant = newTenant();
        String key = newKey(tenant, "admin");
        try (LocalProviders outside = new LocalProviders(0, 25, null)) {
            String out = ReadmeBlock.named("operations")
                    .replace("localhost:8080", "127.0.0.1:" + port)
                    .replace("127.0.0.1:12111", "127.0.0.1:" + outside.port())
                    .replace("localhost:12111", "127.0.0.1:" + outside.port())
                    .replace("/tenants/acme/", "/tenants/" + tenant + "/")
                    .env("ACME", key)
                    .run(Duration.ofSeconds(180));
            assertThat(out).doesNotContain("\"code\":").contains("\"disabled\":true");

            // Exactly one alert and one recovery notice reached Slack, and the endpoint then got its delivery.
            assertThat(outside.slack).hasSize(2);
            assertThat(outside.slack.get(0)).startsWith("Endpoint disabled: ").contains("410 Gone");
            assertThat(outside.slack.get(1)).startsWith("Resolved: Endpoint enabled again");
            assertThat(outside.hooksGone.get()).isEqualTo(1);
            assertThat(outside.hooksDelivered.get()).isEqualTo(1);
            var alerts =
                    api.get("/api/v1/tenants/" + tenant + "/alerts", key).json().get("data");
            assertThat(alerts.size()).isEqualTo(2);
            for (JsonNode alert : alerts) {
                assertThat(alert.get("deliveries").get(0).get("status").asString())
                        .isEqualTo("sent");
            }

            // The audit log has an entry for each step, and the block printed them.
            List<String> actions = new ArrayList<>();
            for (JsonNode entry : api.get("/api/v1/tenants/" + tenant + "/audit?limit=100", key)
                    .json()
                    .get("data")) {
                actions.add(entry.get("action").asString());
                assertThat(entry.get("outcome").asString()).isEqualTo("success");
            }
            assertThat(actions)
                    .containsSubsequence(
                            "endpoint.update",
                            "endpoint.create",
                            "source.create",
                            "alert-rule.create",
                            "alert-channel.create");
            assertThat(out)
                    .contains("\"action\":\"endpoint.update\",\"method\":\"PATCH\",\"targetType\":\"endpoint\"")
                    .contains("\"action\":\"alert-channel.create\",\"method\":\"POST\"");

            // A week of analytics by provider: Stripe's event received once, delivered in two attempts.
            var week = api.get("/api/v1/tenants/" + tenant + "/analytics?range=week&groupBy=provider", key)
                    .json();
            JsonNode stripe = null;
            for (JsonNode p : week.get("providers")) {
                if ("stripe".equals(p.path("provider").asString(""))) stripe = p;
            }
            assertThat(stripe).as(week.toString()).isNotNull();
            assertThat(stripe.get("received").asLong()).isEqualTo(1);
            assertThat(stripe.get("attempts").asLong()).isEqualTo(2);
            assertThat(week.get("series").size()).isPositive();
        } finally {
            disableEndpoints(tenant);
        }
    }
}
