package dev.switchboard.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.common.Sql;
import dev.switchboard.testing.Api;
import dev.switchboard.testing.Receiver;
import dev.switchboard.testing.Receiver.Answer;
import dev.switchboard.testing.ServerTest;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * Payload schemas, content filters, ordering, concurrency caps, rate limits, CloudEvents formats,
 * the whole-request timeout and sealed static headers, over HTTP against real local receivers.
 */
class OutboundControlsTest extends ServerTest {

    Receiver receiver;
    String tenant;
    String base;

    @BeforeEach
    void setUp() throws Exception {
        receiver = new Receiver();
        tenant = newTenant();
        base = "/api/v1/tenants/" + tenant;
        clock.reset();
    }

    @AfterEach
    void tearDown() {
        disableEndpoints(tenant);
        receiver.close();
        clock.reset();
    }

    JsonNode endpoint(String extra) {
        return endpoint(receiver, extra);
    }

    JsonNode endpoint(Receiver to, String extra) {
        var r = api.post(
                base + "/endpoints",
                ADMIN,
                "{\"url\":\"" + to.url("/hook") + "\"" + (extra.isEmpty() ? "" : "," + extra) + "}");
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.json();
    }

    Api.Response send(String type, String payload) {
        return api.post(base + "/messages", ADMIN, "{\"eventType\":\"" + type + "\",\"payload\":" + payload + "}");
    }

    String sent(String type, String payload, String orderingKey) {
        var r = api.post(
                base + "/messages",
                ADMIN,
                "{\"eventType\":\"" + type + "\",\"payload\":" + payload
                        + (orderingKey == null ? "" : ",\"orderingKey\":\"" + orderingKey + "\"") + "}");
        assertThat(r.status()).as(r.toString()).isEqualTo(202);
        return r.json().get("id").asString();
    }

    List<String> receivedIds(Receiver r) {
        return r.requests.stream().map(q -> q.header("webhook-id")).toList();
    }

    // Schemas

    @Test
    void messagesAreCheckedAgainstTheEventTypeSchema() {
        String schema = """
                {"type":"object","required":["invoice","amount"],
                 "properties":{"invoice":{"type":"string"},"amount":{"type":"integer","minimum":0}}}""";
        var created = api.post(base + "/event-types", ADMIN, "{\"name\":\"invoice.paid\",\"schema\":" + schema + "}");
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(created.json().get("schema").get("required").size()).isEqualTo(2);

        var bad = send("invoice.paid", "{\"invoice\":7,\"amount\":-1}");
        assertThat(bad.status()).isEqualTo(422);
        assertThat(bad.contentType()).startsWith("application/problem+json");
        assertThat(bad.json().get("code").asString()).isEqualTo("schema_mismatch");
        assertThat(bad.json().get("errors").findValuesAsString("field"))
                .containsExactlyInAnyOrder("payload.invoice", "payload.amount");
        assertThat(send("invoice.paid", "{\"amount\":1}")
                        .json()
                        .get("errors")
                        .get(0)
                        .get("message")
                        .asString())
                .contains("invoice");
        assertThat(count("messages WHERE tenant_id = '" + tenant + "'")).isZero();

        assertThat(send("invoice.paid", "{\"invoice\":\"in_1\",\"amount\":5}").status())
                .isEqualTo(202);
        // Undeclared types have no schema: anything goes.
        assertThat(send("invoice.voided", "{\"invoice\":7}").status()).isEqualTo(202);

        // Removing the schema lifts the check; a bad schema is refused.
        var removed = api.patch(base + "/event-types/invoice.paid", ADMIN, "{\"schema\":null}");
        assertThat(removed.json().has("schema") && !removed.json().get("schema").isNull())
                .isFalse();
        assertThat(send("invoice.paid", "{\"invoice\":7}").status()).isEqualTo(202);
        var invalid = api.patch(base + "/event-types/invoice.paid", ADMIN, "{\"schema\":{\"type\":\"nonsense\"}}");
        assertThat(invalid.status()).isEqualTo(400);
        assertThat(invalid.json().get("errors").get(0).get("field").asString()).isEqualTo("schema");
    }

    @Test
    void aSchemaNeverFetchesWhatItReferences() {
        String remote = receiver.url("/schema.json");
        var r = api.post(base + "/event-types", ADMIN, "{\"name\":\"x.y\",\"schema\":{\"$ref\":\"" + remote + "\"}}");
        assertThat(r.status()).as(r.toString()).isEqualTo(400);
        var file = api.post(
                base + "/event-types", ADMIN, "{\"name\":\"x.z\",\"schema\":{\"$ref\":\"file:///etc/passwd\"}}");
        assertThat(file.status()).as(file.toString()).isEqualTo(400);
        assertThat(receiver.requests).isEmpty();
    }

    // Filters

    @Test
    void filtersChooseWhichEndpointsGetAMessage() throws Exception {
        Receiver gold = receiver;
        try (Receiver eu = new Receiver();
                Receiver refunds = new Receiver()) {
            endpoint(gold, "\"filter\":{\"path\":\"customer.tier\",\"eq\":\"gold\"}");
            endpoint(
                    eu,
                    "\"filter\":{\"and\":[{\"path\":\"currency\",\"in\":[\"eur\",\"chf\"]},"
                            + "{\"not\":{\"path\":\"test\",\"eq\":true}}]}");
            endpoint(
                    refunds,
                    "\"filter\":{\"or\":[{\"path\":\"refund\",\"exists\":true},{\"path\":\"lines.0.amount\",\"eq\":1}]}");

            var goldEur = send("order.paid", "{\"customer\":{\"tier\":\"gold\"},\"currency\":\"eur\"}");
            assertThat(goldEur.json().get("deliveries").asInt()).isEqualTo(2);
            var testEur = send("order.paid", "{\"currency\":\"eur\",\"test\":true}");
            assertThat(testEur.json().get("deliveries").asInt()).isZero();
            var refund = send("order.paid", "{\"refund\":{\"id\":\"r1\"},\"currency\":\"usd\"}");
            assertThat(refund.json().get("deliveries").asInt()).isEqualTo(1);
            // 1 and 1.0 are the same number.
            var line = send("order.paid", "{\"lines\":[{\"amount\":1.0}]}");
            assertThat(line.json().get("deliveries").asInt()).isEqualTo(1);

            await().atMost(Duration.ofSeconds(20))
                    .until(() -> gold.requests.size() == 1 && eu.requests.size() == 1 && refunds.requests.size() == 2);
            assertThat(receivedIds(gold))
                    .containsExactly(goldEur.json().get("id").asString());
            assertThat(receivedIds(refunds))
                    .containsExactlyInAnyOrder(
                            refund.json().get("id").asString(),
                            line.json().get("id").asString());
        }
    }

    @Test
    void badFiltersAreRefusedWithTheirPlace() {
        for (String filter : List.of(
                "[]",
                "{\"path\":\"a\"}",
                "{\"path\":\"a\",\"gt\":1}",
                "{\"path\":\"a\",\"in\":[]}",
                "{\"path\":\"a\",\"eq\":{\"x\":1}}",
                "{\"path\":\"a\",\"exists\":\"yes\"}",
                "{\"path\":\"a..b\",\"eq\":1}",
                "{\"and\":[]}",
                "{\"and\":[{\"path\":\"a\",\"eq\":1}],\"or\":[]}",
                "{\"not\":".repeat(10) + "{\"path\":\"a\",\"eq\":1}" + "}".repeat(10))) {
            var r = api.post(
                    base + "/endpoints", ADMIN, "{\"url\":\"" + receiver.url("/f") + "\",\"filter\":" + filter + "}");
            assertThat(r.status()).as(filter + " → " + r).isEqualTo(400);
            assertThat(r.json().get("errors").get(0).get("field").asString()).startsWith("filter");
        }
        var ep = endpoint("\"filter\":{\"path\":\"a\",\"eq\":1}");
        var cleared = api.patch(base + "/endpoints/" + ep.get("id").asString(), ADMIN, "{\"filter\":null}");
        assertThat(cleared.json().get("filter").isNull()).isTrue();
    }

    // Ordering

    @Test
    void anOrderedEndpointDeliversEachKeyOneAtATimeInOrder() {
        endpoint("\"ordered\":true");
        receiver.then(Answer.of(500)); // the first message fails once
        String a1 = sent("seq.step", "{\"n\":1}", "account-a");
        await().atMost(Duration.ofSeconds(20)).until(() -> receiver.requests.size() == 1);
        String a2 = sent("seq.step", "{\"n\":2}", "account-a");
        String a3 = sent("seq.step", "{\"n\":3}", "account-a");
        String b1 = sent("seq.step", "{\"n\":1}", "account-b");
        String free = sent("seq.step", "{\"n\":0}", null);

        // a1 waits for its retry: a2 and a3 wait behind it; another key and no key do not.
        await().atMost(Duration.ofSeconds(20)).until(() -> receiver.requests.size() == 3);
        assertThat(receivedIds(receiver)).containsExactlyInAnyOrder(a1, b1, free);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM deliveries WHERE message_id IN (:m) AND attempts = 0")
                        .param("m", List.of(a2, a3))
                        .query(Long.class)
                        .single())
                .isEqualTo(2);

        settled(a1, 1);
        clock.advance(Duration.ofSeconds(7));
        await().atMost(Duration.ofSeconds(20)).until(() -> receiver.requests.size() == 6);
        assertThat(receivedIds(receiver).subList(3, 6)).containsExactly(a1, a2, a3);
    }

    @Test
    void aDeadLetteredMessageNoLongerHoldsItsKey() {
        endpoint("\"ordered\":true");
        for (int i = 0; i < 8; i++) receiver.then(Answer.of(400));
        String c1 = sent("seq.step", "{\"n\":1}", "c");
        await().atMost(Duration.ofSeconds(20)).until(() -> receiver.requests.size() == 1);
        String c2 = sent("seq.step", "{\"n\":2}", "c");
        // c1 runs through its whole schedule (each step at most 10 h + 20 % jitter), then c2 goes.
        for (int i = 0; i < 12 && !status(c1).equals("failed"); i++) {
            int seen = receiver.requests.size();
            settled(c1, seen);
            clock.advance(Duration.ofHours(13));
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> receiver.requests.size() > seen || status(c1).equals("failed"));
            // c2 is sent only after c1 failed for good (ids read first, so no race with that).
            List<String> ids = receivedIds(receiver);
            if (ids.contains(c2)) assertThat(status(c1)).isEqualTo("failed");
        }
        assertThat(status(c1)).isEqualTo("failed");
        await().atMost(Duration.ofSeconds(20)).until(() -> receivedIds(receiver).contains(c2));
        assertThat(status(c2)).isIn("pending", "succeeded");
    }

    @org.junit.jupiter.api.extension.RegisterExtension
    org.junit.jupiter.api.extension.TestWatcher dump = new org.junit.jupiter.api.extension.TestWatcher() {
        @Override
        public void testFailed(org.junit.jupiter.api.extension.ExtensionContext c, Throwable t) {
            System.err.println("NOW " + clock.instant());
            jdbc.sql(
                            "SELECT d.seq, d.message_id, d.status, d.attempts, d.next_attempt_at, d.locked_until, d.ordering_key, d.last_error, e.status AS es FROM deliveries d JOIN endpoints e ON e.id = d.endpoint_id WHERE d.tenant_id = :t ORDER BY seq")
                    .param("t", tenant)
                    .query()
                    .listOfRows()
                    .forEach(r -> System.err.println("ROW " + r));
        }
    };

    /**
     * Waits until a delivery's attempt is written: its next try is computed from the clock when the
     * attempt ends, so moving the clock before that would move the retry along with it.
     */
    private void settled(String messageId, int attempts) {
        await().atMost(Duration.ofSeconds(20))
                .until(() -> jdbc.sql("SELECT COUNT(*) FROM deliveries WHERE message_id = :m AND attempts = :n"
                                        + " AND locked_until IS NULL")
                                .param("m", messageId)
                                .param("n", attempts)
                                .query(Long.class)
                                .single()
                        == 1);
    }

    private String status(String messageId) {
        return jdbc.sql("SELECT status FROM deliveries WHERE message_id = :m")
                .param("m", messageId)
                .query(String.class)
                .single();
    }

    // Concurrency and rate limits

    @Test
    void anEndpointNeverHasMoreInFlightThanItsCap() throws Exception {
        endpoint("\"maxConcurrency\":2");
        CountDownLatch release = new CountDownLatch(1);
        for (int i = 0; i < 8; i++) receiver.then(new Answer(200, Map.of(), new byte[0], release));
        try (Receiver other = new Receiver()) {
            endpoint(other, "\"eventTypes\":[\"other.thing\"]");
            for (int i = 0; i < 8; i++) sent("capped.thing", "{\"i\":" + i + "}", null);
            await().atMost(Duration.ofSeconds(20)).until(() -> receiver.active.get() == 2);
            // The capped endpoint is saturated; another endpoint is not held up by it.
            String otherId = sent("other.thing", "{}", null);
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> receivedIds(other).contains(otherId));
            assertThat(receiver.active.get()).isEqualTo(2);
            release.countDown();
            // The two held requests outlived the test server's 2 s timeout: their retries come
            // after the 60 s timeout floor.
            clock.advance(Duration.ofMinutes(2));
            // Eight capped messages, and other.thing (the capped endpoint takes every type).
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> receivedIds(receiver).stream().distinct().count() == 9);
            assertThat(receiver.peak.get()).isEqualTo(2);
        }
    }

    /**
     * A backlog held at its endpoint's cap, longer than the window of the queue's head the engine
     * reads each cycle, does not hide another endpoint's delivery behind it: the engine finds that
     * endpoint without reading the backlog in between (which, read every cycle, starved the node).
     */
    @Test
    void aBacklogLongerThanTheHeadWindowDoesNotHideAnotherEndpoint() throws Exception {
        endpoint("\"maxConcurrency\":1,\"eventTypes\":[\"backlog.thing\"]");
        CountDownLatch release = new CountDownLatch(1);
        // Every send hangs (until the test server's 2 s send timeout): one at a time, the backlog stays.
        int backlog = 3 * properties.batchSize() + 16;
        for (int i = 0; i <= backlog; i++) receiver.then(new Answer(200, Map.of(), new byte[0], release));
        try (Receiver other = new Receiver()) {
            endpoint(other, "\"eventTypes\":[\"other.thing\"]");
            sent("backlog.thing", "{}", null);
            await().atMost(Duration.ofSeconds(20)).until(() -> receiver.active.get() == 1);
            for (int i = 0; i < backlog; i++) sent("backlog.thing", "{\"i\":" + i + "}", null);
            String otherId = sent("other.thing", "{}", null);
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> receivedIds(other).contains(otherId));
            // The backlog waited at its cap (one send every 2 s at most: each outlives the send
            // timeout, the receiver holding it longer), and was still longer than the head window
            // (the leased rows, twice the free slots, and 16).
            assertThat(jdbc.sql("SELECT COUNT(*) FROM deliveries d JOIN endpoints e ON e.id = d.endpoint_id"
                                    + " WHERE e.tenant_id = :t AND d.status = 'pending'")
                            .param("t", tenant)
                            .query(Long.class)
                            .single())
                    .isGreaterThan(1 + 2L * properties.batchSize() + 16);
        } finally {
            release.countDown();
        }
    }

    @Autowired
    OutboundProperties properties;

    @Autowired
    Completions completions;

    @Test
    void aFinishedSendFreesItsSlotBeforeItsOutcomeIsWritten() {
        endpoint("\"maxConcurrency\":1");
        List<String> ids = new java.util.ArrayList<>();
        // The outcomes writer held before its transaction: the first outcome is taken and stays
        // uncommitted (as in a slow commit), the others queued behind it, every delivery's lease still
        // in the database.
        completions.writing.lock();
        try {
            for (int i = 0; i < 3; i++) ids.add(sent("slot.thing", "{\"i\":" + i + "}", null));
            // Each send ends at once, and the next one starts without waiting for the last one's
            // commit, whether the writer has taken its outcome or not.
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> receivedIds(receiver).containsAll(ids));
            assertThat(receiver.peak.get()).isEqualTo(1);
            // Sent, but not one outcome written yet: each slot was freed by the send, not by a commit.
            for (String id : ids) assertThat(status(id)).isEqualTo("pending");
        } finally {
            completions.writing.unlock();
        }
        await().atMost(Duration.ofSeconds(20))
                .until(() -> ids.stream().allMatch(id -> status(id).equals("succeeded")));
        assertThat(receivedIds(receiver)).hasSize(3);
    }

    @Test
    void aRateLimitedEndpointGetsItsRateAndTheRestWaitWithoutUsingAttempts() {
        clock.freeze(); // real time would refill the bucket while the test looks
        var ep = endpoint("\"rateLimitPerSecond\":3");
        for (int i = 0; i < 8; i++) sent("limited.thing", "{\"i\":" + i + "}", null);
        String endpointId = ep.get("id").asString();
        // Three go at once; the other five are put back to wait for tokens, not attempted.
        await().atMost(Duration.ofSeconds(20)).until(() -> receiver.requests.size() == 3 && deferred(endpointId) == 5);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM delivery_attempts WHERE endpoint_id = :e")
                        .param("e", endpointId)
                        .query(Long.class)
                        .single())
                .isEqualTo(3);
        clock.advance(Duration.ofSeconds(1));
        await().atMost(Duration.ofSeconds(20)).until(() -> receiver.requests.size() == 6 && deferred(endpointId) == 2);
        clock.advance(Duration.ofSeconds(1));
        await().atMost(Duration.ofSeconds(20)).until(() -> receiver.requests.size() == 8);
        assertThat(jdbc.sql("SELECT MAX(attempts) FROM deliveries WHERE endpoint_id = :e")
                        .param("e", endpointId)
                        .query(Integer.class)
                        .single())
                .isEqualTo(1);
    }

    /** Pending, never attempted, waiting past now: put back by the rate limit. */
    private long deferred(String endpointId) {
        return jdbc.sql("""
                SELECT COUNT(*) FROM deliveries WHERE endpoint_id = :e AND status = 'pending' AND attempts = 0
                AND locked_until IS NULL AND next_attempt_at > :now
                """)
                .param("e", endpointId)
                .param("now", Sql.ts(Sql.now(clock)))
                .query(Long.class)
                .single();
    }

    // Formats

    @Test
    void cloudEventsStructuredAndBinaryFollowTheHttpBinding() throws Exception {
        try (Receiver binary = new Receiver()) {
            var structuredEp = endpoint("\"format\":\"cloudevents-structured\"");
            var binaryEp = endpoint(binary, "\"format\":\"cloudevents-binary\"");
            String id = sent("order.shipped", "{\"order\":\"o_1\"}", null);
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> receiver.requests.size() == 1 && binary.requests.size() == 1);

            Receiver.Request s = receiver.requests.getFirst();
            assertThat(s.header("Content-Type")).startsWith("application/cloudevents+json");
            JsonNode event = Api.JSON.readTree(s.body());
            assertThat(event.get("specversion").asString()).isEqualTo("1.0");
            assertThat(event.get("id").asString()).isEqualTo(id);
            assertThat(event.get("type").asString()).isEqualTo("order.shipped");
            assertThat(event.get("source").asString()).isEqualTo("/switchboard/tenants/" + tenant);
            assertThat(event.get("time").asString()).isNotBlank();
            assertThat(event.get("data").get("order").asString()).isEqualTo("o_1");
            DeliveryTest.verified(s, structuredEp.get("secret").asString());

            Receiver.Request b = binary.requests.getFirst();
            assertThat(b.header("Content-Type")).startsWith("application/json");
            assertThat(b.header("ce-specversion")).isEqualTo("1.0");
            assertThat(b.header("ce-id")).isEqualTo(id);
            assertThat(b.header("ce-type")).isEqualTo("order.shipped");
            assertThat(b.header("ce-source")).isEqualTo("/switchboard/tenants/" + tenant);
            assertThat(b.header("ce-time")).isEqualTo(event.get("time").asString());
            assertThat(Api.JSON.readTree(b.body()).get("order").asString()).isEqualTo("o_1");
            DeliveryTest.verified(b, binaryEp.get("secret").asString());
        }
        var bad = api.post(base + "/endpoints", ADMIN, "{\"url\":\"" + receiver.url("/x") + "\",\"format\":\"xml\"}");
        assertThat(bad.status()).isEqualTo(400);
    }

    // Timeout

    @Test
    void theTimeoutBoundsTheWholeRequestNotEachRead() throws Exception {
        // A receiver that answers at once, then sends a byte every 200 ms for 10 s: no single read
        // waits long, so only a deadline on the whole request ends it (the test server allows 2 s).
        try (ServerSocket trickle = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                try (Socket socket = trickle.accept()) {
                    socket.getInputStream().read(new byte[65536]);
                    OutputStream out = socket.getOutputStream();
                    out.write("HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    for (int i = 0; i < 50; i++) {
                        out.write('x');
                        out.flush();
                        Thread.sleep(200);
                    }
                } catch (Exception ignored) {
                    // The client hung up: what the test expects.
                }
            });
            var r = api.post(
                    base + "/endpoints", ADMIN, "{\"url\":\"http://127.0.0.1:" + trickle.getLocalPort() + "/slow\"}");
            assertThat(r.status()).isEqualTo(201);
            String id = sent("slow.thing", "{}", null);
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> api.get(base + "/messages/" + id + "/attempts", ADMIN)
                                    .json()
                                    .size()
                            == 1);
            JsonNode attempt = api.get(base + "/messages/" + id + "/attempts", ADMIN)
                    .json()
                    .get(0);
            assertThat(attempt.get("outcome").asString()).isEqualTo("TIMEOUT");
            assertThat(attempt.get("latencyMs").asInt()).isBetween(1_900, 5_000);
        }
    }

    // Static headers

    @Test
    void staticHeaderValuesAreSealedAndNeverShown() {
        var ep = endpoint("\"headers\":{\"Authorization\":\"Bearer s3cr3t-token-value\",\"X-Team\":\"blue\"}");
        String id = ep.get("id").asString();
        assertThat(ep.get("headers").get("Authorization").asString()).isEqualTo("[redacted]");
        assertThat(api.get(base + "/endpoints/" + id, ADMIN).body()).doesNotContain("s3cr3t");
        String stored = jdbc.sql("SELECT headers FROM endpoints WHERE id = :id")
                .param("id", id)
                .query(String.class)
                .single();
        assertThat(stored).doesNotContain("s3cr3t").contains("Authorization");

        // Sending back what GET showed keeps the stored value; a new value replaces one header.
        var patched = api.patch(
                base + "/endpoints/" + id,
                ADMIN,
                "{\"headers\":{\"Authorization\":\"[redacted]\",\"X-Team\":\"green\"}}");
        assertThat(patched.status()).as(patched.toString()).isEqualTo(200);
        sent("h.sent", "{}", null);
        await().atMost(Duration.ofSeconds(20)).until(() -> receiver.requests.size() == 1);
        assertThat(receiver.requests.getFirst().header("Authorization")).isEqualTo("Bearer s3cr3t-token-value");
        assertThat(receiver.requests.getFirst().header("X-Team")).isEqualTo("green");

        var unknown = api.patch(base + "/endpoints/" + id, ADMIN, "{\"headers\":{\"X-New\":\"[redacted]\"}}");
        assertThat(unknown.status()).isEqualTo(400);
    }
}
