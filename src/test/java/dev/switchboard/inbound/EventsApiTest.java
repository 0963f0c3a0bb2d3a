package dev.switchboard.inbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.testing.TestBeans;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

class EventsApiTest extends InboundTestBase {

    @Autowired
    TestBeans.RecordingRouter router;

    @Autowired
    Retention retention;

    /** A token source: the simplest way to post many distinct events. */
    Created tokenSource(String tenant) {
        return source(
                tenant, "{\"name\":\"Internal\",\"provider\":\"token\",\"options\":{\"idHeader\":\"X-Event-Id\"}}");
    }

    String send(Created src, String body) {
        var r = post(
                src.ingestPath(),
                "application/json",
                body,
                Map.of(
                        "Authorization",
                        "Bearer " + src.secret(),
                        "X-Event-Id",
                        UUID.randomUUID().toString()));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json().get("id").asString();
    }

    JsonNode awaitStatus(String tenant, String id, String status) {
        await().atMost(Duration.ofSeconds(20))
                .until(() -> event(tenant, id).get("status").asString().equals(status));
        return event(tenant, id);
    }

    @Test
    void eventsAreProcessedRoutedAndMappedToUsers() {
        String tenant = newTenant();
        var src = tokenSource(tenant);
        assertThat(api.send(
                                "PUT",
                                "/api/v1/tenants/" + tenant + "/subjects/cus_77",
                                ADMIN,
                                "application/json",
                                "{\"userId\":\"user-77\"}".getBytes())
                        .status())
                .isEqualTo(201);
        String id = send(src, "{\"type\":\"invoice.paid\",\"subject\":\"cus_77\"}");
        JsonNode e = awaitStatus(tenant, id, "processed");
        assertThat(e.get("userId").asString()).isEqualTo("user-77");
        assertThat(e.get("cloudEvent").get("userid").asString()).isEqualTo("user-77");
        assertThat(e.get("runs").get(0).get("outcome").asString()).isEqualTo("processed");
        assertThat(router.routed).anyMatch(r -> r.id().equals(id) && "user-77".equals(r.userId()));

        var byUser = api.get("/api/v1/tenants/" + tenant + "/events?userId=user-77", ADMIN);
        assertThat(byUser.json().get("data").findValuesAsString("id")).containsExactly(id);
        assertThat(api.get("/api/v1/tenants/" + tenant + "/subjects/cus_77", ADMIN)
                        .json()
                        .get("userId")
                        .asString())
                .isEqualTo("user-77");
        assertThat(api.delete("/api/v1/tenants/" + tenant + "/subjects/cus_77", ADMIN)
                        .status())
                .isEqualTo(204);
        assertThat(api.get("/api/v1/tenants/" + tenant + "/subjects/cus_77", ADMIN)
                        .status())
                .isEqualTo(404);
    }

    @Test
    void aFailingRouterIsRetriedThenTheEventFailsWithItsError() {
        String tenant = newTenant();
        var src = tokenSource(tenant);
        String id = send(src, "{\"type\":\"x\",\"subject\":\"fail-always\"}");
        await().atMost(Duration.ofSeconds(20))
                .until(() -> event(tenant, id).get("attempts").asInt() >= 1);
        JsonNode first = event(tenant, id);
        assertThat(first.get("status").asString()).isEqualTo("received");
        assertThat(first.get("lastError").asString()).contains("router refused fail-always");
        // Move time past each backoff instead of waiting for it (max-attempts is 3 in tests).
        for (int i = 0; i < 3; i++) clock.advance(Duration.ofHours(1));
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            clock.advance(Duration.ofMinutes(61));
            return event(tenant, id).get("status").asString().equals("failed");
        });
        JsonNode failed = event(tenant, id);
        assertThat(failed.get("attempts").asInt()).isEqualTo(3);
        assertThat(failed.get("runs").get(0).get("outcome").asString()).isEqualTo("failed");
        assertThat(failed.get("runs").get(0).get("error").asString()).contains("router refused");
    }

    @Test
    void replayRoutesAgainAsANewRunOfTheSameEvent() {
        String tenant = newTenant();
        var src = tokenSource(tenant);
        String id = send(src, "{\"type\":\"order.created\"}");
        awaitStatus(tenant, id, "processed");
        long routedBefore =
                router.routed.stream().filter(r -> r.id().equals(id)).count();

        var viewer = newKey(tenant, "viewer");
        assertThat(api.post("/api/v1/tenants/" + tenant + "/events/" + id + "/replay", viewer, null)
                        .status())
                .isEqualTo(403);
        var replay = api.post("/api/v1/tenants/" + tenant + "/events/" + id + "/replay", ADMIN, null);
        assertThat(replay.status()).isEqualTo(202);
        assertThat(replay.json().get("run").asInt()).isEqualTo(2);
        JsonNode after = awaitStatus(tenant, id, "processed");
        assertThat(after.get("runs").size()).isEqualTo(2);
        assertThat(after.get("runs").get(1).get("reason").asString()).isEqualTo("replay");
        assertThat(router.routed.stream().filter(r -> r.id().equals(id)).count())
                .isEqualTo(routedBefore + 1);
    }

    @Test
    void filtersSummaryAndPages() {
        String tenant = newTenant();
        var a = tokenSource(tenant);
        var b = source(tenant, "{\"name\":\"Open\",\"provider\":\"none\"}");
        for (int i = 0; i < 3; i++) send(a, "{\"type\":\"invoice.paid\",\"subject\":\"cus_" + i + "\"}");
        send(a, "{\"type\":\"invoice.failed\",\"subject\":\"cus_1\"}");
        post(b.ingestPath(), "application/json", "{\"type\":\"ping\"}", Map.of());

        var all = api.get("/api/v1/tenants/" + tenant + "/events?summary=true", ADMIN)
                .json();
        assertThat(all.get("data").size()).isEqualTo(5);
        assertThat(all.get("summary").get("providers").get("token").asLong()).isEqualTo(4);
        assertThat(all.get("summary").get("providers").get("none").asLong()).isEqualTo(1);
        assertThat(all.get("summary").get("types").get("token.invoice.paid").asLong())
                .isEqualTo(3);

        var paid = api.get("/api/v1/tenants/" + tenant + "/events?type=token.invoice.paid&limit=2&summary=true", ADMIN)
                .json();
        assertThat(paid.get("data").size()).isEqualTo(2);
        assertThat(paid.get("summary").get("types").get("token.invoice.paid").asLong())
                .isEqualTo(3);
        var rest = api.get(
                        "/api/v1/tenants/" + tenant + "/events?type=token.invoice.paid&limit=2&cursor="
                                + paid.get("nextCursor").asString(),
                        ADMIN)
                .json();
        assertThat(rest.get("data").size()).isEqualTo(1);
        assertThat(rest.get("nextCursor").isNull()).isTrue();

        assertThat(api.get("/api/v1/tenants/" + tenant + "/events?subject=cus_1", ADMIN)
                        .json()
                        .get("data")
                        .size())
                .isEqualTo(2);
        assertThat(api.get("/api/v1/tenants/" + tenant + "/events?provider=none", ADMIN)
                        .json()
                        .get("data")
                        .size())
                .isEqualTo(1);
        assertThat(api.get("/api/v1/tenants/" + tenant + "/events?source=" + b.id(), ADMIN)
                        .json()
                        .get("data")
                        .size())
                .isEqualTo(1);
        String future = clock.instant().plusSeconds(3600).toString();
        assertThat(api.get("/api/v1/tenants/" + tenant + "/events?since=" + future, ADMIN)
                        .json()
                        .get("data")
                        .size())
                .isZero();
        assertThat(api.get("/api/v1/tenants/" + tenant + "/events?until=" + future, ADMIN)
                        .json()
                        .get("data")
                        .size())
                .isEqualTo(5);
        for (String bad : new String[] {
            "provider=adyen", "status=done", "since=yesterday", "limit=1001", "limit=abc", "summary=maybe"
        }) {
            var r = api.get("/api/v1/tenants/" + tenant + "/events?" + bad, ADMIN);
            assertThat(r.status()).as(bad).isEqualTo(400);
        }

        // Platform admins search across tenants; tenant keys may not.
        var platform = api.get("/api/v1/events?tenant=" + tenant + "&summary=true", ADMIN)
                .json();
        assertThat(platform.get("data").size()).isEqualTo(5);
        assertThat(api.get("/api/v1/events", newKey(tenant, "admin")).status()).isEqualTo(403);
    }

    @Test
    void detailShowsRedactedHeadersAndRawReturnsTheExactBytes() {
        String tenant = newTenant();
        var src = source(tenant, "{\"name\":\"Open\",\"provider\":\"none\"}");
        byte[] binary = new byte[256];
        for (int i = 0; i < binary.length; i++) binary[i] = (byte) i;
        var r = api.send(HttpRequest.newBuilder(URI.create(api.base() + src.ingestPath()))
                .header("Content-Type", "application/octet-stream")
                .header("Authorization", "Bearer not-for-storage")
                .header("X-Custom", "kept")
                .POST(HttpRequest.BodyPublishers.ofByteArray(binary))
                .build());
        String id = r.json().get("id").asString();
        JsonNode e = event(tenant, id);
        assertThat(e.get("headers").get("authorization").asString()).isEqualTo("[redacted]");
        assertThat(e.get("headers").get("x-custom").asString()).isEqualTo("kept");
        assertThat(e.has("body")).isFalse();
        assertThat(e.get("cloudEvent").get("data_base64").asString()).isNotEmpty();
        assertThat(e.get("cloudEvent").get("specversion").asString()).isEqualTo("1.0");
        // The ingest URL's id is a secret of sorts (it is all a sender of unverified events needs): not in the
        // CloudEvent.
        assertThat(e.get("cloudEvent").get("source").asString()).isEqualTo("/switchboard/sources/none");
        assertThat(e.get("cloudEvent").toString()).doesNotContain(src.id());

        var raw = api.send(
                HttpRequest.newBuilder(URI.create(api.base() + "/api/v1/tenants/" + tenant + "/events/" + id + "/raw"))
                        .header("Authorization", "Bearer " + ADMIN)
                        .build(),
                java.net.http.HttpResponse.BodyHandlers.ofByteArray());
        assertThat(raw.statusCode()).isEqualTo(200);
        assertThat(raw.body()).isEqualTo(binary);
        assertThat(raw.headers().firstValue("Content-Type")).hasValue("application/octet-stream");

        // Another tenant's key: the event does not exist for it.
        String other = newKey(newTenant(), "admin");
        assertThat(api.get("/api/v1/tenants/" + tenant + "/events/" + id, other).status())
                .isEqualTo(404);
        assertThat(api.get("/api/v1/tenants/" + tenant + "/events/" + id + "/raw", other)
                        .status())
                .isEqualTo(404);
    }

    @Test
    void retentionPurgesBodiesThenMetadataInBatches() {
        String tenant = newTenant();
        var src = tokenSource(tenant);
        String id = send(src, "{\"type\":\"old.news\"}");
        awaitStatus(tenant, id, "processed");
        assertThat(post(src.ingestPath(), "application/json", "{}", Map.of("Authorization", "Bearer wrong"))
                        .status())
                .isEqualTo(401);
        String rejections = "/api/v1/tenants/" + tenant + "/sources/" + src.id() + "/rejections";
        assertThat(api.get(rejections, ADMIN).json().get("data").size()).isEqualTo(1);
        clock.advance(Duration.ofDays(31));
        String recent = send(src, "{\"type\":\"fresh\"}");
        awaitStatus(tenant, recent, "processed");
        retention.run(100);

        JsonNode old = event(tenant, id);
        assertThat(old.get("bodyPurgedAt").isNull()).isFalse();
        var raw = api.get("/api/v1/tenants/" + tenant + "/events/" + id + "/raw", ADMIN);
        assertThat(raw.status()).isEqualTo(410);
        assertThat(raw.json().get("code").asString()).isEqualTo("gone");
        assertThat(api.get("/api/v1/tenants/" + tenant + "/events/" + recent + "/raw", ADMIN)
                        .status())
                .isEqualTo(200);
        assertThat(api.get(rejections, ADMIN).json().get("data").size()).isZero();

        clock.advance(Duration.ofDays(366));
        retention.run(100);
        assertThat(api.get("/api/v1/tenants/" + tenant + "/events/" + id, ADMIN).status())
                .isEqualTo(404);
    }

    @Test
    void hundredConcurrentIdenticalDeliveriesStoreOneEvent() throws Exception {
        String tenant = newTenant();
        var src = source(tenant, "{\"name\":\"GitHub\",\"provider\":\"github\"}");
        String body = "{\"ref\":\"refs/heads/main\"}";
        Map<String, String> headers = Map.of(
                "X-GitHub-Event",
                "push",
                "X-GitHub-Delivery",
                UUID.randomUUID().toString(),
                "X-Hub-Signature-256",
                Signers.github(src.secret(), body));
        var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();
        var start = new java.util.concurrent.CountDownLatch(1);
        var futures = new java.util.ArrayList<java.util.concurrent.Future<dev.switchboard.testing.Api.Response>>();
        for (int i = 0; i < 100; i++) {
            futures.add(pool.submit(() -> {
                start.await();
                return post(src.ingestPath(), "application/json", body, headers);
            }));
        }
        start.countDown();
        int fresh = 0, duplicates = 0;
        java.util.Set<String> ids = new java.util.HashSet<>();
        for (var f : futures) {
            var r = f.get();
            assertThat(r.status()).as(r.toString()).isEqualTo(200);
            ids.add(r.json().get("id").asString());
            if (r.json().get("duplicate").asBoolean()) duplicates++;
            else fresh++;
        }
        pool.close();
        assertThat(fresh).isEqualTo(1);
        assertThat(duplicates).isEqualTo(99);
        assertThat(ids).hasSize(1);
        assertThat(jdbc.sql("SELECT count(*) FROM inbound_events WHERE source_id = :s")
                        .param("s", src.id())
                        .query(Long.class)
                        .single())
                .isEqualTo(1);
    }

    @Test
    void ingestEdgeCases() {
        String tenant = newTenant();
        var src = source(tenant, "{\"name\":\"Open\",\"provider\":\"none\"}");
        assertThat(post("/webhooks/src_nope", "application/json", "{}", Map.of())
                        .status())
                .isEqualTo(404);
        var big = api.send("POST", src.ingestPath(), null, "application/json", new byte[1024 * 1024 + 1]);
        assertThat(big.status()).isEqualTo(413);
        assertThat(big.json().get("code").asString()).isEqualTo("payload_too_large");
        byte[] exact = new byte[1024 * 1024];
        Arrays.fill(exact, (byte) 'a');
        assertThat(api.send("POST", src.ingestPath(), null, "text/plain", exact).status())
                .isEqualTo(200);

        api.patch("/api/v1/tenants/" + tenant + "/sources/" + src.id(), ADMIN, "{\"disabled\":true}");
        var disabled = post(src.ingestPath(), "application/json", "{}", Map.of());
        assertThat(disabled.status()).isEqualTo(503);
        assertThat(disabled.json().get("code").asString()).isEqualTo("source_disabled");
        api.patch("/api/v1/tenants/" + tenant + "/sources/" + src.id(), ADMIN, "{\"disabled\":false}");
        assertThat(post(src.ingestPath(), "application/json", "{\"n\":2}", Map.of())
                        .status())
                .isEqualTo(200);

        assertThat(api.delete("/api/v1/tenants/" + tenant + "/sources/" + src.id(), ADMIN)
                        .status())
                .isEqualTo(204);
        assertThat(post(src.ingestPath(), "application/json", "{\"n\":3}", Map.of())
                        .status())
                .isEqualTo(404);
        assertThat(api.get("/api/v1/tenants/" + tenant + "/sources/" + src.id(), ADMIN)
                        .status())
                .isEqualTo(404);
    }

    @Test
    void arbitraryRequestsNeverGetA5xx() {
        String tenant = newTenant();
        java.util.List<Created> sources = new java.util.ArrayList<>();
        for (String p : new String[] {"stripe", "slack", "twilio", "shopify"}) {
            sources.add(source(
                    tenant, "{\"name\":\"" + p + "\",\"provider\":\"" + p + "\",\"secret\":\"s3cret-s3cret-s3cret\"}"));
        }
        for (String p : new String[] {"github", "standard-webhooks", "token"}) {
            sources.add(source(tenant, "{\"name\":\"" + p + "\",\"provider\":\"" + p + "\"}"));
        }
        sources.add(
                source(
                        tenant,
                        "{\"name\":\"h\",\"provider\":\"hmac\",\"secret\":\"s3cret-s3cret-s3cret\",\"options\":"
                                + "{\"header\":\"X-Signature\",\"timestampHeader\":\"X-Timestamp\",\"signedContent\":\"{timestamp}.{body}\"}}"));
        var random = new java.util.Random(42);
        String[] names = VerifierFuzzTest.HEADERS.toArray(String[]::new);
        String[] values = {
            "t=not_a_number",
            "t",
            "v1,",
            "sha256=",
            "v0=zz",
            "t=1, v1=00",
            "Bearer",
            "",
            "🙂",
            "\u0000",
            "%zz",
            "t=99999999999999999999,v1=ab",
            "v1,!!!"
        };
        for (int i = 0; i < 300; i++) {
            Created src = sources.get(random.nextInt(sources.size()));
            var b = HttpRequest.newBuilder(
                    URI.create(api.base() + src.ingestPath() + (random.nextBoolean() ? "?bodySHA256=zz" : "")));
            for (int h = random.nextInt(5); h > 0; h--) {
                String v = values[random.nextInt(values.length)]
                        + (random.nextBoolean() ? "" : Long.toString(random.nextLong(), 36));
                try {
                    b.header(names[random.nextInt(names.length)], v);
                } catch (IllegalArgumentException notSendable) {
                    // java.net.http refuses some header values; so would any real client.
                }
            }
            byte[] body = new byte[random.nextInt(64)];
            random.nextBytes(body);
            String type = new String[] {"application/json", "application/x-www-form-urlencoded", "text/plain", "x/y"}
                    [random.nextInt(4)];
            var r = api.send(b.header("Content-Type", type)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                    .build());
            assertThat(r.status()).as(r.toString()).isLessThan(500);
        }
    }

    @Test
    void nulCharactersFromSendersNeverBreakStorage() throws Exception {
        String tenant = newTenant();
        var open = source(tenant, "{\"name\":\"Open\",\"provider\":\"none\"}");
        var r = post(
                open.ingestPath(), "application/json", "{\"type\":\"a\\u0000b\",\"subject\":\"c\\u0000d\"}", Map.of());
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        JsonNode e = event(tenant, r.json().get("id").asString());
        assertThat(e.get("type").asString()).isEqualTo("none.a\uFFFDb");
        assertThat(e.get("subject").asString()).isEqualTo("c\uFFFDd");

        String secret = "whsec_nul_" + UUID.randomUUID();
        var stripe = source(tenant, "{\"name\":\"Stripe\",\"provider\":\"stripe\",\"secret\":\"" + secret + "\"}");
        String payload = "{\"id\":\"evt_\\u0000x\",\"type\":\"invoice.paid\"}";
        var signed = post(
                stripe.ingestPath(),
                "application/json",
                payload,
                Map.of("Stripe-Signature", Signers.stripe(payload, secret, now())));
        assertThat(signed.status()).as(signed.toString()).isEqualTo(200);
        var again = post(
                stripe.ingestPath(),
                "application/json",
                payload,
                Map.of("Stripe-Signature", Signers.stripe(payload, secret, now())));
        assertThat(again.json().get("duplicate").asBoolean()).isTrue();

        assertThat(api.get("/api/v1/tenants/" + tenant + "/events?type=a%00b", ADMIN)
                        .status())
                .isEqualTo(400);
        assertThat(api.get("/api/v1/tenants/" + tenant + "/subjects/a%00b", ADMIN)
                        .status())
                .isEqualTo(400);
    }
}
