package dev.switchboard.testing;

import dev.switchboard.Switchboard;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The real server on a random port, on the suite's database (H2, or PostgreSQL in the second pass
 * of .ci/run), driven over HTTP. Every test class that extends it shares one running server; tests
 * isolate themselves by creating their own tenants.
 */
@SpringBootTest(classes = Switchboard.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(TestBeans.class)
public abstract class ServerTest {

    @LocalServerPort
    protected int port;

    @Autowired
    protected JdbcClient jdbc;

    @Autowired
    protected MutableClock clock;

    protected Api api;

    @DynamicPropertySource
    static void suiteDatabase(DynamicPropertyRegistry registry) {
        TestDatabase.suite().forEach((k, v) -> registry.add(k, () -> v));
        registry.add("switchboard.admin-key", () -> TestKeys.ADMIN_KEY);
        registry.add("switchboard.inbound.processing.max-attempts", () -> "3");
        // Endpoints and providers are local receivers in tests: allow loopback, and keep timeouts short.
        registry.add("switchboard.egress.tenant-allowed-networks", () -> "127.0.0.0/8");
        registry.add("switchboard.egress.operator-allowed-networks", () -> "127.0.0.0/8");
        registry.add("switchboard.outbound.timeout", () -> "2s");
        // Connections: jobs look often, health checks give up and call "slow" sooner.
        registry.add("switchboard.connections.poll-interval", () -> "300ms");
        registry.add("switchboard.connections.check-timeout", () -> "2s");
        registry.add("switchboard.connections.slow-after", () -> "500ms");
        // Gateway: a trickling provider is cut after 2 s, not 30.
        registry.add("switchboard.gateway.deadline", () -> "2s");
        // PayPal's certificates come from a local double, issued by a test CA the server trusts.
        registry.add(
                "switchboard.inbound.paypal.cert-url-prefixes",
                () -> PaypalDouble.get().prefix());
        registry.add(
                "switchboard.inbound.paypal.trust-anchors",
                () -> PaypalDouble.get().caFile());
        // Sending domains: TXT records come from a local DNS responder the tests fill.
        registry.add("switchboard.domains.dns-server", () -> DnsDouble.get().address());
        registry.add("switchboard.domains.dns-timeout", () -> "2s");
        registry.add("switchboard.domains.min-volume", () -> "20");
        registry.add("switchboard.domains.poll-interval", () -> "300ms");
        // The tests' requests come from loopback: as if through the operator's TLS-terminating proxy,
        // whose X-Forwarded-For and X-Forwarded-Proto are believed (no test sends them otherwise).
        registry.add("switchboard.inbound.trusted-proxies", () -> "127.0.0.1/32");
        // Approvals: Slack's response_url is a local receiver in tests.
        registry.add("switchboard.approvals.slack-response-url-prefixes", () -> "http://127.0.0.1:");
        if (TestServices.suiteRedisUrl() != null) {
            registry.add("switchboard.outbound.redis-url", TestServices::suiteRedisUrl);
        }
    }

    @BeforeEach
    void connect() {
        api = new Api(port);
    }

    protected static final String ADMIN = TestKeys.ADMIN_KEY;

    /** A new tenant with a unique id. */
    protected String newTenant() {
        String id = "t-" + UUID.randomUUID().toString().substring(0, 13);
        var r = api.post("/api/v1/tenants", ADMIN, "{\"id\":\"" + id + "\",\"name\":\"Tenant " + id + "\"}");
        if (r.status() != 201) throw new IllegalStateException("creating a tenant: " + r);
        return id;
    }

    /** A new key of the given role ("admin" or "viewer") for a tenant; returns the secret key. */
    protected String newKey(String tenant, String role) {
        var r = api.post(
                "/api/v1/tenants/" + tenant + "/api-keys", ADMIN, "{\"name\":\"k\",\"role\":\"" + role + "\"}");
        if (r.status() != 201) throw new IllegalStateException("creating a key: " + r);
        return r.json().get("key").asString();
    }

    /**
     * Disables every endpoint of a tenant: their waiting retries pause, so a test's background
     * deliveries never reach a later test (the server and its clock are shared).
     */
    protected void disableEndpoints(String tenant) {
        for (var ep : api.get("/api/v1/tenants/" + tenant + "/endpoints?limit=1000", ADMIN)
                .json()
                .get("data")) {
            api.patch(
                    "/api/v1/tenants/" + tenant + "/endpoints/" + ep.get("id").asString(),
                    ADMIN,
                    "{\"disabled\":true}");
        }
    }

    protected long count(String table) {
        return jdbc.sql("SELECT count(*) FROM " + table).query(Long.class).single();
    }
}
