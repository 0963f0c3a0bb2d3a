package dev.switchboard.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.testing.Api;
import dev.switchboard.testing.Receiver;
import dev.switchboard.testing.ServerProcess;
import dev.switchboard.testing.TestDatabase;
import dev.switchboard.testing.TestKeys;
import dev.switchboard.testing.TestServices;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * Two Switchboard processes over one PostgreSQL deliver 2,000 messages each exactly once; then,
 * with one of them killed (SIGKILL) mid-run, every message is still delivered, and the only
 * duplicates are deliveries the dead node had in flight, with their original {@code webhook-id}.
 * Runs in the PostgreSQL pass of the suite (H2 is one process's database).
 */
@EnabledIf(
        value = "dev.switchboard.testing.TestServices#suiteOnPostgres",
        disabledReason = "runs in the PostgreSQL pass")
class TwoNodeDeliveryTest {

    static final int MESSAGES = 2_000;
    static final int CONCURRENCY = 16;
    static final int BATCH = 50;

    @Test
    void twoNodesDeliverEachMessageOnceAndSurviveAKill() throws Exception {
        Map<String, String> db = new HashMap<>(TestDatabase.postgres());
        db.put("switchboard.egress.tenant-allowed-networks", "127.0.0.0/8");
        db.put("switchboard.egress.operator-allowed-networks", "127.0.0.0/8");
        db.put("switchboard.outbound.concurrency", String.valueOf(CONCURRENCY));
        db.put("switchboard.outbound.endpoint-concurrency", String.valueOf(CONCURRENCY));
        db.put("switchboard.outbound.batch-size", String.valueOf(BATCH));
        db.put("switchboard.outbound.poll-interval", "200ms");
        // A dead node's deliveries are taken over when their lease ends.
        db.put("switchboard.outbound.lease", "5s");
        db.put("switchboard.outbound.timeout", "2s");
        if (TestServices.suiteRedisUrl() != null)
            db.put("switchboard.outbound.redis-url", TestServices.suiteRedisUrl());

        try (Receiver receiver = new Receiver();
                ServerProcess a = ServerProcess.start("two-node-a", db, ServerProcess.freePort());
                ServerProcess b = ServerProcess.start("two-node-b", db, ServerProcess.freePort())) {
            String tenant = "two-" + UUID.randomUUID().toString().substring(0, 8);
            assertThat(a.api.post("/api/v1/tenants", TestKeys.ADMIN_KEY, "{\"id\":\"" + tenant + "\",\"name\":\"Two\"}")
                            .status())
                    .isEqualTo(201);
            var ep = a.api.post(
                    "/api/v1/tenants/" + tenant + "/endpoints",
                    TestKeys.ADMIN_KEY,
                    "{\"url\":\"" + receiver.url("/two") + "\"}");
            assertThat(ep.status()).isEqualTo(201);

            // 1. Nothing fails: each message exactly once, and both nodes did part of the work.
            Map<String, String> first = publish(a.api, b.api, tenant, "first");
            await().atMost(Duration.ofSeconds(120)).until(() -> distinct(receiver, first.keySet()) == MESSAGES);
            Map<String, Long> perId = countById(receiver);
            assertThat(first.keySet())
                    .allSatisfy(id -> assertThat(perId.get(id)).as(id).isEqualTo(1L));
            assertThat(successes(a.api)).isPositive();
            assertThat(successes(b.api)).isPositive();
            assertThat(successes(a.api) + successes(b.api)).isEqualTo(MESSAGES);

            // 2. Node a is killed mid-run: b takes over its leased deliveries when the lease ends.
            Map<String, String> second = publish(a.api, b.api, tenant, "second");
            await().atMost(Duration.ofSeconds(60)).until(() -> distinct(receiver, second.keySet()) >= MESSAGES / 4);
            a.kill();
            await().atMost(Duration.ofSeconds(120)).until(() -> distinct(receiver, second.keySet()) == MESSAGES);
            // Let b finish whatever it had in flight before counting.
            await().atMost(Duration.ofSeconds(30)).until(() -> pending(b.api, tenant, second.keySet()) == 0);
            Map<String, Long> counts = countById(receiver);
            long duplicates =
                    second.keySet().stream().mapToLong(id -> counts.get(id) - 1).sum();
            // At most what a had claimed and not yet recorded: its in-flight slots and one batch.
            assertThat(duplicates).isLessThanOrEqualTo(CONCURRENCY + BATCH);
            // A duplicate is the same message: the same webhook-id, the same signed body.
            receiver.requests.stream()
                    .filter(r -> second.containsKey(r.header("webhook-id")))
                    .forEach(r -> assertThat(Api.JSON
                                    .readTree(r.body())
                                    .get("data")
                                    .get("n")
                                    .asString())
                            .isEqualTo(second.get(r.header("webhook-id"))));
            System.out.printf("two nodes: %d duplicates after the kill (bound %d)%n", duplicates, CONCURRENCY + BATCH);
        }
    }

    /** 2,000 messages through both nodes' APIs; message id → its payload's n. */
    static Map<String, String> publish(Api a, Api b, String tenant, String run) throws Exception {
        Map<String, String> ids = new ConcurrentHashMap<>();
        AtomicInteger next = new AtomicInteger();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int t = 0; t < 8; t++) {
                int thread = t;
                pool.submit(() -> {
                    Api api = thread % 2 == 0 ? a : b;
                    for (int i = next.getAndIncrement(); i < MESSAGES; i = next.getAndIncrement()) {
                        String n = run + "-" + i;
                        var r = api.post(
                                "/api/v1/tenants/" + tenant + "/messages",
                                TestKeys.ADMIN_KEY,
                                "{\"eventType\":\"load.test\",\"payload\":{\"n\":\"" + n + "\"}}");
                        assertThat(r.status()).as(r.toString()).isEqualTo(202);
                        ids.put(r.json().get("id").asString(), n);
                    }
                    return null;
                });
            }
        }
        assertThat(ids).hasSize(MESSAGES);
        return ids;
    }

    static long distinct(Receiver r, java.util.Set<String> ids) {
        return r.requests.stream()
                .map(q -> q.header("webhook-id"))
                .filter(ids::contains)
                .distinct()
                .count();
    }

    static Map<String, Long> countById(Receiver r) {
        return r.requests.stream().collect(Collectors.groupingBy(q -> q.header("webhook-id"), Collectors.counting()));
    }

    /** Deliveries of these messages not yet recorded as succeeded. */
    static long pending(Api api, String tenant, java.util.Set<String> ids) {
        return ids.stream()
                .filter(id -> !api.get("/api/v1/tenants/" + tenant + "/messages/" + id, TestKeys.ADMIN_KEY)
                        .json()
                        .get("deliveries")
                        .get(0)
                        .get("status")
                        .asString()
                        .equals("succeeded"))
                .limit(1)
                .count();
    }

    private static final Pattern SUCCESS =
            Pattern.compile("switchboard_outbound_attempts_total\\{[^}]*outcome=\"SUCCESS\"[^}]*\\} ([0-9.E]+)");

    static long successes(Api api) {
        Matcher m = SUCCESS.matcher(api.get("/actuator/prometheus", null).body());
        return m.find() ? (long) Double.parseDouble(m.group(1)) : 0;
    }
}
