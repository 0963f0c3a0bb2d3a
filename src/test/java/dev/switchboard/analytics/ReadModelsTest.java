package dev.switchboard.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.Api;
import dev.switchboard.testing.Receiver;
import dev.switchboard.testing.ServerTest;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The dashboard's read models over the real server: message search, the tenant-wide deliveries
 * list and bulk resend, bulk inbound replay as a job, connection counts, the activity feed, and the
 * source and endpoint views' recent activity.
 */
class ReadModelsTest extends ServerTest {

    @Test
    void messagesDeliveriesAndBulkResend() throws Exception {
        String tenant = newTenant();
        String base = "/api/v1/tenants/" + tenant;
        String viewer = newKey(tenant, "viewer");
        // A disabled endpoint: its deliveries wait (paused) and nothing is sent.
        String endpoint = api.post(base + "/endpoints", ADMIN, "{\"url\":\"http://127.0.0.1:9/h\",\"disabled\":true}")
                .json()
                .get("id")
                .asString();
        List<String> messages = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String type = i < 3 ? "order.created" : "order.paid";
            messages.add(api.post(base + "/messages", ADMIN, "{\"eventType\":\"" + type + "\",\"payload\":{}}")
                    .json()
                    .get("id")
                    .asString());
        }
        // Four of them ran out of retries (as the engine leaves them).
        jdbc.sql(
                        "UPDATE deliveries SET status = 'failed', next_attempt_at = NULL WHERE tenant_id = :t AND message_id IN (:m)")
                .param("t", tenant)
                .param("m", messages.subList(0, 4))
                .update();

        assertThat(ids(api.get(base + "/messages?eventType=order.created", viewer)
                        .json()))
                .containsExactly(messages.get(2), messages.get(1), messages.get(0));
        assertThat(ids(api.get(base + "/messages?status=failed&eventType=order.paid", viewer)
                        .json()))
                .containsExactly(messages.get(3));
        assertThat(ids(api.get(base + "/messages?endpoint=" + endpoint, viewer).json()))
                .hasSize(5);
        assertThat(api.get(base + "/messages?status=lost", viewer).status()).isEqualTo(400);
        assertThat(api.get(base + "/messages?since=yesterday", viewer).status()).isEqualTo(400);
        assertThat(api.get(base + "/messages?endpoint=ep_nope", viewer).status())
                .isEqualTo(404);

        // The failed list, two at a time.
        Set<String> failed = new HashSet<>();
        String cursor = null;
        do {
            JsonNode page = api.get(
                            base + "/deliveries?status=failed&limit=2" + (cursor == null ? "" : "&cursor=" + cursor),
                            viewer)
                    .json();
            for (JsonNode d : page.get("data")) {
                assertThat(d.get("status").asString()).isEqualTo("failed");
                failed.add(d.get("messageId").asString());
            }
            cursor = page.get("nextCursor").isNull()
                    ? null
                    : page.get("nextCursor").asString();
        } while (cursor != null);
        assertThat(failed).containsExactlyInAnyOrderElementsOf(messages.subList(0, 4));

        // Bulk resend is a write; bad requests change nothing.
        assertThat(api.post(base + "/deliveries/resend", viewer, "{\"status\":\"failed\"}")
                        .status())
                .isEqualTo(403);
        for (String bad : List.of(
                "{}",
                "{\"status\":\"pending\"}",
                "{\"ids\":[]}",
                "{\"ids\":[\"x\"],\"status\":\"failed\"}",
                "{\"status\":\"failed\",\"max\":5000}")) {
            assertThat(api.post(base + "/deliveries/resend", ADMIN, bad).status())
                    .as(bad)
                    .isEqualTo(400);
        }
        assertThat(failedCount(tenant)).isEqualTo(4);
        var byFilter = api.post(
                base + "/deliveries/resend",
                ADMIN,
                "{\"status\":\"failed\",\"eventType\":\"order.created\",\"max\":2}");
        assertThat(byFilter.status()).as(byFilter.toString()).isEqualTo(200);
        assertThat(byFilter.json().get("queued").asInt()).isEqualTo(2);
        assertThat(failedCount(tenant)).isEqualTo(2);
        String oneFailed = api.get(base + "/deliveries?status=failed&limit=1", ADMIN)
                .json()
                .get("data")
                .get(0)
                .get("id")
                .asString();
        var byIds = api.post(base + "/deliveries/resend", ADMIN, "{\"ids\":[\"" + oneFailed + "\",\"dlv_other\"]}");
        assertThat(byIds.json().get("queued").asInt()).isEqualTo(1);
        assertThat(byIds.json().get("skipped").asInt()).isEqualTo(1);
        assertThat(failedCount(tenant)).isEqualTo(1);
        disableEndpoints(tenant);
    }

    @Test
    void bulkReplayRunsAsABoundedJob() {
        String tenant = newTenant();
        String base = "/api/v1/tenants/" + tenant;
        var src = api.post(
                        base + "/sources",
                        ADMIN,
                        "{\"name\":\"T\",\"provider\":\"token\",\"options\":{\"idHeader\":\"X-Event-Id\"}}")
                .json();
        String source = src.get("id").asString();
        for (int i = 0; i < 5; i++) {
            assertThat(ingest(source, src.get("secret").asString(), "e-" + i).status())
                    .isEqualTo(200);
            clock.advance(Duration.ofSeconds(1));
        }
        String viewer = newKey(tenant, "viewer");
        assertThat(api.post(base + "/events/replay", viewer, "{}").status()).isEqualTo(403);
        for (String bad :
                List.of("{\"status\":\"lost\"}", "{\"max\":0}", "{\"since\":\"soon\"}", "{\"provider\":\"x\"}")) {
            var r = api.post(base + "/events/replay", ADMIN, bad);
            assertThat(r.status()).as(bad).isEqualTo(400);
        }
        assertThat(count("event_replays", tenant)).isZero();

        var started = api.post(base + "/events/replay", ADMIN, "{\"source\":\"" + source + "\",\"max\":3}");
        assertThat(started.status()).as(started.toString()).isEqualTo(202);
        assertThat(started.json().get("matched").asInt()).isEqualTo(3);
        String job = started.json().get("id").asString();
        assertThat(started.header("Location")).endsWith("/events/replay/" + job);
        await(() -> "done"
                .equals(api.get(base + "/events/replay/" + job, viewer)
                        .json()
                        .get("status")
                        .asString()));
        var done = api.get(base + "/events/replay/" + job, viewer).json();
        assertThat(done.get("replayed").asInt()).isEqualTo(3);
        // The three oldest events got a second run; the two newest did not.
        List<Integer> runs = jdbc.sql("SELECT runs FROM inbound_events WHERE tenant_id = :t ORDER BY received_at")
                .param("t", tenant)
                .query(Integer.class)
                .list();
        assertThat(runs).containsExactly(2, 2, 2, 1, 1);
        assertThat(api.get("/api/v1/tenants/" + newTenant() + "/events/replay/" + job, ADMIN)
                        .status())
                .isEqualTo(404);
    }

    @Test
    void connectionCountsActivityAndViews() throws Exception {
        String tenant = newTenant();
        String base = "/api/v1/tenants/" + tenant;
        for (int i = 0; i < 2; i++) {
            api.post(base + "/connections", ADMIN, "{\"provider\":\"stripe\",\"name\":\"c" + i + "\"}");
        }
        JsonNode counts = api.get(base + "/connections/counts", ADMIN).json();
        assertThat(counts.get("total").asLong()).isEqualTo(2);
        assertThat(counts.get("byState").get("not_configured").asLong()).isEqualTo(2);
        assertThat(counts.get("byState").get("active").asLong()).isZero();
        assertThat(counts.get("byHealth").get("unknown").asLong()).isEqualTo(2);
        long categories = 0;
        for (JsonNode n : counts.get("byCategory")) categories += n.asLong();
        assertThat(categories).isEqualTo(2);

        var src = api.post(
                        base + "/sources",
                        ADMIN,
                        "{\"name\":\"T\",\"provider\":\"token\",\"options\":{\"idHeader\":\"X-Event-Id\"}}")
                .json();
        String source = src.get("id").asString();
        try (Receiver receiver = new Receiver()) {
            String endpoint = api.post(
                            base + "/endpoints",
                            ADMIN,
                            "{\"url\":\"" + receiver.url("/hook") + "\",\"eventTypes\":[\"ping\"]}")
                    .json()
                    .get("id")
                    .asString();
            for (int i = 0; i < 3; i++) {
                ingest(source, src.get("secret").asString(), "a-" + i);
                api.post(base + "/messages", ADMIN, "{\"eventType\":\"ping\",\"payload\":{}}");
            }
            await(() -> count("delivery_attempts", tenant) == 3);
            JsonNode ep = api.get(base + "/endpoints/" + endpoint, ADMIN).json();
            assertThat(ep.get("attemptsLast24h").asLong()).isEqualTo(3);
            // Under load a 2 s test timeout can fail an attempt: compare with the log, not with 3.
            long ok = jdbc.sql("SELECT count(*) FROM delivery_attempts WHERE tenant_id = :t AND outcome = 'SUCCESS'")
                    .param("t", tenant)
                    .query(Long.class)
                    .single();
            assertThat(ep.get("succeededLast24h").asLong()).isEqualTo(ok);
            assertThat(ep.get("lastDeliveryAt").isNull()).isFalse();
            JsonNode epList =
                    api.get(base + "/endpoints", ADMIN).json().get("data").get(0);
            assertThat(epList.get("attemptsLast24h").asLong()).isEqualTo(3);
        }
        JsonNode s = api.get(base + "/sources/" + source, ADMIN).json();
        assertThat(s.get("receivedLast24h").asLong()).isEqualTo(3);
        assertThat(Instant.parse(s.get("lastReceivedAt").asString())).isBeforeOrEqualTo(clock.instant());
        assertThat(api.get(base + "/sources", ADMIN)
                        .json()
                        .get("data")
                        .get(0)
                        .get("receivedLast24h")
                        .asLong())
                .isEqualTo(3);

        // The feed: three events and three attempts, newest first, two per page, no repeats.
        List<String> seen = new ArrayList<>();
        Instant previous = Instant.MAX;
        String cursor = null;
        do {
            JsonNode page = api.get(
                            base + "/activity?type=inbound,delivery&limit=2"
                                    + (cursor == null ? "" : "&cursor=" + cursor),
                            ADMIN)
                    .json();
            for (JsonNode e : page.get("data")) {
                Instant at = Instant.parse(e.get("at").asString());
                assertThat(at).isBeforeOrEqualTo(previous);
                previous = at;
                seen.add(e.get("type").asString() + ":" + e.get("id").asString());
            }
            cursor = page.get("nextCursor").isNull()
                    ? null
                    : page.get("nextCursor").asString();
        } while (cursor != null);
        assertThat(seen).doesNotHaveDuplicates().hasSize(6);
        assertThat(seen.stream().filter(x -> x.startsWith("inbound:"))).hasSize(3);
        JsonNode inboundOnly = api.get(base + "/activity?type=inbound", ADMIN).json();
        assertThat(inboundOnly.get("data")).hasSize(3);
        for (JsonNode e : inboundOnly.get("data"))
            assertThat(e.get("type").asString()).isEqualTo("inbound");

        // Provider calls, alerts and audit entries are in the feed too, each under its own type.
        String call = dev.switchboard.common.Ids.next("call");
        jdbc.sql("""
                INSERT INTO provider_calls (id, tenant_id, connection_id, provider, origin, method, path, status,
                    latency_ms, request_bytes, response_bytes, called_at)
                VALUES (:id, :t, 'con_feed', 'github', 'proxy', 'GET', '/user?access_token=[redacted]', 503, 12, 0, 0, :at)
                """)
                .param("id", call)
                .param("t", tenant)
                .param("at", dev.switchboard.common.Sql.ts(clock.instant()))
                .update();
        var alert = api.post(
                base + "/alerts", ADMIN, "{\"title\":\"Feed check\",\"message\":\"m\",\"severity\":\"warning\"}");
        assertThat(alert.status()).as(alert.toString()).isBetween(200, 299);
        JsonNode calls = api.get(base + "/activity?type=call", ADMIN).json().get("data");
        assertThat(calls).singleElement().satisfies(e -> {
            assertThat(e.get("id").asString()).isEqualTo(call);
            assertThat(e.get("subjectId").asString()).isEqualTo("con_feed");
            assertThat(e.get("status").asString()).isEqualTo("5xx");
            assertThat(e.get("summary").asString()).contains("GET /user").doesNotContain("access_token=x");
        });
        JsonNode alerts = api.get(base + "/activity?type=alert", ADMIN).json().get("data");
        assertThat(alerts).singleElement().satisfies(e -> {
            assertThat(e.get("status").asString()).isEqualTo("warning");
            assertThat(e.get("summary").asString()).contains("Feed check");
        });
        JsonNode audit =
                api.get(base + "/activity?type=audit&limit=100", ADMIN).json().get("data");
        List<String> actions = new ArrayList<>();
        audit.forEach(e -> {
            assertThat(e.get("type").asString()).isEqualTo("audit");
            actions.add(e.get("summary").asString());
        });
        assertThat(actions).anySatisfy(a -> assertThat(a).startsWith("source.create"));
        assertThat(actions).anySatisfy(a -> assertThat(a).startsWith("endpoint.create"));
        JsonNode all = api.get(base + "/activity?limit=1000", ADMIN).json().get("data");
        List<String> types = new ArrayList<>();
        all.forEach(e -> types.add(e.get("type").asString()));
        assertThat(types).contains("inbound", "delivery", "call", "alert", "audit");
        assertThat(all).hasSize(6 + 1 + 1 + audit.size());
        JsonNode two = api.get(base + "/activity?type=call,alert", ADMIN).json().get("data");
        assertThat(two).hasSize(2);
        assertThat(api.get(base + "/activity?since=x", ADMIN).status()).isEqualTo(400);
        disableEndpoints(tenant);
    }

    private static List<String> ids(JsonNode page) {
        List<String> ids = new ArrayList<>();
        page.get("data").forEach(m -> ids.add(m.get("id").asString()));
        return ids;
    }

    private long failedCount(String tenant) {
        return jdbc.sql("SELECT count(*) FROM deliveries WHERE tenant_id = :t AND status = 'failed'")
                .param("t", tenant)
                .query(Long.class)
                .single();
    }

    private long count(String table, String tenant) {
        return jdbc.sql("SELECT count(*) FROM " + table + " WHERE tenant_id = :t")
                .param("t", tenant)
                .query(Long.class)
                .single();
    }

    private Api.Response ingest(String source, String secret, String id) {
        return api.send(HttpRequest.newBuilder(URI.create(api.base() + "/webhooks/" + source))
                .header("Authorization", "Bearer " + secret)
                .header("X-Event-Id", id)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"order.created\"}"))
                .build());
    }

    /** Polls a condition until it holds, for at most 60 seconds. */
    private static void await(BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("condition not met within 60 s");
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
