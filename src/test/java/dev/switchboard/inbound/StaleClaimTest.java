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
 * Processing is fenced on its claim: when another node claims the event while this one is still
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
                            Sql.now(clock), properties.processing().lease(), 100));
                    if (!claimed.contains(event.id())) throw new IllegalStateException("not claimed: " + claimed);
                    tookOver.countDown();
                }
            };
        }
    }

    @Autowired
    EventProcessor processor;

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
