package dev.switchboard.operations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.testing.Receiver;
import dev.switchboard.testing.Receiver.Answer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
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
            // Not once both gave up: their signals are handled at this time, within one window.
            if (attempt < 8 && failedDeliveries(tenant) < 2) clock.advance(Duration.ofHours(13));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> failedDeliveries(tenant) == 2);
        assertThat(attempts(tenant)).isEqualTo(16);
        await().atMost(Duration.ofSeconds(15))
                .until(() -> alerts(tenant).size() == 1
                        && alerts(tenant).get(0).get("occurrences").asInt() == 2);
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

    /**
     * Two outbox jobs the provider (a local double) refuses with 400 are dead at once: one alert for
     * the connection, counting both.
     */
    @Test
    void deadOutboxJobsAlertOncePerWindow() throws Exception {
        String tenant = newTenant();
        Receiver provider = receiver();
        Receiver slack = receiver();
        channel(tenant, "slack", slack.url("/hook"));
        rule(tenant, "{\"kind\":\"outbox_job_failed\"}");
        String providerKey = "acme-" + UUID.randomUUID().toString().substring(0, 8);
        var added = api.post("/api/v1/providers", ADMIN, """
                {"key":"%s","name":"Acme API","category":"infrastructure","authType":"api_key",
                 "authorizationUrl":null,"tokenUrl":null,"defaultScopes":[],
                 "apiBaseUrl":"%s","credentialFields":[{"name":"apiKey","label":"API key","secret":true}],
                 "configFields":[],"auth":{"in":"header","name":"Authorization","prefix":"Bearer ","field":"apiKey"},
                 "headers":{},"healthCheck":null,
                 "rateLimits":{"perSecond":null,"perMinute":null,"perHour":null,"perDay":null},
                 "webhookScheme":null,"docsUrl":null}""".formatted(providerKey, provider.url("/v1")));
        assertThat(added.status()).as(added.toString()).isEqualTo(201);
        try {
            var c = api.post(
                    base(tenant) + "/connections",
                    ADMIN,
                    "{\"provider\":\"" + providerKey + "\",\"name\":\"Acme\",\"credentials\":{\"apiKey\":\"k-1\"}}");
            assertThat(c.status()).as(c.toString()).isEqualTo(201);
            String connection = c.json().get("id").asString();
            provider.then(Answer.of(400), Answer.of(400));
            List<String> jobs = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                var r = api.post(
                        base(tenant) + "/outbox",
                        ADMIN,
                        "{\"connection\":\"" + connection
                                + "\",\"request\":{\"method\":\"POST\",\"path\":\"/charges\",\"body\":\"amount=1\"}}");
                assertThat(r.status()).as(r.toString()).isEqualTo(202);
                jobs.add(r.json().get("id").asString());
            }
            for (String job : jobs) {
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> "failed"
                                .equals(api.get(base(tenant) + "/outbox/" + job, ADMIN)
                                        .json()
                                        .get("status")
                                        .asString()));
            }
            received(slack, 1);
            await().atMost(Duration.ofSeconds(15))
                    .until(() -> alerts(tenant).get(0).get("occurrences").asInt() == 2);
            JsonNode recorded = alerts(tenant);
            assertThat(recorded).singleElement().satisfies(a -> {
                assertThat(a.get("kind").asString()).isEqualTo("outbox_job_failed");
                assertThat(a.get("subject").asString()).isEqualTo(tenant + "/" + connection);
            });
            assertThat(slack.requests).as("once per window").hasSize(1);
        } finally {
            api.delete("/api/v1/providers/" + providerKey, ADMIN);
        }
    }

    /** A connection pushed to the limit of its per-minute window by its outbox jobs: one alert. */
    @Test
    void aConnectionPushedOverItsLimitWindowAlertsOnce() throws Exception {
        String tenant = newTenant();
        Receiver provider = receiver();
        Receiver slack = receiver();
        channel(tenant, "slack", slack.url("/hook"));
        rule(tenant, "{\"kind\":\"rate_limit_exceeded\"}");
        String providerKey = "acme-" + UUID.randomUUID().toString().substring(0, 8);
        var added = api.post("/api/v1/providers", ADMIN, """
                {"key":"%s","name":"Acme API","category":"infrastructure","authType":"api_key",
                 "authorizationUrl":null,"tokenUrl":null,"defaultScopes":[],
                 "apiBaseUrl":"%s","credentialFields":[{"name":"apiKey","label":"API key","secret":true}],
                 "configFields":[],"auth":{"in":"header","name":"Authorization","prefix":"Bearer ","field":"apiKey"},
                 "headers":{},"healthCheck":null,
                 "rateLimits":{"perSecond":null,"perMinute":2,"perHour":null,"perDay":null},
                 "webhookScheme":null,"docsUrl":null}""".formatted(providerKey, provider.url("/v1")));
        assertThat(added.status()).as(added.toString()).isEqualTo(201);
        try {
            var c = api.post(
                    base(tenant) + "/connections",
                    ADMIN,
                    "{\"provider\":\"" + providerKey + "\",\"name\":\"Acme\",\"credentials\":{\"apiKey\":\"k-1\"}}");
            assertThat(c.status()).as(c.toString()).isEqualTo(201);
            String connection = c.json().get("id").asString();
            for (int i = 0; i < 2; i++) {
                var r = api.post(
                        base(tenant) + "/outbox",
                        ADMIN,
                        "{\"connection\":\"" + connection + "\",\"request\":{\"method\":\"GET\",\"path\":\"/items/" + i
                                + "\"}}");
                assertThat(r.status()).as(r.toString()).isEqualTo(202);
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> provider.requests.size() >= 2);
            received(slack, 1);
            JsonNode recorded = alerts(tenant);
            assertThat(recorded).singleElement().satisfies(a -> {
                assertThat(a.get("kind").asString()).isEqualTo("rate_limit_exceeded");
                assertThat(a.get("subject").asString()).isEqualTo(tenant + "/" + connection);
                assertThat(a.get("message").asString()).contains("per minute");
            });
        } finally {
            api.delete("/api/v1/providers/" + providerKey, ADMIN);
        }
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
