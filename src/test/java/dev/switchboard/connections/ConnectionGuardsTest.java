package dev.switchboard.connections;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.switchboard.testing.Receiver;
import dev.switchboard.testing.Receiver.Answer;
import dev.switchboard.testing.ServerTest;
import dev.switchboard.testing.TestServices;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * What guards a connection against changes made meanwhile and against bad definitions: fenced
 * transitions (a suspend during a health check stays), provider definitions validated when saved,
 * providers in use not deletable, disabled tenants not checked.
 */
class ConnectionGuardsTest extends ServerTest {

    @Autowired
    ConnectionJobs jobs;

    @Autowired
    javax.sql.DataSource dataSource;

    Receiver provider;
    String tenant;
    String base;
    String providerKey;
    String definition;

    @BeforeEach
    void setUp() throws Exception {
        provider = new Receiver();
        tenant = newTenant();
        base = "/api/v1/tenants/" + tenant + "/connections";
        clock.reset();
        providerKey = "guard-" + UUID.randomUUID().toString().substring(0, 8);
        definition = """
                {"key":"%s","name":"Guarded","category":"infrastructure","authType":"api_key",
                 "apiBaseUrl":"%s","credentialFields":[{"name":"apiKey","label":"API key","secret":true}],
                 "auth":{"in":"header","name":"X-Api-Key","field":"apiKey"},
                 "healthCheck":{"method":"GET","path":"/ping","expect":[200]}}""";
        var added = api.post("/api/v1/providers", ADMIN, definition.formatted(providerKey, provider.url("/api")));
        assertThat(added.status()).as(added.toString()).isEqualTo(201);
    }

    @AfterEach
    void tearDown() {
        provider.close();
        clock.reset();
    }

    String connect(String tenantId) {
        var r = api.post(
                "/api/v1/tenants/" + tenantId + "/connections",
                ADMIN,
                "{\"provider\":\"" + providerKey + "\",\"name\":\"G\",\"credentials\":{\"apiKey\":\"key-1234\"}}");
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.json().get("id").asString();
    }

    JsonNode connection(String id) {
        return api.get(base + "/" + id, ADMIN).json();
    }

    @Test
    void aSuspendDuringAHealthCheckStaysSuspended() throws Exception {
        String id = connect(tenant);
        provider.then(Answer.of(500));
        assertThat(api.post(base + "/" + id + "/check", ADMIN, "{}")
                        .json()
                        .get("status")
                        .asString())
                .isEqualTo("down");
        assertThat(connection(id).get("state").asString()).isEqualTo("error");

        // The next check is answered healthy, but only after the connection was suspended.
        CountDownLatch release = new CountDownLatch(1);
        provider.then(new Answer(200, Map.of(), new byte[0], release));
        int before = provider.requests.size();
        var check = CompletableFuture.supplyAsync(() -> api.post(base + "/" + id + "/check", ADMIN, "{}"));
        await().atMost(Duration.ofSeconds(10)).until(() -> provider.requests.size() > before);
        assertThat(api.post(base + "/" + id + "/suspend", ADMIN, "{}")
                        .json()
                        .get("state")
                        .asString())
                .isEqualTo("suspended");
        release.countDown();
        var result = check.get();
        assertThat(result.json().get("status").asString()).as(result.toString()).isEqualTo("healthy");

        JsonNode after = connection(id);
        assertThat(after.get("state").asString()).isEqualTo("suspended");
        assertThat(after.get("health").get("status").asString()).isEqualTo("healthy");
    }

    @Test
    void providerDefinitionsAreValidatedWhenSavedWithFieldPaths() {
        String key = "bad-" + UUID.randomUUID().toString().substring(0, 8);
        String url = provider.url("/api");
        var nullField = api.post(
                "/api/v1/providers",
                ADMIN,
                definition
                        .formatted(key, url)
                        .replace("[{\"name\":\"apiKey\",\"label\":\"API key\",\"secret\":true}]", "[null]"));
        assertThat(nullField.status()).as(nullField.toString()).isEqualTo(400);
        assertThat(nullField.json().get("code").asString()).isEqualTo("validation_failed");
        assertThat(nullField.json().get("errors").findValuesAsString("field")).contains("credentialFields[0]");

        var nullName = api.post(
                "/api/v1/providers",
                ADMIN,
                definition.formatted(key, url).replace("\"name\":\"apiKey\"", "\"name\":null"));
        assertThat(nullName.status()).isEqualTo(400);
        assertThat(nullName.json().get("errors").findValuesAsString("field"))
                .contains("credentialFields[0].name", "auth.field");

        var badHealth = api.post(
                "/api/v1/providers",
                ADMIN,
                definition.formatted(key, url).replace("\"expect\":[200]", "\"expect\":[null, 9999]"));
        assertThat(badHealth.status()).isEqualTo(400);
        assertThat(badHealth.json().get("errors").findValuesAsString("field"))
                .contains("healthCheck.expect[0]", "healthCheck.expect[1]");

        var badAuthType = api.post(
                "/api/v1/providers", ADMIN, definition.formatted(key, url).replace("\"api_key\"", "\"api_key \""));
        assertThat(badAuthType.status()).isEqualTo(400);
        assertThat(badAuthType.json().get("code").asString()).isEqualTo("validation_failed");

        var empty = api.post("/api/v1/providers", ADMIN, "{\"key\":\"Bad\"}");
        assertThat(empty.status()).as(empty.toString()).isEqualTo(400);
        assertThat(empty.json().get("errors").findValuesAsString("field"))
                .contains("key", "name", "category", "authType");
        var wrongShapes = api.post(
                "/api/v1/providers",
                ADMIN,
                definition
                        .formatted(key, url)
                        .replace("\"field\":\"apiKey\"", "\"field\":{\"x\":1}")
                        .replace("\"method\":\"GET\"", "\"method\":null"));
        assertThat(wrongShapes.status()).as(wrongShapes.toString()).isEqualTo(400);
        assertThat(wrongShapes.json().get("errors").findValuesAsString("field"))
                .contains("auth.field", "healthCheck.method");

        // None of them was stored: a tenant connecting to it is told so, never a 500.
        assertThat(api.get("/api/v1/providers/" + key, ADMIN).status()).isEqualTo(404);
        var connect = api.post(base, ADMIN, "{\"provider\":\"" + key + "\",\"name\":\"x\",\"credentials\":{}}");
        assertThat(connect.status()).isEqualTo(400);
    }

    @Test
    void aProviderInUseCannotBeDeleted() {
        String id = connect(tenant);
        var refused = api.delete("/api/v1/providers/" + providerKey, ADMIN);
        assertThat(refused.status()).as(refused.toString()).isEqualTo(409);
        assertThat(refused.json().get("code").asString()).isEqualTo("provider_in_use");
        // Its connection still works in full.
        assertThat(api.patch(base + "/" + id, ADMIN, "{\"name\":\"Renamed\"}").status())
                .isEqualTo(200);
        assertThat(api.post(base + "/" + id + "/check", ADMIN, "{}").status()).isEqualTo(200);

        assertThat(api.delete(base + "/" + id, ADMIN).status()).isEqualTo(204);
        assertThat(api.delete("/api/v1/providers/" + providerKey, ADMIN).status())
                .isEqualTo(204);
        assertThat(api.delete("/api/v1/providers/" + providerKey, ADMIN).status())
                .isEqualTo(404);
    }

    @Test
    void aDisabledTenantsConnectionsAreNotChecked() {
        String other = newTenant();
        String off = connect(tenant);
        String on = connect(other);
        assertThat(api.patch("/api/v1/tenants/" + tenant, ADMIN, "{\"disabled\":true}")
                        .status())
                .isEqualTo(200);
        int offBefore = checks(off);
        int onBefore = checks(on);

        clock.advance(Duration.ofMinutes(6)); // both are due
        await().atMost(Duration.ofSeconds(20)).until(() -> checks(on) > onBefore);
        // A round after the one that checked the enabled tenant: the disabled one was never claimed.
        jobs.checkDue();
        assertThat(checks(off)).isEqualTo(offBefore);

        api.patch("/api/v1/tenants/" + tenant, ADMIN, "{\"disabled\":false}");
        await().atMost(Duration.ofSeconds(20)).until(() -> checks(off) > offBefore);
    }

    /**
     * Fenced writes find their row by id, even as generic plans on a table that was never analyzed:
     * an index led by the fence's column (state, the check lease) would be scanned row by row.
     */
    @Test
    void fencedWritesUseThePrimaryKeyEvenAsGenericPlans() throws Exception {
        assumeTrue(TestServices.suiteOnPostgres(), "query plans are PostgreSQL's");
        Map<String, String> statements = Map.of(
                "move",
                "UPDATE connections SET state = $4 WHERE id = $1 AND tenant_id = $2 AND state = $3",
                "health",
                "UPDATE connections SET health = $4 WHERE id = $1 AND tenant_id = $2 AND next_check_at = $3::timestamptz",
                "claim",
                "UPDATE connections SET refresh_claim = NULL WHERE id = $1 AND tenant_id = $2 AND refresh_claim = $3"
                        + " AND $4 IS NOT NULL");
        try (var con = dataSource.getConnection();
                var st = con.createStatement()) {
            st.execute("SET plan_cache_mode = force_generic_plan");
            try {
                for (var e : statements.entrySet()) {
                    st.execute(
                            "PREPARE fenced_" + e.getKey() + "(varchar, varchar, varchar, varchar) AS " + e.getValue());
                    StringBuilder plan = new StringBuilder();
                    try (var rs = st.executeQuery(
                            "EXPLAIN EXECUTE fenced_" + e.getKey() + "('con_x', 't', '2026-01-01T00:00:00Z', 'x')")) {
                        while (rs.next()) plan.append(rs.getString(1)).append('\n');
                    }
                    st.execute("DEALLOCATE fenced_" + e.getKey());
                    // The row is found by its id (the primary key, or the tenant's index that ends in
                    // it). The health write may instead look the lease up by equality in the due
                    // index (the planner's pick varies without statistics): only the rows of one
                    // claim share a lease, so that is as narrow. Never a range over a due index,
                    // which would read every waiting row.
                    String byId = "Index Cond: .*\\(id\\)::text = \\(\\$1\\)::text";
                    String byLease = "Index Cond: \\(next_check_at = \\(\\$3\\)::timestamp with time zone\\)";
                    assertThat(plan.toString())
                            .as(e.getKey())
                            .containsPattern(e.getKey().equals("health") ? "(" + byId + ")|(" + byLease + ")" : byId)
                            .doesNotContainPattern("Index Cond: .*(<|>)");
                    if (!e.getKey().equals("health"))
                        assertThat(plan.toString()).doesNotContain("due_idx");
                }
            } finally {
                st.execute("RESET plan_cache_mode");
            }
        }
    }

    int checks(String connectionId) {
        return jdbc.sql("SELECT count(*) FROM connection_health WHERE connection_id = :id")
                .param("id", connectionId)
                .query(Integer.class)
                .single();
    }
}
