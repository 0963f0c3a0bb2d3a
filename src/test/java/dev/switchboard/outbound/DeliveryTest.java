package dev.switchboard.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.standardwebhooks.Webhook;
import dev.switchboard.testing.Api;
import dev.switchboard.testing.Receiver;
import dev.switchboard.testing.Receiver.Answer;
import dev.switchboard.testing.ServerTest;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Deliveries to a real local receiver, verified with the official Standard Webhooks library. */
class DeliveryTest extends ServerTest {

    Receiver receiver;
    String tenant;

    @BeforeEach
    void setUp() throws Exception {
        receiver = new Receiver();
        tenant = newTenant();
        clock.reset();
    }

    /** Disables this test's endpoints, so their pending retries never reach a later test. */
    @AfterEach
    void tearDown() {
        disableEndpoints(tenant);
        receiver.close();
    }

    JsonNode endpoint(String json) {
        var r = api.post("/api/v1/tenants/" + tenant + "/endpoints", ADMIN, json);
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.json();
    }

    JsonNode endpoint() {
        return endpoint("{\"url\":\"" + receiver.url("/hook") + "\",\"headers\":{\"X-Team\":\"blue\"}}");
    }

    String send(String type, String payload) {
        var r = api.post(
                "/api/v1/tenants/" + tenant + "/messages",
                ADMIN,
                "{\"eventType\":\"" + type + "\",\"payload\":" + payload + "}");
        assertThat(r.status()).as(r.toString()).isEqualTo(202);
        return r.json().get("id").asString();
    }

    JsonNode delivery(String messageId) {
        return api.get("/api/v1/tenants/" + tenant + "/messages/" + messageId, ADMIN)
                .json()
                .get("deliveries")
                .get(0);
    }

    JsonNode awaitDelivery(String messageId, String status) {
        await().atMost(Duration.ofSeconds(20))
                .until(() -> delivery(messageId).get("status").asString().equals(status));
        return delivery(messageId);
    }

    static void verified(Receiver.Request r, String secret) throws Exception {
        new Webhook(secret)
                .verify(
                        r.text(),
                        Map.of(
                                "webhook-id", List.of(r.header("webhook-id")),
                                "webhook-timestamp", List.of(r.header("webhook-timestamp")),
                                "webhook-signature", List.of(r.header("webhook-signature"))));
    }

    @Test
    void deliversSignedMessagesThatTheOfficialLibraryVerifies() throws Exception {
        JsonNode ep = endpoint();
        String secret = ep.get("secret").asString();
        assertThat(secret).startsWith("whsec_");
        String id = send("invoice.paid", "{\"invoice\":\"in_1\",\"amount\":2999}");
        JsonNode d = awaitDelivery(id, "succeeded");
        assertThat(d.get("attempts").asInt()).isEqualTo(1);
        assertThat(d.get("lastStatusCode").asInt()).isEqualTo(200);

        Receiver.Request r = receiver.requests.getFirst();
        verified(r, secret);
        assertThat(r.header("webhook-id")).isEqualTo(id);
        assertThat(r.header("User-Agent")).startsWith("Switchboard/");
        assertThat(r.header("X-Team")).isEqualTo("blue");
        JsonNode body = Api.JSON.readTree(r.body());
        assertThat(body.get("type").asString()).isEqualTo("invoice.paid");
        assertThat(body.get("data").get("invoice").asString()).isEqualTo("in_1");

        var attempts = api.get("/api/v1/tenants/" + tenant + "/messages/" + id + "/attempts", ADMIN)
                .json();
        assertThat(attempts.size()).isEqualTo(1);
        assertThat(attempts.get(0).get("outcome").asString()).isEqualTo("SUCCESS");
        assertThat(api.get(
                                "/api/v1/tenants/" + tenant + "/endpoints/"
                                        + ep.get("id").asString() + "/secret",
                                ADMIN)
                        .json()
                        .get("key")
                        .asString())
                .isEqualTo(secret);
        assertThat(api.get(
                                "/api/v1/tenants/" + tenant + "/endpoints/"
                                        + ep.get("id").asString(),
                                ADMIN)
                        .body())
                .doesNotContain(secret);
    }

    @Test
    void aFailureIsRetriedWithTheSameWebhookIdUntilItSucceeds() throws Exception {
        JsonNode ep = endpoint();
        receiver.then(Answer.of(500));
        String id = send("order.created", "{\"n\":1}");
        await().atMost(Duration.ofSeconds(20))
                .until(() -> delivery(id).get("attempts").asInt() == 1);
        JsonNode failed = delivery(id);
        assertThat(failed.get("status").asString()).isEqualTo("pending");
        assertThat(failed.get("lastStatusCode").asInt()).isEqualTo(500);
        clock.advance(Duration.ofSeconds(7));
        awaitDelivery(id, "succeeded");
        assertThat(receiver.requests).hasSize(2);
        assertThat(receiver.requests.get(0).header("webhook-id"))
                .isEqualTo(receiver.requests.get(1).header("webhook-id"));
        verified(receiver.requests.get(1), ep.get("secret").asString());
    }

    @Test
    void gonePausesTheEndpointAndReEnablingResumesEverything() {
        JsonNode ep = endpoint();
        String epId = ep.get("id").asString();
        receiver.then(Answer.of(410));
        String first = send("a.b", "{}");
        awaitDelivery(first, "paused");
        JsonNode disabled = api.get("/api/v1/tenants/" + tenant + "/endpoints/" + epId, ADMIN)
                .json();
        assertThat(disabled.get("disabled").asBoolean()).isTrue();
        assertThat(disabled.get("disabledReason").asString()).contains("410");
        String second = send("a.b", "{}");
        assertThat(delivery(second).get("status").asString()).isEqualTo("paused");

        api.patch("/api/v1/tenants/" + tenant + "/endpoints/" + epId, ADMIN, "{\"disabled\":false}");
        awaitDelivery(first, "succeeded");
        awaitDelivery(second, "succeeded");
    }

    @Test
    void retryAfterIsHonouredAndAThrottledReceiverGetsAtLeastAMinute() {
        endpoint();
        receiver.then(Answer.of(429, Map.of("Retry-After", "1")));
        String id = send("a.b", "{}");
        await().atMost(Duration.ofSeconds(20))
                .until(() -> delivery(id).get("attempts").asInt() == 1);
        JsonNode d = delivery(id);
        assertThat(d.get("status").asString())
                .as(d + " attempts "
                        + api.get("/api/v1/tenants/" + tenant + "/messages/" + id + "/attempts", ADMIN)
                                .body() + " received " + receiver.requests.size())
                .isEqualTo("pending");
        var attempt = api.get("/api/v1/tenants/" + tenant + "/messages/" + id + "/attempts", ADMIN)
                .json()
                .get(0);
        Duration wait = Duration.between(
                java.time.Instant.parse(attempt.get("attemptedAt").asString()),
                java.time.Instant.parse(d.get("nextAttemptAt").asString()));
        assertThat(wait).isBetween(Duration.ofSeconds(59), Duration.ofSeconds(62));
        assertThat(attempt.get("outcome").asString()).isEqualTo("THROTTLED");
    }

    @Test
    void redirectsAreFailuresAndAreNeverFollowed() {
        endpoint();
        receiver.then(Answer.of(302, Map.of("Location", "http://169.254.169.254/latest/meta-data/")));
        String id = send("a.b", "{}");
        await().atMost(Duration.ofSeconds(20))
                .until(() -> delivery(id).get("attempts").asInt() == 1);
        assertThat(delivery(id).get("lastStatusCode").asInt()).isEqualTo(302);
        assertThat(receiver.requests).hasSize(1);
        var attempt = api.get("/api/v1/tenants/" + tenant + "/messages/" + id + "/attempts", ADMIN)
                .json()
                .get(0);
        assertThat(attempt.get("outcome").asString()).isEqualTo("REDIRECT");
    }

    @Test
    void aSlowReceiverTimesOutAndAHugeResponseIsCapped() {
        endpoint();
        CountDownLatch release = new CountDownLatch(1);
        receiver.then(
                new Answer(200, Map.of(), new byte[0], release), new Answer(500, Map.of(), new byte[200_000], null));
        String slow = send("a.b", "{}");
        await().atMost(Duration.ofSeconds(20))
                .until(() -> delivery(slow).get("attempts").asInt() == 1);
        release.countDown();
        var timedOut = api.get("/api/v1/tenants/" + tenant + "/messages/" + slow + "/attempts", ADMIN)
                .json()
                .get(0);
        assertThat(timedOut.get("outcome").asString()).isEqualTo("TIMEOUT");
        assertThat(timedOut.get("error").asString()).contains("timed out");

        String big = send("a.c", "{}");
        await().atMost(Duration.ofSeconds(20))
                .until(() -> delivery(big).get("attempts").asInt() == 1);
        var capped = api.get("/api/v1/tenants/" + tenant + "/messages/" + big + "/attempts", ADMIN)
                .json()
                .get(0);
        assertThat(capped.get("responseExcerpt").asString()).hasSize(16384);
    }

    @Test
    void afterTheLastAttemptTheDeliveryIsDeadLetteredAndCanBeResent() throws Exception {
        Receiver ops = operations();
        JsonNode ep = endpoint("{\"url\":\"" + receiver.url("/hook") + "\",\"eventTypes\":[\"a.b\"]}");
        for (int i = 0; i < 8; i++) receiver.then(Answer.of(503));
        String id = send("a.b", "{}");
        // After each attempt, move time past the longest possible wait (10 h + 20 % jitter) and wake the engine.
        for (int attempt = 1; attempt < 8; attempt++) {
            int seen = attempt;
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> delivery(id).get("attempts").asInt() == seen);
            clock.advance(Duration.ofHours(13));
            engineWake();
        }
        awaitDelivery(id, "failed");
        assertThat(delivery(id).get("attempts").asInt()).isEqualTo(8);
        // The customer fixed their server: recover everything that failed since before the message.
        var recovered = api.post(
                "/api/v1/tenants/" + tenant + "/endpoints/" + ep.get("id").asString() + "/recover",
                ADMIN,
                "{\"since\":\"" + java.time.Instant.now().minus(Duration.ofHours(1)) + "\"}");
        assertThat(recovered.json().get("requeued").asInt()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(20)).until(() -> ops.requests.size() >= 2);
        assertThat(ops.requests.stream().map(r -> body(r).get("type").asString()))
                .containsExactly("switchboard.message.attempt.failing", "switchboard.message.attempt.exhausted");
        assertThat(body(ops.requests.get(1)).get("data").get("messageId").asString())
                .isEqualTo(id);
        ops.close();
        awaitDelivery(id, "succeeded");
        var failures = api.get(
                        "/api/v1/tenants/" + tenant + "/endpoints/"
                                + ep.get("id").asString() + "/attempts?status=failed",
                        ADMIN)
                .json();
        assertThat(failures.get("data").size()).isEqualTo(8);
    }

    private void engineWake() {
        // Any write that wakes the engine will do; the clock move is what makes the delivery due.
        api.post("/api/v1/tenants/" + tenant + "/messages", ADMIN, "{\"eventType\":\"nudge\",\"payload\":{}}");
    }

    @Test
    void duringARotationEveryDeliveryCarriesBothSignatures() throws Exception {
        JsonNode ep = endpoint();
        String old = ep.get("secret").asString();
        var rotated = api.post(
                "/api/v1/tenants/" + tenant + "/endpoints/" + ep.get("id").asString() + "/secret/rotate",
                ADMIN,
                "{\"graceSeconds\":3600}");
        String fresh = rotated.json().get("secret").asString();
        String id = send("a.b", "{}");
        awaitDelivery(id, "succeeded");
        Receiver.Request r = receiver.requests.getFirst();
        assertThat(r.header("webhook-signature").split(" ")).hasSize(2);
        verified(r, old);
        verified(r, fresh);
    }

    @Test
    void onlySubscribedEndpointsGetAMessage() {
        endpoint("{\"url\":\"" + receiver.url("/a") + "\",\"eventTypes\":[\"invoice.paid\"]}");
        endpoint("{\"url\":\"" + receiver.url("/b") + "\"}");
        var r = api.post(
                "/api/v1/tenants/" + tenant + "/messages", ADMIN, "{\"eventType\":\"user.created\",\"payload\":{}}");
        assertThat(r.json().get("deliveries").asInt()).isEqualTo(1);
        var both = api.post(
                "/api/v1/tenants/" + tenant + "/messages", ADMIN, "{\"eventType\":\"invoice.paid\",\"payload\":{}}");
        assertThat(both.json().get("deliveries").asInt()).isEqualTo(2);
    }

    @Test
    void anIdempotencyKeyReturnsTheSameMessageOrAConflict() {
        endpoint();
        HttpRequest.Builder b = HttpRequest.newBuilder(
                        URI.create(api.base() + "/api/v1/tenants/" + tenant + "/messages"))
                .header("Authorization", "Bearer " + ADMIN)
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", "order-42");
        var first = api.send(b.copy()
                .POST(HttpRequest.BodyPublishers.ofString("{\"eventType\":\"a.b\",\"payload\":{\"n\":1}}"))
                .build());
        var again = api.send(b.copy()
                .POST(HttpRequest.BodyPublishers.ofString("{\"eventType\":\"a.b\",\"payload\":{\"n\":1}}"))
                .build());
        var other = api.send(b.copy()
                .POST(HttpRequest.BodyPublishers.ofString("{\"eventType\":\"a.b\",\"payload\":{\"n\":2}}"))
                .build());
        assertThat(first.status()).isEqualTo(202);
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().get("id").asString())
                .isEqualTo(first.json().get("id").asString());
        assertThat(other.status()).isEqualTo(409);
        clock.advance(Duration.ofHours(25));
        var later = api.send(b.copy()
                .POST(HttpRequest.BodyPublishers.ofString("{\"eventType\":\"a.b\",\"payload\":{\"n\":2}}"))
                .build());
        assertThat(later.status()).isEqualTo(202);
    }

    @Test
    void blockedUrlsAndBadInputAreRefusedAtCreation() {
        for (String url : List.of(
                "http://169.254.169.254/latest",
                "http://10.0.0.1/",
                "ftp://x/",
                "http://[::ffff:10.0.0.1]/",
                "http://2130706433/")) {
            var r = api.post("/api/v1/tenants/" + tenant + "/endpoints", ADMIN, "{\"url\":\"" + url + "\"}");
            assertThat(r.status()).as(url).isEqualTo(400);
            assertThat(r.json().get("errors").get(0).get("field").asString()).isEqualTo("url");
        }
        var reserved = api.post(
                "/api/v1/tenants/" + tenant + "/endpoints",
                ADMIN,
                "{\"url\":\"" + receiver.url("/x") + "\",\"headers\":{\"webhook-signature\":\"forged\"}}");
        assertThat(reserved.status()).isEqualTo(400);
        var notObject =
                api.post("/api/v1/tenants/" + tenant + "/messages", ADMIN, "{\"eventType\":\"a\",\"payload\":[1]}");
        assertThat(notObject.status()).isEqualTo(400);
        var unknown = api.post(
                "/api/v1/tenants/" + tenant + "/endpoints",
                ADMIN,
                "{\"url\":\"" + receiver.url("/x") + "\",\"orderd\":true}");
        assertThat(unknown.status()).isEqualTo(400);
        String viewer = newKey(tenant, "viewer");
        var ep = endpoint();
        assertThat(api.get(
                                "/api/v1/tenants/" + tenant + "/endpoints/"
                                        + ep.get("id").asString() + "/secret",
                                viewer)
                        .status())
                .isEqualTo(403);
    }

    @Test
    void resendTestEventsAndStats() throws Exception {
        JsonNode ep = endpoint();
        String epId = ep.get("id").asString();
        String id = send("a.b", "{}");
        awaitDelivery(id, "succeeded");
        assertThat(api.post(
                                "/api/v1/tenants/" + tenant + "/messages/" + id + "/endpoints/" + epId + "/resend",
                                ADMIN,
                                null)
                        .status())
                .isEqualTo(202);
        await().atMost(Duration.ofSeconds(20)).until(() -> receiver.requests.size() == 2);
        assertThat(receiver.requests.get(1).header("webhook-id")).isEqualTo(id);

        var test = api.post("/api/v1/tenants/" + tenant + "/endpoints/" + epId + "/test", ADMIN, null);
        assertThat(test.status()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(20)).until(() -> receiver.requests.size() == 3);
        Receiver.Request r = receiver.requests.get(2);
        verified(r, ep.get("secret").asString());
        assertThat(Api.JSON.readTree(r.body()).get("type").asString()).isEqualTo("switchboard.test");
        assertThat(r.header("webhook-id"))
                .isEqualTo(test.json().get("messageId").asString());

        receiver.then(Answer.of(500));
        String failing = send("a.b", "{}");
        await().atMost(Duration.ofSeconds(20))
                .until(() -> delivery(failing).get("attempts").asInt() == 1);
        await().atMost(Duration.ofSeconds(20))
                .until(() -> api.get("/api/v1/tenants/" + tenant + "/endpoints/" + epId + "/stats", ADMIN)
                                .json()
                                .get("attempts")
                                .asInt()
                        == 4);
        JsonNode stats = api.get("/api/v1/tenants/" + tenant + "/endpoints/" + epId + "/stats", ADMIN)
                .json();
        assertThat(stats.get("succeeded").asInt()).isEqualTo(3);
        assertThat(stats.get("failed").asInt()).isEqualTo(1);
        assertThat(stats.get("successRate").asDouble()).isEqualTo(0.75);
        assertThat(stats.get("p95LatencyMs").asInt())
                .isGreaterThanOrEqualTo(stats.get("p50LatencyMs").asInt());
    }

    /** A second receiver, subscribed by name to every operational event of this tenant. */
    Receiver operations() throws Exception {
        Receiver ops = new Receiver();
        endpoint("{\"url\":\"" + ops.url("/ops") + "\",\"eventTypes\":[\"switchboard.endpoint.disabled\","
                + "\"switchboard.endpoint.enabled\",\"switchboard.message.attempt.failing\","
                + "\"switchboard.message.attempt.exhausted\",\"switchboard.message.attempt.recovered\"]}");
        return ops;
    }

    static JsonNode body(Receiver.Request r) {
        return Api.JSON.readTree(r.body());
    }

    @Test
    void operationalEventsReportDisablingAndEnabling() throws Exception {
        try (Receiver ops = operations();
                Receiver all = new Receiver()) {
            JsonNode ep = endpoint("{\"url\":\"" + receiver.url("/hook") + "\",\"eventTypes\":[\"a.b\"]}");
            String epId = ep.get("id").asString();
            endpoint("{\"url\":\"" + all.url("/all") + "\"}"); // every type, but not Switchboard's own
            receiver.then(Answer.of(410));
            String id = send("a.b", "{}");
            // Two endpoints take "a.b" here: watch the one that answers 410.
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                for (JsonNode d : api.get("/api/v1/tenants/" + tenant + "/messages/" + id, ADMIN)
                        .json()
                        .get("deliveries")) {
                    if (d.get("endpointId").asString().equals(epId))
                        return d.get("status").asString().equals("paused");
                }
                return false;
            });
            await().atMost(Duration.ofSeconds(20)).until(() -> ops.requests.size() == 1);
            JsonNode disabled = body(ops.requests.get(0));
            assertThat(disabled.get("type").asString()).isEqualTo("switchboard.endpoint.disabled");
            assertThat(disabled.get("data").get("endpointId").asString()).isEqualTo(epId);
            assertThat(disabled.get("data").get("reason").asString()).contains("410");

            api.patch("/api/v1/tenants/" + tenant + "/endpoints/" + epId, ADMIN, "{\"disabled\":false}");
            await().atMost(Duration.ofSeconds(20)).until(() -> ops.requests.size() == 2);
            assertThat(body(ops.requests.get(1)).get("type").asString()).isEqualTo("switchboard.endpoint.enabled");
            await().atMost(Duration.ofSeconds(20)).until(() -> all.requests.size() >= 1);
            assertThat(all.requests).noneMatch(r -> r.text().contains("\"switchboard."));
        }
    }

    @Test
    void anEndpointFailingLongerThanTheWindowIsDisabledAndItsMessagesKept() throws Exception {
        try (Receiver ops = operations()) {
            JsonNode ep = endpoint("{\"url\":\"" + receiver.url("/hook") + "\",\"eventTypes\":[\"a.b\"]}");
            receiver.then(Answer.of(500), Answer.of(500));
            String id = send("a.b", "{}");
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> delivery(id).get("attempts").asInt() == 1);
            clock.advance(Duration.ofDays(5).plusHours(1));
            engineWake();
            awaitDelivery(id, "paused");
            JsonNode disabled = api.get(
                            "/api/v1/tenants/" + tenant + "/endpoints/"
                                    + ep.get("id").asString(),
                            ADMIN)
                    .json();
            assertThat(disabled.get("disabled").asBoolean()).isTrue();
            assertThat(disabled.get("disabledReason").asString()).contains("failing without a success");
            await().atMost(Duration.ofSeconds(20)).until(() -> ops.requests.size() == 1);
            assertThat(body(ops.requests.get(0)).get("type").asString()).isEqualTo("switchboard.endpoint.disabled");
        }
    }
}
