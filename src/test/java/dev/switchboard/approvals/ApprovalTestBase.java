package dev.switchboard.approvals;

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
 * A tenant with an API-key connection to a provider whose API is a local {@link Receiver}, two
 * admin keys (one queues, the other decides) and a viewer, and an endpoint that receives the
 * approval events: the setup of the approval tests.
 */
abstract class ApprovalTestBase extends ServerTest {

    static final List<String> EVENTS =
            List.of(Approvals.REQUESTED, Approvals.APPROVED, Approvals.DENIED, Approvals.EXPIRED);

    Receiver provider;
    Receiver events;
    String tenant;
    String base;
    String connection;
    /** The key that queues jobs, and its id. */
    String requester;

    String requesterId;
    /** Another admin: the second pair of eyes. */
    String approver;

    String approverId;
    String viewer;

    @Autowired
    ApprovalJobs approvalJobs;

    @BeforeEach
    void setUpApprovals() throws Exception {
        clock.reset();
        provider = new Receiver();
        events = new Receiver();
        tenant = newTenant();
        base = "/api/v1/tenants/" + tenant;
        connection = connect(provider.url("/v1"), "Acme");
        var a = createKey("admin");
        requester = a.get("key").asString();
        requesterId = a.get("id").asString();
        var b = createKey("admin");
        approver = b.get("key").asString();
        approverId = b.get("id").asString();
        viewer = newKey(tenant, "viewer");
        var ep = api.post(
                base + "/endpoints",
                ADMIN,
                "{\"url\":\"" + events.url("/events") + "\",\"eventTypes\":" + Api.JSON.writeValueAsString(EVENTS)
                        + "}");
        assertThat(ep.status()).as(ep.toString()).isEqualTo(201);
    }

    @AfterEach
    void tearDownApprovals() {
        for (JsonNode j : api.get(base + "/outbox?limit=1000", ADMIN).json().get("data")) {
            String status = j.get("status").asString();
            if (status.equals("queued") || status.equals("held")) {
                api.post(base + "/outbox/" + j.get("id").asString() + "/cancel", ADMIN, null);
            }
        }
        disableEndpoints(tenant);
        provider.close();
        events.close();
        clock.reset();
    }

    JsonNode createKey(String role) {
        var r = api.post(base + "/api-keys", ADMIN, "{\"name\":\"k\",\"role\":\"" + role + "\"}");
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.json();
    }

    /** An API-key connection to a provider of its own whose API base is {@code apiBase}. */
    String connect(String apiBase, String name) {
        String providerKey = "apr-" + UUID.randomUUID().toString().substring(0, 8);
        String definition = """
                {"key":"%s","name":"%s","category":"infrastructure","authType":"api_key",
                 "authorizationUrl":null,"tokenUrl":null,"defaultScopes":[],
                 "apiBaseUrl":"%s","credentialFields":[{"name":"apiKey","label":"API key","secret":true}],
                 "configFields":[],"auth":{"in":"header","name":"Authorization","prefix":"Bearer ","field":"apiKey"},
                 "headers":{},"healthCheck":null,
                 "rateLimits":{"perSecond":null,"perMinute":null,"perHour":null,"perDay":null},
                 "webhookScheme":null,"docsUrl":null,"idempotencyHeader":"Idempotency-Key"}""".formatted(providerKey, name, apiBase);
        var added = api.post("/api/v1/providers", ADMIN, definition);
        assertThat(added.status()).as(added.toString()).isEqualTo(201);
        var c = api.post(
                base + "/connections",
                ADMIN,
                "{\"provider\":\"" + providerKey + "\",\"name\":\"" + name
                        + "\",\"credentials\":{\"apiKey\":\"sk_test_approval_4242\"}}");
        assertThat(c.status()).as(c.toString()).isEqualTo(201);
        return c.json().get("id").asString();
    }

    /** Queues a job with the requester's key; returns the answer's JSON (id and status). */
    JsonNode queue(String request, String extra) {
        var r = api.post(
                base + "/outbox",
                requester,
                "{\"connection\":\"" + connection + "\",\"request\":" + request + (extra == null ? "" : "," + extra)
                        + "}");
        assertThat(r.status()).as(r.toString()).isEqualTo(202);
        return r.json();
    }

    JsonNode job(String id) {
        var r = api.get(base + "/outbox/" + id, ADMIN);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json();
    }

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

    JsonNode approval(String id) {
        var r = api.get(base + "/approvals/" + id, ADMIN);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json();
    }

    /** The approval events the endpoint received so far, each as {@code type jobId}. */
    List<String> eventsFor(String jobId) {
        return events.requests.stream()
                .map(r -> Api.JSON.readTree(r.body()))
                .filter(e -> jobId.equals(e.path("data").path("jobId").asString(null)))
                .map(e -> e.get("type").asString())
                .toList();
    }

    void awaitEvents(String jobId, String... types) {
        await().atMost(Duration.ofSeconds(15))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> eventsFor(jobId).containsAll(List.of(types)));
    }

    /** Calls the provider received (on its API base), not counting anything else. */
    long providerCalls() {
        return provider.requests.size();
    }
}
