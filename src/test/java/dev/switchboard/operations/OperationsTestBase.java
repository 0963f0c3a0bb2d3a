package dev.switchboard.operations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.Switchboard;
import dev.switchboard.testing.Api;
import dev.switchboard.testing.MutableClock;
import dev.switchboard.testing.Receiver;
import dev.switchboard.testing.TestBeans;
import dev.switchboard.testing.TestDatabase;
import dev.switchboard.testing.TestKeys;
import dev.switchboard.testing.TestServices;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The operations tests' server: a database of its own (platform channels and rules, backlogs and
 * health are process-wide, and must not see or disturb the shared server's tests), a backlog limit
 * low enough to reach, health read fresh, few send attempts, and thresholds evaluated only when a
 * test asks. Every class extending this shares one server.
 */
@SpringBootTest(classes = Switchboard.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(TestBeans.class)
abstract class OperationsTestBase {

    static final String ADMIN = TestKeys.ADMIN_KEY;
    static final int BACKLOG_LIMIT = 5;
    private static final Map<String, String> DATABASE =
            TestServices.suiteOnPostgres() ? TestDatabase.postgres() : TestDatabase.h2();

    @DynamicPropertySource
    static void operationsServer(DynamicPropertyRegistry registry) {
        DATABASE.forEach((k, v) -> registry.add(k, () -> v));
        registry.add("switchboard.admin-key", () -> ADMIN);
        registry.add("switchboard.egress.tenant-allowed-networks", () -> "127.0.0.0/8");
        registry.add("switchboard.egress.operator-allowed-networks", () -> "127.0.0.0/8");
        registry.add("switchboard.outbound.timeout", () -> "20s");
        registry.add("switchboard.connections.check-timeout", () -> "2s");
        registry.add("switchboard.connections.slow-after", () -> "500ms");
        registry.add("switchboard.inbound.processing.max-attempts", () -> "1");
        registry.add("switchboard.operations.backlog-max-waiting", () -> String.valueOf(BACKLOG_LIMIT));
        registry.add("switchboard.operations.health-cache-ttl", () -> "0s");
        registry.add("switchboard.operations.send-attempts", () -> "3");
        registry.add("switchboard.operations.send-timeout", () -> "2s");
        registry.add("switchboard.operations.poll-interval", () -> "200ms");
        registry.add("switchboard.operations.evaluate-interval", () -> "1h");
        // Retries on the schedule exactly: deliveries sent together exhaust together (RealConditionRulesTest).
        registry.add("switchboard.outbound.retry-jitter", () -> "0");
    }

    @LocalServerPort
    int port;

    @Autowired
    MutableClock clock;

    @Autowired
    JdbcClient jdbc;

    Api api;
    final List<Receiver> receivers = new ArrayList<>();

    @BeforeEach
    void connect() {
        api = new Api(port);
        clock.reset();
    }

    @AfterEach
    void cleanUp() {
        // Platform channels and rules see every tenant: none outlives its test.
        for (String table : List.of("alert_channels", "alert_rules")) {
            jdbc.sql("DELETE FROM " + table + " WHERE tenant_id = '_platform'").update();
        }
        receivers.forEach(Receiver::close);
        receivers.clear();
        clock.reset();
    }

    Receiver receiver() throws Exception {
        Receiver r = new Receiver();
        receivers.add(r);
        return r;
    }

    String newTenant() {
        String id = "t-" + UUID.randomUUID().toString().substring(0, 13);
        var r = api.post("/api/v1/tenants", ADMIN, "{\"id\":\"" + id + "\",\"name\":\"Tenant " + id + "\"}");
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return id;
    }

    /** A channel of a tenant (or of the platform when {@code tenant} is null); returns its id. */
    String channel(String tenant, String kind, String url) {
        var r = api.post(
                base(tenant) + "/alert-channels",
                ADMIN,
                "{\"name\":\"" + kind + " channel\",\"kind\":\"" + kind + "\",\"url\":\"" + url + "\"}");
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.json().get("id").asString();
    }

    String rule(String tenant, String body) {
        var r = api.post(base(tenant) + "/alert-rules", ADMIN, body);
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.json().get("id").asString();
    }

    static String base(String tenant) {
        return tenant == null ? "/api/v1" : "/api/v1/tenants/" + tenant;
    }

    JsonNode alerts(String tenant) {
        var r = api.get(base(tenant) + "/alerts?limit=100", ADMIN);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json().get("data");
    }

    static JsonNode body(Receiver.Request request) {
        return Api.JSON.readTree(request.body());
    }

    /** Waits until the receiver holds {@code n} requests, and that no more arrive for a moment. */
    static void received(Receiver r, int n) {
        await().atMost(Duration.ofSeconds(15)).until(() -> r.requests.size() >= n);
        assertThat(r.requests).hasSize(n);
    }
}
