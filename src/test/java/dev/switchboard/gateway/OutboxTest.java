package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.gateway.OutboxDouble.Answer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The outbox over HTTP against a local provider: a job sent with the connection's credentials,
 * priorities, cancel and retry, idempotency keys, bad input, deadlines and held connections.
 */
class OutboxTest extends OutboxTestBase {

    @Test
    void aJobIsSentWithTheConnectionsCredentialsAndShownRedacted() {
        provider.then(Answer.of(
                200,
                Map.of("Content-Type", "application/json", "Set-Cookie", "sid=cookie-value-1"),
                "{\"id\":\"ch_1\",\"client_secret\":\"pi_secret_value\",\"nested\":{\"api_key\":\"k-leak\"}}"));
        String id = queue("""
                {"method":"POST","path":"/charges/ch%201","query":{"expand":["customer","invoice"],"q":"a b"},
                 "headers":{"Stripe-Version":"2024-06-20","X-Api-Token":"caller-token-value"},
                 "body":{"amount":100,"password":"body-password-value"}}""", "\"priority\":7,\"metadata\":{\"order\":\"o-1\"}");
        JsonNode done = awaitStatus(id, "succeeded");

        assertThat(provider.requests).hasSize(1);
        var sent = provider.requests.getFirst();
        assertThat(sent.method()).isEqualTo("POST");
        assertThat(sent.path()).isEqualTo("/v1/charges/ch%201");
        assertThat(sent.query()).isEqualTo("expand=customer&expand=invoice&q=a%20b");
        assertThat(sent.header("Authorization")).isEqualTo("Bearer sk_test_secret_4242");
        assertThat(sent.header("Stripe-Version")).isEqualTo("2024-06-20");
        assertThat(sent.header("Idempotency-Key")).isEqualTo(id);
        assertThat(sent.header("Content-Type")).startsWith("application/json");
        assertThat(sent.text()).isEqualTo("{\"amount\":100,\"password\":\"body-password-value\"}");

        assertThat(done.get("provider").asString()).isEqualTo(providerKey);
        assertThat(done.get("connection").asString()).isEqualTo(connection);
        assertThat(done.get("priority").asInt()).isEqualTo(7);
        assertThat(done.get("attempts").asInt()).isEqualTo(1);
        assertThat(done.get("lastStatusCode").asInt()).isEqualTo(200);
        assertThat(done.get("completedAt").isNull()).isFalse();
        assertThat(done.get("metadata").get("order").asString()).isEqualTo("o-1");
        assertThat(done.get("history")).hasSize(1);
    }

    @Test
    void theDetailViewRedactsSecretsInRequestAndResponse() {
        provider.then(Answer.of(
                200,
                Map.of("Content-Type", "application/json", "Set-Cookie", "sid=cookie-value-1"),
                "{\"id\":\"ch_1\",\"client_secret\":\"pi_secret_value\",\"nested\":{\"api_key\":\"k-leak\"}}"));
        String id = queue("""
                {"method":"POST","path":"/charges","headers":{"X-Api-Token":"caller-token-value"},
                 "body":{"amount":100,"password":"body-password-value"}}""", null);
        awaitStatus(id, "succeeded");
        var r = api.get(outbox + "/" + id, ADMIN);
        assertThat(r.body())
                .doesNotContain("sk_test_secret_4242")
                .doesNotContain("cookie-value-1")
                .doesNotContain("pi_secret_value")
                .doesNotContain("k-leak")
                .doesNotContain("caller-token-value")
                .doesNotContain("body-password-value")
                .contains("[redacted]", "ch_1");
        JsonNode attempt = r.json().get("history");
        assertThat(attempt.size()).isEqualTo(1);
        assertThat(attempt.get(0).get("statusCode").asInt()).isEqualTo(200);
        assertThat(attempt.get(0).get("outcome").asString()).isEqualTo("SUCCEEDED");
        assertThat(attempt.get(0).get("latencyMs").asInt()).isGreaterThanOrEqualTo(0);
        assertThat(attempt.get(0).get("responseExcerpt").asString()).contains("ch_1");
        // The list shows the same redaction.
        assertThat(api.get(outbox, ADMIN).body()).doesNotContain("caller-token-value", "body-password-value");
    }

    @Test
    void withABacklogPriorityNineJobsGoBeforePriorityZeroJobs() {
        // Every job due at the same moment, a minute from now: the low ones queued first.
        Instant at = clock.instant().plus(Duration.ofMinutes(1));
        String when = "\"notBefore\":\"" + at + "\"";
        List<String> low = new ArrayList<>();
        List<String> high = new ArrayList<>();
        for (int i = 0; i < 80; i++) low.add(queue(get("/low/" + i), "\"priority\":0," + when));
        for (int i = 0; i < 10; i++) high.add(queue(get("/high/" + i), "\"priority\":9," + when));
        assertThat(provider.requests).isEmpty();
        provider.latency(Duration.ofMillis(50));
        advance(Duration.ofMinutes(1));
        await().atMost(Duration.ofSeconds(30)).until(() -> provider.requests.size() == 90);
        // One node sends at most `concurrency` (32) at once, and claims the highest priority first:
        // every priority 9 job is among the first batch, before the rest of the backlog.
        List<String> order =
                provider.requests.stream().map(OutboxDouble.Request::path).toList();
        for (int i = 0; i < 10; i++) assertThat(order.indexOf("/v1/high/" + i)).isLessThan(32);
        assertThat(order.subList(0, 10)).allMatch(p -> p.startsWith("/v1/high/") || p.startsWith("/v1/low/"));
        assertThat(order.subList(order.size() - 40, order.size())).allMatch(p -> p.startsWith("/v1/low/"));
    }

    static String get(String path) {
        return "{\"method\":\"GET\",\"path\":\"" + path + "\"}";
    }

    @Test
    void cancelTakesAWaitingJobAndRefusesOneInFlight() {
        String later = queue(get("/later"), "\"notBefore\":\"" + clock.instant().plus(Duration.ofHours(1)) + "\"");
        var cancelled = api.post(outbox + "/" + later + "/cancel", ADMIN, null);
        assertThat(cancelled.status()).as(cancelled.toString()).isEqualTo(200);
        assertThat(cancelled.json().get("status").asString()).isEqualTo("cancelled");
        assertThat(api.post(outbox + "/" + later + "/cancel", ADMIN, null).status())
                .isEqualTo(409);
        assertThat(api.post(outbox + "/" + later + "/retry", ADMIN, null).status())
                .isEqualTo(409);
        advance(Duration.ofHours(2));
        assertThat(job(later).get("status").asString()).isEqualTo("cancelled");

        CountDownLatch hold = new CountDownLatch(1);
        provider.then(Answer.held(hold));
        String busy = queue(get("/busy"), null);
        awaitStatus(busy, "in_flight");
        var refused = api.post(outbox + "/" + busy + "/cancel", ADMIN, null);
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.json().get("code").asString()).isEqualTo("conflict");
        hold.countDown();
        awaitStatus(busy, "succeeded");
        assertThat(provider.requests).extracting(OutboxDouble.Request::path).containsExactly("/v1/busy");
        assertThat(api.post(outbox + "/missing/cancel", ADMIN, null).status()).isEqualTo(404);
    }

    @Test
    void retryQueuesAFailedJobAsANewSeriesWithAKeyOfItsOwn() {
        provider.then(Answer.of(400, Map.of(), "{\"error\":\"bad\"}"));
        String id = queue(
                "{\"method\":\"POST\",\"path\":\"/charges\",\"body\":\"amount=1\"}", "\"idempotencyKey\":\"order-77\"");
        JsonNode failed = awaitStatus(id, "failed");
        assertThat(failed.get("lastStatusCode").asInt()).isEqualTo(400);
        await().atMost(Duration.ofSeconds(30)).until(() -> eventTypes().contains(OutboxWorker.JOB_FAILED));

        var retried = api.post(outbox + "/" + id + "/retry", ADMIN, null);
        assertThat(retried.status()).as(retried.toString()).isEqualTo(202);
        JsonNode done = awaitStatus(id, "succeeded");
        assertThat(done.get("series").asInt()).isEqualTo(2);
        assertThat(provider.requests)
                .extracting(r -> r.header("Idempotency-Key"))
                .containsExactly("order-77", "order-77-r2");
        assertThat(provider.requests.getFirst().text()).isEqualTo("amount=1");
        JsonNode attempts = api.get(outbox + "/" + id, ADMIN).json().get("history");
        assertThat(attempts)
                .extracting(
                        a -> a.get("series").asInt() + ":" + a.get("statusCode").asInt())
                .containsExactly("1:400", "2:200");
        assertThat(api.post(outbox + "/" + id + "/retry", ADMIN, null).status()).isEqualTo(409);
    }

    @Test
    void theSameIdempotencyKeyGivesTheFirstJobAndAnotherBodyIsAConflict() {
        String request = body(get("/once"), "\"idempotencyKey\":\"k-1\"");
        var first = api.post(outbox, ADMIN, request);
        assertThat(first.status()).isEqualTo(202);
        var again = api.post(outbox, ADMIN, request);
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().get("id").asString())
                .isEqualTo(first.json().get("id").asString());
        var other = api.post(outbox, ADMIN, body(get("/twice"), "\"idempotencyKey\":\"k-1\""));
        assertThat(other.status()).isEqualTo(409);
        assertThat(other.json().get("code").asString()).isEqualTo("conflict");
        awaitStatus(first.json().get("id").asString(), "succeeded");
        assertThat(provider.requests).hasSize(1);
        assertThat(jdbc.sql("SELECT count(*) FROM outbox_jobs WHERE tenant_id = ?")
                        .param(tenant)
                        .query(Long.class)
                        .single())
                .isEqualTo(1);
    }

    @Test
    void badInputIsRefusedWithTheFieldAndStoresNothing() {
        var unknown = api.post(
                outbox, ADMIN, "{\"connection\":\"con_missing\",\"request\":{\"method\":\"GET\",\"path\":\"/x\"}}");
        assertThat(unknown.status()).isEqualTo(404);

        var large = api.post(
                outbox,
                ADMIN,
                body("{\"method\":\"POST\",\"path\":\"/x\",\"body\":\"" + "a".repeat(300_000) + "\"}", null));
        assertThat(large.status()).as(large.toString()).isEqualTo(413);
        assertThat(large.json().get("code").asString()).isEqualTo("payload_too_large");

        Map<String, String> fields = new java.util.LinkedHashMap<>();
        fields.put(body(get("/x"), "\"priority\":10"), "priority");
        fields.put(body(get("/x"), "\"priority\":-1"), "priority");
        fields.put(body(get("/x"), "\"notBefore\":\"tomorrow\""), "notBefore");
        fields.put(body(get("/x"), "\"deadline\":\"2020-01-01T00:00:00Z\""), "deadline");
        fields.put(body(get("/x"), "\"deadline\":\"2026-13-01T00:00:00Z\""), "deadline");
        fields.put(body(get("/x"), "\"maxAttempts\":0"), "maxAttempts");
        fields.put(body(get("/x"), "\"maxAttempts\":26"), "maxAttempts");
        fields.put(body("{\"method\":\"TRACE\",\"path\":\"/x\"}", null), "request.method");
        fields.put(body("{\"method\":\"get\",\"path\":\"/x\"}", null), "request.method");
        fields.put(body(get("/x"), "\"metadata\":{\"a\":1}"), "metadata");
        fields.put(body(get("/x"), "\"idempotencyKey\":\"has space\""), "idempotencyKey");
        fields.put(
                body("{\"method\":\"GET\",\"path\":\"/x\",\"headers\":{\"Authorization\":\"Bearer x\"}}", null),
                "request.headers.Authorization");
        fields.put(
                body("{\"method\":\"GET\",\"path\":\"/x\",\"headers\":{\"X-A\":\"a\\r\\nX-B: b\"}}", null),
                "request.headers.X-A");
        fields.put("{\"request\":{\"method\":\"GET\",\"path\":\"/x\"}}", "connection");
        for (String path : List.of(
                "https://evil.example/x",
                "http:/evil.example",
                "//evil.example/x",
                "evil.example/x",
                "",
                "/a/../b",
                "/..",
                "/a/./b",
                "/a/%2e%2e/b",
                "/a/%2E./b",
                "/a%2Fb",
                "/a%2fb",
                "/a%5Cb",
                "/a\\\\b",
                "/@evil.example",
                "/x@evil.example/",
                "/a\\u0000b",
                "/a\\u0007b",
                "/a%0ab",
                "/a b",
                "/a?x=1",
                "/a#frag",
                "/a%zz",
                "/a%")) {
            fields.put(body("{\"method\":\"GET\",\"path\":\"" + path + "\"}", null), "request.path");
        }
        for (var e : fields.entrySet()) {
            var r = api.post(outbox, ADMIN, e.getKey());
            assertThat(r.status()).as(e.getKey() + " → " + r).isEqualTo(400);
            assertThat(r.json().get("errors").get(0).get("field").asString())
                    .as(e.getKey())
                    .isEqualTo(e.getValue());
        }
        var wrongType = api.post(outbox, ADMIN, body(get("/x"), "\"priority\":\"high\""));
        assertThat(wrongType.status()).isEqualTo(400);
        assertThat(api.get(outbox + "?status=nope", ADMIN).status()).isEqualTo(400);
        assertThat(api.get(outbox + "?since=yesterday", ADMIN).status()).isEqualTo(400);
        assertThat(api.get(outbox + "?priority=12", ADMIN).status()).isEqualTo(400);
        assertThat(api.get(outbox, ADMIN).json().get("data").size()).isZero();
        assertThat(provider.requests).isEmpty();
    }

    @Test
    void listsFilterAndPage() {
        String a = queue(
                get("/a"), "\"priority\":1,\"notBefore\":\"" + clock.instant().plus(Duration.ofHours(1)) + "\"");
        String b = queue(
                get("/b"), "\"priority\":2,\"notBefore\":\"" + clock.instant().plus(Duration.ofHours(1)) + "\"");
        String c = queue(get("/c"), "\"priority\":2");
        awaitStatus(c, "succeeded");
        var page1 = api.get(outbox + "?limit=2", ADMIN).json();
        assertThat(page1.get("data")).extracting(j -> j.get("id").asString()).containsExactly(c, b);
        var page2 = api.get(
                        outbox + "?limit=2&cursor=" + page1.get("nextCursor").asString(), ADMIN)
                .json();
        assertThat(page2.get("data")).extracting(j -> j.get("id").asString()).containsExactly(a);
        assertThat(page2.get("nextCursor").isNull()).isTrue();
        assertThat(ids("?status=queued")).containsExactlyInAnyOrder(a, b);
        assertThat(ids("?priority=2")).containsExactlyInAnyOrder(b, c);
        assertThat(ids("?connection=" + connection)).hasSize(3);
        assertThat(ids("?connection=con_other")).isEmpty();
        assertThat(ids("?provider=" + providerKey + "&status=succeeded")).containsExactly(c);
        assertThat(ids("?since=" + clock.instant().plus(Duration.ofMinutes(1)))).isEmpty();
        // Another tenant sees none of them.
        String other = newTenant();
        assertThat(api.get("/api/v1/tenants/" + other + "/outbox/" + a, ADMIN).status())
                .isEqualTo(404);
        assertThat(api.get("/api/v1/tenants/" + other + "/outbox", ADMIN)
                        .json()
                        .get("data")
                        .size())
                .isZero();
    }

    Set<String> ids(String query) {
        Set<String> out = new java.util.HashSet<>();
        for (JsonNode j : api.get(outbox + query, ADMIN).json().get("data"))
            out.add(j.get("id").asString());
        return out;
    }

    @Test
    void aJobPastItsDeadlineFailsWithoutBeingSent() {
        Instant now = clock.instant();
        String id = queue(
                get("/late"),
                "\"notBefore\":\"" + now.plus(Duration.ofMinutes(1)) + "\",\"deadline\":\""
                        + now.plus(Duration.ofMinutes(2)) + "\"");
        advance(Duration.ofMinutes(3));
        JsonNode failed = awaitStatus(id, "failed");
        assertThat(failed.get("lastError").asString()).contains("deadline");
        assertThat(failed.get("attempts").asInt()).isZero();
        assertThat(provider.requests).isEmpty();
        await().atMost(Duration.ofSeconds(30)).until(() -> eventTypes().contains(OutboxWorker.JOB_FAILED));
        JsonNode event = dev.switchboard.testing.Api.JSON.readTree(
                events.requests.getFirst().body());
        assertThat(event.get("data").get("jobId").asString()).isEqualTo(id);

        // A retry the deadline would not wait for is not scheduled: the job fails then.
        provider.then(Answer.of(503));
        String soon = queue(get("/soon"), "\"deadline\":\"" + clock.instant().plus(Duration.ofSeconds(1)) + "\"");
        JsonNode gaveUp = awaitStatus(soon, "failed");
        assertThat(gaveUp.get("lastError").asString()).contains("HTTP 503", "deadline");
        assertThat(provider.requests).hasSize(1);
    }

    @Test
    void aSuspendedConnectionHoldsItsJobsUntilItIsResumed() {
        String con = "/api/v1/tenants/" + tenant + "/connections/" + connection;
        // A day's quota (a token refills every 86 s): a held job must not spend any of it.
        assertThat(api.send("PUT", con + "/limits", ADMIN, "application/json", "{\"perDay\":1000}".getBytes())
                        .status())
                .isEqualTo(200);
        assertThat(api.post(con + "/suspend", ADMIN, "{}").status()).isEqualTo(200);
        String id = queue(get("/held"), null);
        JsonNode held = awaitStatus(id, "held");
        assertThat(held.get("attempts").asInt()).isZero();
        assertThat(held.get("nextAttemptAt").isNull()).isFalse();
        assertThat(held.get("lastError").asString()).isNotBlank();
        // Held, it is not looked at again before the recheck interval: no busy loop, nothing sent.
        Instant recheck = Instant.parse(held.get("nextAttemptAt").asString());
        assertThat(Duration.between(clock.instant(), recheck)).isGreaterThan(Duration.ofSeconds(20));
        worker.wake();
        assertThat(job(id).get("updatedAt").asString())
                .isEqualTo(held.get("updatedAt").asString());
        assertThat(provider.requests).isEmpty();
        // Time passing while suspended changes nothing.
        advance(Duration.ofSeconds(31));
        awaitJob(
                id,
                j -> !j.get("updatedAt").asString().equals(held.get("updatedAt").asString()));
        assertThat(job(id).get("status").asString()).isEqualTo("held");
        assertThat(provider.requests).isEmpty();
        // Two looks at the held job, and no token taken from the limiter for either.
        JsonNode day = api.get(con + "/usage", ADMIN).json().get("windows").get(0);
        assertThat(day.get("window").asString()).isEqualTo("day");
        assertThat(day.get("used").asInt()).isZero();

        // Resumed: sent at once, not at the next recheck (the clock does not move).
        assertThat(api.post(con + "/resume", ADMIN, "{}").status()).isEqualTo(200);
        JsonNode done = awaitStatus(id, "succeeded");
        assertThat(done.get("attempts").asInt()).isEqualTo(1);
        assertThat(provider.requests).hasSize(1);
        assertThat(api.get(con + "/usage", ADMIN)
                        .json()
                        .get("windows")
                        .get(0)
                        .get("used")
                        .asInt())
                .isEqualTo(1);
        assertThat(eventTypes()).doesNotContain(OutboxWorker.JOB_FAILED);
    }

    @Test
    void aViewerReadsButCannotQueue() {
        String viewer = newKey(tenant, "viewer");
        assertThat(api.post(outbox, viewer, body(get("/x"), null)).status()).isEqualTo(403);
        assertThat(api.get(outbox, viewer).status()).isEqualTo(200);
    }

    @Test
    void aJobWhoseLeaseRanOutIsTakenOverWithTheSameKeyAndTheStaleOutcomeIsDropped() {
        CountDownLatch hold = new CountDownLatch(1);
        provider.then(Answer.held(hold), Answer.of(200, Map.of(), "{\"second\":true}"));
        String id = queue("{\"method\":\"POST\",\"path\":\"/charges\",\"body\":{\"amount\":5}}", null);
        awaitStatus(id, "in_flight");
        await().atMost(Duration.ofSeconds(30)).until(() -> provider.requests.size() == 1);
        // The node sending it stops answering (as if killed): once its lease ends, the job is
        // claimed again and sent with the same Idempotency-Key, the one duplicate a crash can cause.
        advance(Duration.ofSeconds(91));
        JsonNode done = awaitStatus(id, "succeeded");
        assertThat(provider.requests).hasSize(2);
        assertThat(provider.requests)
                .extracting(r -> r.header("Idempotency-Key"))
                .containsOnly(id);
        // The first call's answer comes in late: its write names a lease token that moved on.
        hold.countDown();
        await().atMost(Duration.ofSeconds(30)).until(() -> provider.answered.get() == 2);
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(10)).until(() -> {
            JsonNode j = job(id);
            return j.get("status").asString().equals("succeeded")
                    && j.get("attempts").asInt() == 1
                    && j.get("history").size() == 1;
        });
        assertThat(done.get("history").get(0).get("responseExcerpt").asString()).contains("second");
    }
}
