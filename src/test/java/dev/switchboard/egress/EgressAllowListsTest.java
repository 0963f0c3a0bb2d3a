package dev.switchboard.egress;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.Switchboard;
import dev.switchboard.testing.Api;
import dev.switchboard.testing.Receiver;
import dev.switchboard.testing.TestBeans;
import dev.switchboard.testing.TestDatabase;
import dev.switchboard.testing.TestKeys;
import dev.switchboard.testing.TestServices;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A server whose operator opened loopback for the operator's URLs only (the provider catalog), on a
 * database of its own so its jobs never touch the shared suite's rows: tenants' URLs on loopback
 * are refused, at save time and at call time, while an operator-defined provider there is reached.
 */
@SpringBootTest(classes = Switchboard.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(TestBeans.class)
class EgressAllowListsTest {

    static final String ADMIN = TestKeys.ADMIN_KEY;

    @LocalServerPort
    int port;

    Api api;
    Receiver local;
    String tenant;

    @DynamicPropertySource
    static void operatorOnlyLoopback(DynamicPropertyRegistry registry) {
        (TestServices.suiteOnPostgres() ? TestDatabase.postgres() : TestDatabase.h2())
                .forEach((k, v) -> registry.add(k, () -> v));
        registry.add("switchboard.admin-key", () -> ADMIN);
        registry.add("switchboard.egress.tenant-allowed-networks", () -> "");
        registry.add("switchboard.egress.operator-allowed-networks", () -> "127.0.0.0/8");
        registry.add("switchboard.connections.check-timeout", () -> "2s");
        registry.add("switchboard.connections.slow-after", () -> "500ms");
    }

    @BeforeEach
    void setUp() throws Exception {
        api = new Api(port);
        local = new Receiver();
        tenant = "eg-" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(api.post("/api/v1/tenants", ADMIN, "{\"id\":\"" + tenant + "\",\"name\":\"E\"}")
                        .status())
                .isEqualTo(201);
    }

    @AfterEach
    void tearDown() {
        local.close();
    }

    /** An api-key provider on the local server, its health request GET {base}/ping. */
    String addProvider(String apiBaseUrl) {
        String key = "loc-" + UUID.randomUUID().toString().substring(0, 8);
        var added = api.post("/api/v1/providers", ADMIN, """
                {"key":"%s","name":"Local","category":"other","authType":"api_key","authorizationUrl":null,
                 "tokenUrl":null,"defaultScopes":[],"apiBaseUrl":"%s","credentialFields":
                 [{"name":"apiKey","label":"Key","secret":true}],"configFields":[{"name":"host","label":"Host"}],
                 "auth":{"in":"header","name":"X-Key","prefix":"","field":"apiKey"},"headers":{},
                 "healthCheck":{"method":"GET","path":"/ping","expect":[200]},"rateLimits":null,
                 "webhookScheme":null,"docsUrl":null}""".formatted(key, apiBaseUrl));
        assertThat(added.status()).as(added.toString()).isEqualTo(201);
        return key;
    }

    Api.Response connect(String provider, String config) {
        return api.post("/api/v1/tenants/" + tenant + "/connections", ADMIN, """
                {"provider":"%s","name":"L","credentials":{"apiKey":"k-123456789"},"config":%s}""".formatted(provider, config));
    }

    @Test
    void aTenantEndpointOnLoopbackIsRefusedWhenOnlyTheOperatorMayReachIt() {
        for (String url : new String[] {local.url("/hook"), local.url("/hook").replace("127.0.0.1", "localhost")}) {
            var r = api.post("/api/v1/tenants/" + tenant + "/endpoints", ADMIN, "{\"url\":\"" + url + "\"}");
            assertThat(r.status()).as(r.toString()).isEqualTo(400);
            assertThat(r.json().get("code").asString()).isEqualTo("validation_failed");
            assertThat(r.body()).contains("url").contains(UrlGuard.REFUSED_HOST);
            if (url.contains("localhost")) {
                // What the name resolved to stays in the server's log.
                assertThat(r.body()).doesNotContain("127.0.0.1").doesNotContain("0:0:0:0:0:0:0:1");
            }
        }
        assertThat(local.requests).isEmpty();
    }

    @Test
    void anOperatorProviderOnLoopbackIsReachedWhenOnlyTheOperatorListAllowsIt() {
        String provider = addProvider(local.url("/api"));
        var r = connect(provider, "{}");
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        assertThat(r.json().get("health").get("status").asString()).isEqualTo("healthy");
        assertThat(local.requests).hasSize(1);
        assertThat(local.requests.getFirst().header("X-Key")).isEqualTo("k-123456789");
    }

    @Test
    void aTenantBaseUrlOnLoopbackIsRefusedEvenForAnOperatorProvider() {
        String provider = addProvider(local.url("/api"));
        var r = connect(provider, "{\"baseUrl\":\"" + local.url("/tenant-api") + "\"}");
        assertThat(r.status()).as(r.toString()).isEqualTo(400);
        assertThat(r.body()).contains("config.baseUrl").contains(UrlGuard.REFUSED_HOST);
        assertThat(local.requests).isEmpty();
    }

    @Test
    void aHostFilledInFromATenantsConfigGoesThroughTheTenantGuard() {
        String provider = addProvider(local.url("/api").replace("127.0.0.1", "{host}"));
        var r = connect(provider, "{\"host\":\"127.0.0.1\"}");
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        assertThat(r.json().get("health").get("status").asString()).isEqualTo("down");
        assertThat(local.requests).isEmpty();
    }
}
