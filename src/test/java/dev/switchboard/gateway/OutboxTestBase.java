package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.testing.Api;
import dev.switchboard.testing.Receiver;
import dev.switchboard.testing.ServerTest;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * A tenant with an API-key connection to a provider whose API is a local {@link OutboxDouble},
 * and an endpoint that receives the outbox's operational events: the setup of the outbox tests.
 */
abstract class OutboxTestBase extends ServerTest {

    OutboxDouble provider;
    Receiver events;
    String tenant;
    String outbox;
    String providerKey;
    String connection;

    @Autowired
    OutboxWorker worker;

    @BeforeEach
    void setUpOutbox() throws Exception {
        clock.reset();
        provider = new OutboxDouble();
        events = new Receiver();
        tenant = newTenant();
        outbox = "/api/v1/tenants/" + tenant + "/outbox";
        providerKey = "acme-" + UUID.randomUUID().toString().substring(0, 8);
        String definition = """
                {"key":"%s","name":"Acme API","category":"infrastructure","authType":"api_key",
                 "authorizationUrl":null,"tokenUrl":null,"defaultScopes":[],
                 "apiBaseUrl":"%s","credentialFields":[{"name":"apiKey","label":"API key","secret":true}],
                 "configFields":[],"auth":{"in":"header","name":"Authorization","prefix":"Bearer ","field":"apiKey"},
                 "headers":{},"healthCheck":null,
                 "rateLimits":{"perSecond":null,"perMinute":null,"perHour":null,"perDay":null},
                 "webhookScheme":null,"docsUrl":null,"idempotencyHeader":"Idempotency-Key"}""".formatted(providerKey, provider.url("/v1"));
        var added = api.post("/api/v1/providers", ADMIN, definition);
        assertThat(added.status()).as(added.toString()).isEqualTo(201);
        var c = api.post(
                "/api/v1/tenants/" + tenant + "/connections",
                ADMIN,
                "{\"provider\":\"" + providerKey
                        + "\",\"name\":\"Acme\",\"credentials\":{\"apiKey\":\"sk_test_secret_4242\"}}");
        assertThat(c.status()).as(c.toString()).isEqualTo(201);
        assertThat(c.json().get("state").asString()).isEqualTo("active");
        connection = c.json().get("id").asString();
        var ep = api.post(
                "/api/v1/tenants/" + tenant + "/endpoints",
                ADMIN,
                "{\"url\":\"" + events.url("/events") + "\",\"eventTypes\":[\"" + OutboxWorker.JOB_FAILED + "\"]}");
        assertThat(ep.status()).isEqualTo(201);
        provider.requests.clear();
    }

    @AfterEach
    void tearDownOutbox() {
        worker.useRandom(() -> java.util.concurrent.ThreadLocalRandom.current().nextDouble());
        // Jobs still waiting would be sent to a closed double in a later test: cancel them.
        for (JsonNode j : api.get(outbox + "?limit=1000", ADMIN).json().get("data")) {
            String status = j.get("status").asString();
            if (status.equals("queued") || status.equals("held")) {
                api.post(outbox + "/" + j.get("id").asString() + "/cancel", ADMIN, null);
            }
        }
        disableEndpoints(tenant);
        provider.close();
        events.close();
        clock.reset();
    }

    /** Queues a job with the given request (JSON) and extra top-level fields; asserts the 202. */
    String queue(String request, String extra) {
        var r = api.post(outbox, ADMIN, body(request, extra));
        assertThat(r.status()).as(r.toString()).isEqualTo(202);
        assertThat(r.json().get("id").asString()).startsWith("job_");
        return r.json().get("id").asString();
    }

    String body(String request, String extra) {
        return "{\"connection\":\"" + connection + "\",\"request\":" + request
                + (extra == null || extra.isEmpty() ? "" : "," + extra) + "}";
    }

    JsonNode job(String id) {
        var r = api.get(outbox + "/" + id, ADMIN);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json();
    }

    /** Waits (polling, up to 15 s) for the job to satisfy the condition; returns it. */
    JsonNode awaitJob(String id, Predicate<JsonNode> condition) {
        JsonNode[] last = new JsonNode[1];
        await().atMost(Duration.ofSeconds(15))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    last[0] = job(id);
                    return condition.test(last[0]);
                });
        return last[0];
    }

    JsonNode awaitStatus(String id, String status) {
        return awaitJob(id, j -> j.get("status").asString().equals(status));
    }

    /** Moves the shared clock on and lets the worker look at once. */
    void advance(Duration by) {
        clock.advance(by);
        worker.wake();
    }

    List<String> eventTypes() {
        return events.requests.stream()
                .map(r -> Api.JSON.readTree(r.body()).get("type").asString())
                .toList();
    }
}
