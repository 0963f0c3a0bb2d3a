package dev.switchboard.operations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.testing.Receiver;
import dev.switchboard.testing.Receiver.Answer;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Rules fired by the conditions themselves, not by a hand-made event: the clock is moved (never
 * slept) through the retry schedule, and the alert must reach a local receiver once per window.
 */
class RealConditionRulesTest extends OperationsTestBase {

    /**
     * Two messages whose deliveries fail at every attempt against a local receiver answering 500 run
     * out of retries at the same time: one alert for the endpoint, counting both.
     */
    @Test
    void deliveriesThatExhaustTheirRetriesAlertOncePerWindow() throws Exception {
        String tenant = newTenant();
        Receiver customer = receiver();
        Receiver slack = receiver();
        channel(tenant, "slack", slack.url("/hook"));
        rule(tenant, "{\"kind\":\"deliveries_exhausted\",\"windowMinutes\":15}");
        String endpoint = api.post(base(tenant) + "/endpoints", ADMIN, "{\"url\":\"" + customer.url("/hook") + "\"}")
                .json()
                .get("id")
                .asString();
        for (int i = 0; i < 40; i++) customer.then(Answer.of(500));
        for (int i = 0; i < 2; i++) {
            assertThat(api.post(base(tenant) + "/messages", ADMIN, "{\"eventType\":\"a.b\",\"payload\":{}}")
                            .status())
                    .isEqualTo(202);
        }
        // The default schedule is 8 attempts over about 28 h (no jitter on this server, so both messages
        // keep the same schedule): move the clock past each delay and let the worker make the attempts.
        for (int attempt = 1; attempt <= 8 && failedDeliveries(tenant) < 2; attempt++) {
            int expected = 2 * attempt;
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> attempts(tenant) >= expected || failedDeliveries(tenant) == 2);
            clock.advance(Duration.ofHours(13));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> failedDeliveries(tenant) == 2);
        assertThat(attempts(tenant)).isEqualTo(16);
        received(slack, 1);
        assertThat(body(slack.requests.getFirst()).get("text").asString()).contains(endpoint);
        JsonNode recorded = alerts(tenant);
        assertThat(recorded).singleElement().satisfies(a -> {
            assertThat(a.get("kind").asString()).isEqualTo("deliveries_exhausted");
            assertThat(a.get("subject").asString()).isEqualTo(tenant + "/" + endpoint);
            assertThat(a.get("occurrences").asInt())
                    .as("both exhausted deliveries, one alert")
                    .isEqualTo(2);
        });
    }

    private long attempts(String tenant) {
        return jdbc.sql("SELECT count(*) FROM delivery_attempts WHERE tenant_id = :t")
                .param("t", tenant)
                .query(Long.class)
                .single();
    }

    private long failedDeliveries(String tenant) {
        return jdbc.sql("SELECT count(*) FROM deliveries WHERE tenant_id = :t AND status = 'failed'")
                .param("t", tenant)
                .query(Long.class)
                .single();
    }
}
