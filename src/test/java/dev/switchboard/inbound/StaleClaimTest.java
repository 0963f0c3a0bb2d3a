package dev.switchboard.inbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.Switchboard;
import dev.switchboard.common.Sql;
import dev.switchboard.testing.Api;
import dev.switchboard.testing.MutableClock;
import dev.switchboard.testing.TestBeans;
import dev.switchboard.testing.TestDatabase;
import dev.switchboard.testing.TestKeys;
import dev.switchboard.testing.TestServices;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Processing under its claims. Fenced: when another node claims the event while this one is still
 * routing it (the lease ran out), or it is replayed meanwhile, the first run's end matches no row and
 * everything it did is rolled back. Ordered: each source's events are routed in the order they came,
 * while different sources' events of a batch go in parallel lanes.
 *
 * <p>The first test, in detail. Processing is fenced on its claim: when another node claims the event while this one is still
 * routing it (the lease ran out), the first run's end matches no row and everything it did is
 * rolled back; the second claim's run is the one that counts. A server and database of its own:
 * no other test server's processor may take the event.
 */
@SpringBootTest(classes = Switchboard.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import({TestBeans.class, StaleClaimTest.Routers.class})
class StaleClaimTest {

    @DynamicPropertySource
    static void ownDatabase(DynamicPropertyRegistry registry) {
        (TestServices.suiteOnPostgres() ? TestDatabase.postgres() : TestDatabase.h2())
                .forEach((k, v) -> registry.add(k, () -> v));
        registry.add("switchboard.admin-key", () -> TestKeys.ADMIN_KEY);
    }

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    MutableClock clock;

    /** The tenant whose event the router takes over mid-run, as another node would; and the runs routed. */
    static final AtomicReference<String> takeOver = new AtomicReference<>();

    static final AtomicInteger routed = new AtomicInteger();
    static final java.util.concurrent.CountDownLatch tookOver = new java.util.concurrent.CountDownLatch(1);

    @TestConfiguration
    static class Routers {
        @Bean
        InboundEventRouter takeOverRouter(
                JdbcClient jdbc,
                EventRepository events,
                PlatformTransactionManager transactions,
                InboundProperties properties,
                MutableClock clock) {
            TransactionTemplate otherNode = new TransactionTemplate(transactions);
            otherNode.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
            return (event, body) -> {
                if (event.tenantId().equals(midBatch.get())) {
                    routeMidBatch(jdbc, events, otherNode, clock, event);
                    return;
                }
                if (event.tenantId().equals(ordered.get())) {
                    routedInOrder.add(event.sourceId() + " " + new String(body, StandardCharsets.UTF_8));
                    return;
                }
                if (!event.tenantId().equals(takeOver.get())) return;
                // What the router writes: in the processing transaction, like a published message.
                jdbc.sql("""
                                INSERT INTO subject_mappings (tenant_id, external_id, user_id, created_at, updated_at)
                                VALUES (:tenant, :external, 'u', :now, :now)
                                """)
                        .param("tenant", event.tenantId())
                        .param("external", "run-" + routed.incrementAndGet())
                        .param("now", Sql.ts(Sql.now(clock)))
                        .update();
                if (routed.get() == 1) {
                    // The lease runs out and another node claims the event (and commits) meanwhile.
                    clock.advance(properties.processing().lease().plusSeconds(1));
                    var claimed = otherNode.execute(s -> events.claimDue(
                            Sql.now(clock),
                            java.time.Instant.EPOCH,
                            properties.processing().lease(),
                            100));
                    if (!claimed.contains(event.id())) throw new IllegalStateException("not claimed: " + claimed);
                    tookOver.countDown();
                }
            };
        }
    }

    /** The tenant whose batch loses one event's claim mid-batch (a replay commits meanwhile). */
    static final AtomicReference<String> midBatch = new AtomicReference<>();
    /** The event of that batch that is replayed while the batch routes it. */
    static final AtomicReference<String> replayedMidBatch = new AtomicReference<>();

    static final AtomicInteger midBatchRoutes = new AtomicInteger();

    static void routeMidBatch(
            JdbcClient jdbc,
            EventRepository events,
            TransactionTemplate otherNode,
            MutableClock clock,
            InboundEvent e) {
        jdbc.sql("""
                        INSERT INTO subject_mappings (tenant_id, external_id, user_id, created_at, updated_at)
                        VALUES (:tenant, :external, 'u', :now, :now)
                        """)
                .param("tenant", e.tenantId())
                .param("external", e.id() + "-" + midBatchRoutes.incrementAndGet())
                .param("now", Sql.ts(Sql.now(clock)))
                .update();
        if (e.id().equals(replayedMidBatch.get()) && midBatchRoutes.get() <= 3) {
            otherNode.executeWithoutResult(s -> events.replay(e.tenantId(), e.id(), Sql.now(clock)));
        }
    }

    /** The tenant whose sources' events are recorded as routed ("source body"), in routing order. */
    static final AtomicReference<String> ordered = new AtomicReference<>();

    static final java.util.Queue<String> routedInOrder = new java.util.concurrent.ConcurrentLinkedQueue<>();

    @Autowired
    EventProcessor processor;

    /**
     * Stores due events in one statement, so that one claim takes them all: {@code perSource} events
     * of each source, interleaved, received 1 ms apart in the order given; each body is its number
     * within its source.
     */
    List<String> storeDue(String tenant, List<String> sources, int perSource) {
        return storeDue(tenant, sources, perSource, Sql.now(clock).minusSeconds(1));
    }

    /** As above, the first received at {@code t0}. */
    List<String> storeDue(String tenant, List<String> sources, int perSource, java.time.Instant t0) {
        List<String> ids = new ArrayList<>();
        List<Map<String, Object>> rows = new ArrayList<>();
        int n = 0;
        for (int i = 0; i < perSource; i++) {
            for (String source : sources) {
                String id = dev.switchboard.common.Ids.next("evt");
                ids.add(id);
                Map<String, Object> row = new HashMap<>();
                row.put("id", id);
                row.put("tenant", tenant);
                row.put("source", source);
                row.put("key", "k-" + id);
                row.put("at", Sql.ts(t0.plusMillis(n++)));
                row.put("body", Integer.toString(i).getBytes(StandardCharsets.UTF_8));
                rows.add(row);
            }
        }
        named.batchUpdate(
                """
                        INSERT INTO inbound_events (id, tenant_id, source_id, provider, dedupe_key, event_type,
                                                    received_at, content_type, headers, body, body_size, verification,
                                                    status, attempts, runs, next_attempt_at)
                        VALUES (:id, :tenant, :source, 'none', :key, 'ping', :at, 'text/plain', '{}', :body, 1,
                                'none', 'received', 0, 1, :at)
                        """,
                rows.stream()
                        .map(org.springframework.jdbc.core.namedparam.MapSqlParameterSource::new)
                        .toArray(org.springframework.jdbc.core.namedparam.SqlParameterSource[]::new));
        return ids;
    }

    @Autowired
    org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate named;

    String tenantWithSources(Api api, String prefix, int sources, List<String> ids) {
        String tenant = prefix + UUID.randomUUID().toString().substring(0, 8);
        assertThat(api.post("/api/v1/tenants", TestKeys.ADMIN_KEY, "{\"id\":\"" + tenant + "\",\"name\":\"S\"}")
                        .status())
                .isEqualTo(201);
        for (int i = 0; i < sources; i++) {
            var src = api.post(
                    "/api/v1/tenants/" + tenant + "/sources",
                    TestKeys.ADMIN_KEY,
                    "{\"name\":\"Open " + i + "\",\"provider\":\"none\"}");
            assertThat(src.status()).as(src.toString()).isEqualTo(201);
            ids.add(src.json().get("id").asString());
        }
        return tenant;
    }

    long waiting(String tenant) {
        return jdbc.sql("SELECT count(*) FROM inbound_events WHERE tenant_id = :t AND status <> 'processed'")
                .param("t", tenant)
                .query(Long.class)
                .single();
    }

    /**
     * An event due before the processor's floor (as when its transaction committed long after it read
     * the clock) is not lost: the floor's next read of the oldest waiting event, a refresh later,
     * goes back to it.
     */
    @Test
    void anEventDueBeforeTheFloorIsProcessedAtItsNextRead() {
        Api api = new Api(port);
        List<String> sources = new ArrayList<>();
        String tenant = tenantWithSources(api, "floor-", 1, sources);
        // The processor reads its floor on every claim: at most the allowance before now.
        processor.wake();
        storeDue(
                tenant, sources, 3, Sql.now(clock).minus(dev.switchboard.common.QueueFloor.ALLOWANCE.multipliedBy(12)));
        clock.advance(dev.switchboard.common.QueueFloor.REFRESH);
        processor.wake();
        await().atMost(Duration.ofSeconds(30)).until(() -> waiting(tenant) == 0);
    }

    /**
     * A batch of several sources' events is routed in lanes at once, and each source's events in the
     * order they came, however the lanes interleave.
     */
    @Test
    void eachSourcesEventsAreRoutedInTheOrderTheyCame() {
        Api api = new Api(port);
        List<String> sources = new ArrayList<>();
        String tenant = tenantWithSources(api, "order-", 5, sources);
        ordered.set(tenant);
        storeDue(tenant, sources, 40);
        processor.wake();
        await().atMost(Duration.ofSeconds(60)).until(() -> waiting(tenant) == 0);

        for (String source : sources) {
            List<String> numbers = routedInOrder.stream()
                    .filter(r -> r.startsWith(source + " "))
                    .map(r -> r.substring(source.length() + 1))
                    .toList();
            assertThat(numbers)
                    .as(source)
                    .containsExactlyElementsOf(java.util.stream.IntStream.range(0, 40)
                            .mapToObj(Integer::toString)
                            .toList());
        }
    }

    /**
     * One event of a batch is replayed while the batch routes it (its claim moves on mid-batch): the
     * batch is rolled back and runs again without it, so the others end once and what was routed for
     * the first pass is gone; the replayed event then runs as the new run, alone.
     */
    @Test
    void aBatchThatLosesOneClaimMidBatchKeepsNothingOfThatEvent() {
        Api api = new Api(port);
        List<String> sources = new ArrayList<>();
        String tenant = tenantWithSources(api, "mid-", 1, sources);
        midBatch.set(tenant);
        List<String> ids = storeDue(tenant, sources, 3);
        replayedMidBatch.set(ids.get(1));
        processor.wake();
        await().atMost(Duration.ofSeconds(60)).until(() -> waiting(tenant) == 0);

        for (String id : ids) {
            assertThat(jdbc.sql("SELECT count(*) FROM subject_mappings WHERE tenant_id = :t AND external_id LIKE :p")
                            .param("t", tenant)
                            .param("p", id + "-%")
                            .query(Long.class)
                            .single())
                    .as("routed and kept for " + id)
                    .isEqualTo(1);
        }
        assertThat(runs(ids.get(0))).containsExactly(1);
        assertThat(runs(ids.get(1))).containsExactly(2);
        assertThat(runs(ids.get(2))).containsExactly(1);
    }

    List<Integer> runs(String eventId) {
        return jdbc.sql("SELECT run FROM inbound_event_runs WHERE event_id = :id ORDER BY run")
                .param("id", eventId)
                .query(Integer.class)
                .list();
    }

    @Test
    void aRunWhoseClaimMovedOnIsRolledBack() {
        Api api = new Api(port);
        String tenant = "stale-" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(api.post("/api/v1/tenants", TestKeys.ADMIN_KEY, "{\"id\":\"" + tenant + "\",\"name\":\"S\"}")
                        .status())
                .isEqualTo(201);
        var src = api.post(
                "/api/v1/tenants/" + tenant + "/sources",
                TestKeys.ADMIN_KEY,
                "{\"name\":\"Open\",\"provider\":\"none\"}");
        assertThat(src.status()).as(src.toString()).isEqualTo(201);
        takeOver.set(tenant);
        assertThat(api.send(
                                "POST",
                                "/webhooks/" + src.json().get("id").asString(),
                                null,
                                "application/json",
                                "{\"type\":\"ping\"}".getBytes(StandardCharsets.UTF_8))
                        .status())
                .isBetween(200, 299);
        String id = jdbc.sql("SELECT id FROM inbound_events WHERE tenant_id = :t")
                .param("t", tenant)
                .query(String.class)
                .single();
        await().atMost(Duration.ofSeconds(20)).until(() -> tookOver.getCount() == 0);

        // The other node's claim is leased to it; when that lease ends too, this node processes the
        // event again (after the first run ended: one thread processes one event at a time).
        clock.advance(Duration.ofMinutes(2));
        processor.wake();
        await().atMost(Duration.ofSeconds(20))
                .until(() -> api.get("/api/v1/tenants/" + tenant + "/events/" + id, TestKeys.ADMIN_KEY)
                        .json()
                        .get("status")
                        .asString()
                        .equals("processed"));
        // The first run ended under a claim that was no longer its own: nothing of it was kept.
        assertThat(mappings(tenant, "run-1")).isZero();
        assertThat(mappings(tenant, "run-2")).isEqualTo(1);
        assertThat(jdbc.sql("SELECT count(*) FROM inbound_event_runs WHERE event_id = :id")
                        .param("id", id)
                        .query(Integer.class)
                        .single())
                .isEqualTo(1);
    }

    long mappings(String tenant, String external) {
        return jdbc.sql("SELECT count(*) FROM subject_mappings WHERE tenant_id = :t AND external_id = :e")
                .param("t", tenant)
                .param("e", external)
                .query(Long.class)
                .single();
    }
}
