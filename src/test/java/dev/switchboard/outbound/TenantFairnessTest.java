package dev.switchboard.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.Switchboard;
import dev.switchboard.testing.Api;
import dev.switchboard.testing.MutableClock;
import dev.switchboard.testing.Receiver;
import dev.switchboard.testing.Receiver.Answer;
import dev.switchboard.testing.TestBeans;
import dev.switchboard.testing.TestDatabase;
import dev.switchboard.testing.TestKeys;
import dev.switchboard.testing.TestServices;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * One tenant cannot hold every delivery slot of a node: with several slow endpoints it has more
 * deliveries in flight than the node has slots, yet another tenant's delivery goes out while those
 * still hang. A server and database of its own: small slots, a timeout long enough for the hang to
 * outlast the test, and no other test server claiming these deliveries.
 */
@SpringBootTest(classes = Switchboard.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(TestBeans.class)
class TenantFairnessTest {

    static final int CONCURRENCY = 8;
    static final String ADMIN = TestKeys.ADMIN_KEY;

    @LocalServerPort
    int port;

    @Autowired
    MutableClock clock;

    Api api;

    @DynamicPropertySource
    static void smallNode(DynamicPropertyRegistry registry) {
        (TestServices.suiteOnPostgres() ? TestDatabase.postgres() : TestDatabase.h2())
                .forEach((k, v) -> registry.add(k, () -> v));
        registry.add("switchboard.admin-key", () -> ADMIN);
        registry.add("switchboard.egress.tenant-allowed-networks", () -> "127.0.0.0/8");
        registry.add("switchboard.outbound.concurrency", () -> String.valueOf(CONCURRENCY));
        registry.add("switchboard.outbound.endpoint-concurrency", () -> "2");
        registry.add("switchboard.outbound.timeout", () -> "30s");
    }

    @Autowired
    OutboundProperties properties;

    @Test
    void aTenantFloodingSlowEndpointsDoesNotHoldUpAnother() throws Exception {
        api = new Api(port);
        assertThat(properties.timeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(properties.tenantCap()).isEqualTo(CONCURRENCY / 2);
        clock.reset();
        CountDownLatch hang = new CountDownLatch(1);
        String flooder = newTenant();
        String other = newTenant();
        try (Receiver slow = new Receiver();
                Receiver fast = new Receiver()) {
            // 5 endpoints × their cap of 2 = 10 deliveries that could be in flight at once, more than the 8 slots.
            for (int i = 0; i < 5; i++) {
                endpoint(flooder, slow.url("/slow" + i));
            }
            for (int i = 0; i < 10; i++) {
                slow.then(new Answer(200, Map.of(), new byte[0], hang));
            }
            send(flooder);
            send(flooder);
            await().atMost(Duration.ofSeconds(10)).until(() -> slow.active.get() == properties.tenantCap());

            endpoint(other, fast.url("/fast"));
            send(other);
            // The other tenant is claimed in the next cycle, while every one of the flooder's sends still hangs.
            await().atMost(Duration.ofSeconds(10)).until(() -> fast.requests.size() == 1);
            assertThat(slow.active.get()).isEqualTo(properties.tenantCap());
            assertThat(slow.peak.get()).isEqualTo(properties.tenantCap());

            hang.countDown();
            await().atMost(Duration.ofSeconds(20)).until(() -> slow.requests.size() == 10);
        } finally {
            hang.countDown();
        }
    }

    String newTenant() {
        String id = "fair-" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(api.post("/api/v1/tenants", ADMIN, "{\"id\":\"" + id + "\",\"name\":\"F\"}")
                        .status())
                .isEqualTo(201);
        return id;
    }

    void endpoint(String tenant, String url) {
        var r = api.post("/api/v1/tenants/" + tenant + "/endpoints", ADMIN, "{\"url\":\"" + url + "\"}");
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
    }

    void send(String tenant) {
        var r = api.post(
                "/api/v1/tenants/" + tenant + "/messages", ADMIN, "{\"eventType\":\"order.created\",\"payload\":{}}");
        assertThat(r.status()).as(r.toString()).isEqualTo(202);
    }
}
