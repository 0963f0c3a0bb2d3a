package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.common.Sql;
import dev.switchboard.testing.ServerTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the proxy's per-call caches must not change: the connection's opened credentials are cached
 * by their ciphertext, so credentials replaced through the API are the ones the very next call
 * carries; a burst of proxied calls leaves one call-log row per call (rows are written behind the
 * calls, and the calls API waits for them). The connection itself is kept for a second: a change
 * made through this node (suspend, resume, delete) applies to the very next call; one written by
 * another node (here: straight into the database, as its node would) applies once the second has
 * passed. The same for a provider throttle another node recorded.
 */
class ProxyCachesTest extends ServerTest {

    ProviderDouble provider;
    String tenant;
    String providerKey;
    String connection;
    String proxy;

    @BeforeEach
    void setUp() throws Exception {
        provider = new ProviderDouble();
        tenant = newTenant();
        providerKey = "cache-" + UUID.randomUUID().toString().substring(0, 8);
        var added = api.post("/api/v1/providers", ADMIN, """
                {"key":"%s","name":"Cache double","category":"payment","authType":"api_key",
                 "authorizationUrl":null,"tokenUrl":null,"defaultScopes":[],
                 "apiBaseUrl":"%s","credentialFields":[{"name":"apiKey","label":"API key","secret":true}],
                 "configFields":[],"auth":{"in":"header","name":"X-Api-Key","prefix":"","field":"apiKey"},
                 "headers":{},"healthCheck":null,"rateLimits":null,
                 "webhookScheme":null,"docsUrl":null,"idempotencyHeader":null}""".formatted(providerKey, provider.url("/api")));
        assertThat(added.status()).as(added.toString()).isEqualTo(201);
        var c = api.post(
                "/api/v1/tenants/" + tenant + "/connections",
                ADMIN,
                "{\"provider\":\"" + providerKey + "\",\"name\":\"c\",\"credentials\":{\"apiKey\":\"first-key\"}}");
        assertThat(c.status()).as(c.toString()).isEqualTo(201);
        connection = c.json().get("id").asString();
        proxy = "/api/v1/tenants/" + tenant + "/connections/" + connection + "/proxy";
    }

    @AfterEach
    void tearDown() {
        clock.reset();
        api.delete("/api/v1/tenants/" + tenant + "/connections/" + connection, ADMIN);
        api.delete("/api/v1/providers/" + providerKey, ADMIN);
        provider.close();
    }

    @Test
    void replacedCredentialsAreSentFromTheNextCall() {
        assertThat(api.get(proxy + "/items", ADMIN).status()).isEqualTo(200);
        assertThat(api.get(proxy + "/items", ADMIN).status()).isEqualTo(200);
        var changed = api.patch(
                "/api/v1/tenants/" + tenant + "/connections/" + connection,
                ADMIN,
                "{\"credentials\":{\"apiKey\":\"second-key\"}}");
        assertThat(changed.status()).as(changed.toString()).isEqualTo(200);
        assertThat(api.get(proxy + "/items", ADMIN).status()).isEqualTo(200);

        assertThat(provider.requests.stream().map(r -> r.header("X-Api-Key")))
                .containsExactly("first-key", "first-key", "second-key");
    }

    @Test
    void aConnectionSuspendedOrDeletedOnThisNodeIsRefusedFromTheNextCall() {
        String base = "/api/v1/tenants/" + tenant + "/connections/" + connection;
        assertThat(api.get(proxy + "/items", ADMIN).status()).isEqualTo(200);

        assertThat(api.post(base + "/suspend", ADMIN, "{}").status()).isEqualTo(200);
        var refused = api.get(proxy + "/items", ADMIN);
        assertThat(refused.status()).as(refused.toString()).isEqualTo(409);
        assertThat(refused.json().get("code").asString()).isEqualTo("invalid_state");

        assertThat(api.post(base + "/resume", ADMIN, "{}").status()).isEqualTo(200);
        assertThat(api.get(proxy + "/items", ADMIN).status()).isEqualTo(200);

        assertThat(api.delete(base, ADMIN).status()).isEqualTo(204);
        assertThat(api.get(proxy + "/items", ADMIN).status()).isEqualTo(404);
        assertThat(provider.requests).hasSize(2);
    }

    @Test
    void aConnectionSuspendedByAnotherNodeIsRefusedOnceTheCacheTtlHasPassed() {
        assertThat(api.get(proxy + "/items", ADMIN).status()).isEqualTo(200);
        // What another node's suspension leaves in the shared database; this node was not told.
        jdbc.sql("UPDATE connections SET state = 'suspended' WHERE id = :id AND tenant_id = :tenant")
                .param("id", connection)
                .param("tenant", tenant)
                .update();
        clock.advance(Duration.ofMillis(1100));
        var refused = api.get(proxy + "/items", ADMIN);
        assertThat(refused.status()).as(refused.toString()).isEqualTo(409);
        assertThat(provider.requests).hasSize(1);
    }

    @Test
    void aThrottleAnotherNodeRecordedHoldsCallsOnceTheCacheTtlHasPassed() {
        assertThat(api.get(proxy + "/items", ADMIN).status()).isEqualTo(200);
        // A provider's Retry-After seen by another node: this node had read "no throttle".
        jdbc.sql("""
                        INSERT INTO gateway_throttles (connection_id, tenant_id, resume_at, spacing_millis, next_at, reason)
                        VALUES (:id, :tenant, :resume, NULL, NULL, 'Retry-After: 60')
                        """)
                .param("id", connection)
                .param("tenant", tenant)
                .param("resume", Sql.ts(clock.instant().plus(Duration.ofSeconds(60))))
                .update();
        clock.advance(Duration.ofMillis(1100));
        var held = api.get(proxy + "/items", ADMIN);
        assertThat(held.status()).as(held.toString()).isEqualTo(429);
        assertThat(held.json().get("code").asString()).isEqualTo("rate_limited");
        assertThat(provider.requests).hasSize(1);
    }

    @Test
    void aBurstOfProxiedCallsLeavesOneRowPerCall() throws Exception {
        int calls = 120;
        try (var pool = Executors.newFixedThreadPool(12)) {
            List<Future<Integer>> all = new ArrayList<>();
            for (int i = 0; i < calls; i++) {
                int n = i;
                all.add(pool.submit(() -> api.get(proxy + "/items/" + n, ADMIN).status()));
            }
            for (Future<Integer> f : all) assertThat(f.get()).isEqualTo(200);
        }
        assertThat(provider.requests).hasSize(calls);
        List<String> paths = new ArrayList<>();
        String cursor = null;
        do {
            var page = api.get(
                            "/api/v1/tenants/" + tenant + "/calls?connection=" + connection + "&limit=100"
                                    + (cursor == null ? "" : "&cursor=" + cursor),
                            ADMIN)
                    .json();
            page.get("data").forEach(c -> paths.add(c.get("path").asString()));
            cursor = page.get("nextCursor").isNull()
                    ? null
                    : page.get("nextCursor").asString();
        } while (cursor != null);
        assertThat(paths).doesNotHaveDuplicates().hasSize(calls);
    }
}
