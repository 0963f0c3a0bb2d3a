package dev.switchboard.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.Api;
import dev.switchboard.testing.ServerTest;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.AbstractPlatformTransactionManager;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import tools.jackson.databind.JsonNode;

/** The audit log over the real server and database: coverage, atomicity, no values, isolation. */
class AuditLogTest extends ServerTest {

    private static final Set<String> READS = Set.of("GET", "HEAD", "OPTIONS");

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    @Autowired
    PlatformTransactionManager transactionManager;

    @Autowired
    AuditRetention retention;

    /** Sends a request with a request id of our own, so its entries can be found exactly. */
    private Api.Response call(String method, String path, String key, String json, String requestId) {
        var b = HttpRequest.newBuilder(URI.create(api.base() + path))
                .timeout(Duration.ofSeconds(30))
                .header("X-Request-Id", requestId);
        if (key != null) b.header("Authorization", "Bearer " + key);
        if (json != null) b.header("Content-Type", "application/json");
        b.method(
                method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        return api.send(b.build());
    }

    private static String rid() {
        return "audit-test-" + UUID.randomUUID();
    }

    private List<Map<String, Object>> entriesOf(String requestId) {
        return jdbc.sql("SELECT * FROM audit_log WHERE request_id = :r")
                .param("r", requestId)
                .query()
                .listOfRows();
    }

    private Map<String, Object> onlyEntryOf(String requestId) {
        var rows = entriesOf(requestId);
        assertThat(rows).as("entries of " + requestId).hasSize(1);
        return rows.getFirst();
    }

    /** Every mutating /api route Spring maps, whichever module maps it, plus the reads that reveal a secret. */
    private List<String[]> auditedRoutes() {
        Set<String> routes = new TreeSet<>();
        mappings.getHandlerMethods().forEach((info, handler) -> {
            if (info.getPathPatternsCondition() == null) return;
            for (String pattern : info.getPathPatternsCondition().getPatternValues()) {
                if (!pattern.startsWith("/api/")) continue;
                for (RequestMethod m : info.getMethodsCondition().getMethods()) {
                    if (!READS.contains(m.name()) || RouteActions.reveals(m.name(), pattern)) {
                        routes.add(m.name() + " " + pattern);
                    }
                }
            }
        });
        return routes.stream().map(r -> r.split(" ", 2)).toList();
    }

    @Test
    void theListenerIsOnTheTransactionManager() {
        assertThat(((AbstractPlatformTransactionManager) transactionManager).getTransactionExecutionListeners())
                .anySatisfy(l -> assertThat(l).isInstanceOf(AuditTransactions.class));
    }

    @Test
    void everyMutatingRouteWritesExactlyOneEntry() {
        List<String[]> routes = auditedRoutes();
        assertThat(routes).hasSizeGreaterThan(30);
        List<String> problems = new ArrayList<>();
        for (String[] route : routes) {
            String method = route[0];
            String tenant = newTenant();
            String path = route[1].replace("{tenant}", tenant).replaceAll("\\{[^}]+}", "nope-1");
            String requestId = rid();
            var r = call(method, path, ADMIN, method.equals("DELETE") || method.equals("GET") ? null : "{}", requestId);
            var rows = entriesOf(requestId);
            if (rows.size() != 1) {
                problems.add(method + " " + route[1] + " → " + r.status() + ": " + rows.size() + " entries");
                continue;
            }
            var e = rows.getFirst();
            String expectedOutcome = r.status() < 400 ? "success" : "failure";
            if (!expectedOutcome.equals(e.get("outcome"))
                    || ((Number) e.get("status")).intValue() != r.status()
                    || !"key_admin_env".equals(e.get("actor"))
                    || !"platform_admin".equals(e.get("role"))
                    || e.get("action") == null) {
                problems.add(method + " " + route[1] + " → " + r.status() + ": " + e);
            }
        }
        assertThat(problems)
                .as("routes whose call did not leave exactly one right entry")
                .isEmpty();
    }

    @Test
    void readsLeaveNoEntry() {
        String tenant = newTenant();
        String requestId = rid();
        assertThat(call("GET", "/api/v1/tenants/" + tenant + "/endpoints", ADMIN, null, requestId)
                        .status())
                .isEqualTo(200);
        assertThat(entriesOf(requestId)).isEmpty();
    }

    @Test
    void aSuccessfulChangeIsDescribedFully() {
        String tenant = newTenant();
        String adminKey = newKey(tenant, "admin");
        String keyId = api.get("/api/v1/tenants/" + tenant + "/api-keys", ADMIN)
                .json()
                .get("data")
                .get(0)
                .get("id")
                .asString();
        String requestId = rid();
        var r = call(
                "POST",
                "/api/v1/tenants/" + tenant + "/endpoints",
                adminKey,
                "{\"url\":\"http://127.0.0.1:9/hook\",\"description\":\"d\",\"disabled\":true}",
                requestId);
        assertThat(r.status()).isEqualTo(201);
        var e = onlyEntryOf(requestId);
        assertThat(e.get("action")).isEqualTo("endpoint.create");
        assertThat(e.get("tenant_id")).isEqualTo(tenant);
        assertThat(e.get("actor")).isEqualTo(keyId);
        assertThat(e.get("role")).isEqualTo("admin");
        assertThat(e.get("method")).isEqualTo("POST");
        assertThat(e.get("target_type")).isEqualTo("endpoint");
        assertThat(e.get("target_id")).isEqualTo(r.json().get("id").asString());
        assertThat(e.get("outcome")).isEqualTo("success");
        assertThat(((Number) e.get("status")).intValue()).isEqualTo(201);
        assertThat(e.get("fields")).isEqualTo("url,description,disabled");
        // Requests come from 127.0.0.1 in tests; the default keeps the /24.
        assertThat(e.get("source_ip")).isEqualTo("127.0.0.0/24");
    }

    @Test
    void aRolledBackChangeLeavesNoSuccessEntry() {
        String tenant = newTenant();
        String endpoint = api.post(
                        "/api/v1/tenants/" + tenant + "/endpoints", ADMIN, "{\"url\":\"http://127.0.0.1:9/hook\"}")
                .json()
                .get("id")
                .asString();
        disableEndpoints(tenant);
        api.patch("/api/v1/tenants/" + tenant + "/endpoints/" + endpoint, ADMIN, "{\"disabled\":false}");
        // The PATCH writes the description, then disables the endpoint in the same transaction; this
        // constraint refuses the second write, so the first is rolled back with it.
        String constraint = "audit_test_" + UUID.randomUUID().toString().substring(0, 8);
        jdbc.sql("ALTER TABLE endpoints ADD CONSTRAINT " + constraint
                        + " CHECK (NOT (description = 'rolled-back' AND status = 'disabled'))")
                .update();
        String requestId = rid();
        Api.Response r;
        try {
            r = call(
                    "PATCH",
                    "/api/v1/tenants/" + tenant + "/endpoints/" + endpoint,
                    ADMIN,
                    "{\"description\":\"rolled-back\",\"disabled\":true}",
                    requestId);
        } finally {
            jdbc.sql("ALTER TABLE endpoints DROP CONSTRAINT " + constraint).update();
        }
        assertThat(r.status()).isGreaterThanOrEqualTo(400);
        assertThat(jdbc.sql("SELECT description FROM endpoints WHERE id = :id")
                        .param("id", endpoint)
                        .query(String.class)
                        .optional())
                .as("the first write was rolled back")
                .isEmpty();
        var e = onlyEntryOf(requestId);
        assertThat(e.get("outcome")).isEqualTo("failure");
        assertThat(((Number) e.get("status")).intValue()).isEqualTo(r.status());
        assertThat(e.get("action")).isEqualTo("endpoint.update");
    }

    @Test
    void aChangeCannotCommitWithoutItsEntry() {
        String tenant = newTenant();
        String requestId = rid();
        // The entry of this one request cannot be stored: its change must not be stored either.
        String constraint = "audit_test_" + UUID.randomUUID().toString().substring(0, 8);
        jdbc.sql("ALTER TABLE audit_log ADD CONSTRAINT " + constraint + " CHECK (request_id <> '" + requestId + "')")
                .update();
        Api.Response r;
        try {
            r = call(
                    "POST",
                    "/api/v1/tenants/" + tenant + "/endpoints",
                    ADMIN,
                    "{\"url\":\"http://127.0.0.1:9/hook\",\"description\":\"unaudited\"}",
                    requestId);
        } finally {
            jdbc.sql("ALTER TABLE audit_log DROP CONSTRAINT " + constraint).update();
        }
        assertThat(r.status()).isEqualTo(500);
        assertThat(jdbc.sql("SELECT count(*) FROM endpoints WHERE tenant_id = :t")
                        .param("t", tenant)
                        .query(Long.class)
                        .single())
                .isZero();
    }

    @Test
    void noEntryHoldsASecretOrAPersonalValue() {
        String personName = "Zelda Personal-Name";
        String tenant = newTenant();
        api.patch("/api/v1/tenants/" + tenant, ADMIN, "{\"name\":\"" + personName + "\"}");
        List<String> secrets = new ArrayList<>(List.of(personName));
        // Keys.
        var key = api.post(
                "/api/v1/tenants/" + tenant + "/api-keys", ADMIN, "{\"name\":\"Zelda's key\",\"role\":\"admin\"}");
        secrets.add(key.json().get("key").asString());
        secrets.add("Zelda's key");
        String tenantKey = key.json().get("key").asString();
        api.delete(
                "/api/v1/tenants/" + tenant + "/api-keys/"
                        + key.json().get("id").asString(),
                ADMIN);
        // Sources with secrets, created and rotated.
        var source = api.post(
                "/api/v1/tenants/" + tenant + "/sources",
                ADMIN,
                "{\"name\":\"s\",\"provider\":\"token\",\"secret\":\"source-secret-value-123456\"}");
        String sourceId = source.json().get("id").asString();
        secrets.add("source-secret-value-123456");
        if (source.json().has("secret") && !source.json().get("secret").isNull()) {
            secrets.add(source.json().get("secret").asString());
        }
        var rotated = api.post("/api/v1/tenants/" + tenant + "/sources/" + sourceId + "/secret/rotate", ADMIN, "{}");
        collectSecrets(rotated.json(), secrets);
        // Endpoints with a secret and credential headers; the secret revealed and rotated.
        var endpoint = api.post(
                "/api/v1/tenants/" + tenant + "/endpoints",
                ADMIN,
                "{\"url\":\"http://127.0.0.1:9/zelda-hook\",\"disabled\":true,"
                        + "\"headers\":{\"Authorization\":\"Bearer header-secret-value\"}}");
        String endpointId = endpoint.json().get("id").asString();
        secrets.add(endpoint.json().get("secret").asString());
        secrets.add("header-secret-value");
        secrets.add("zelda-hook");
        secrets.add(api.get("/api/v1/tenants/" + tenant + "/endpoints/" + endpointId + "/secret", ADMIN)
                .json()
                .get("key")
                .asString());
        collectSecrets(
                api.post("/api/v1/tenants/" + tenant + "/endpoints/" + endpointId + "/secret/rotate", ADMIN, "{}")
                        .json(),
                secrets);
        // Connections with credentials, created and changed.
        var connection = api.post(
                "/api/v1/tenants/" + tenant + "/connections",
                ADMIN,
                "{\"provider\":\"stripe\",\"name\":\"c\",\"credentials\":{\"apiKey\":\"sk_test_credential_value_1\"}}");
        secrets.add("sk_test_credential_value_1");
        String connectionId = connection.status() == 201
                ? connection.json().get("id").asString()
                : api.post(
                                "/api/v1/tenants/" + tenant + "/connections",
                                ADMIN,
                                "{\"provider\":\"stripe\",\"name\":\"c\"}")
                        .json()
                        .get("id")
                        .asString();
        String patchId = rid();
        call(
                "PATCH",
                "/api/v1/tenants/" + tenant + "/connections/" + connectionId,
                ADMIN,
                "{\"credentials\":{\"apiKey\":\"sk_test_credential_value_2\"}}",
                patchId);
        secrets.add("sk_test_credential_value_2");
        // A subject: an end user's id in the tenant's system, and the user it maps to.
        api.send(
                "PUT",
                "/api/v1/tenants/" + tenant + "/subjects/zelda@example.com",
                ADMIN,
                "application/json",
                "{\"userId\":\"zelda-user-42\"}".getBytes(StandardCharsets.UTF_8));
        secrets.add("zelda@example.com");
        secrets.add("zelda-user-42");
        // A message with a payload.
        api.post("/api/v1/tenants/" + tenant + "/event-types", ADMIN, "{\"name\":\"zelda.type\"}");
        api.post(
                "/api/v1/tenants/" + tenant + "/messages",
                ADMIN,
                "{\"eventType\":\"zelda.type\",\"payload\":{\"email\":\"zelda.payload@example.com\"}}");
        secrets.add("zelda.payload@example.com");

        var rows = jdbc.sql("SELECT * FROM audit_log WHERE tenant_id = :t")
                .param("t", tenant)
                .query()
                .listOfRows();
        assertThat(rows).hasSizeGreaterThan(10);
        for (var row : rows) {
            for (var column : row.entrySet()) {
                if (column.getValue() == null) continue;
                String value = column.getValue().toString().toLowerCase(java.util.Locale.ROOT);
                for (String secret : secrets) {
                    assertThat(value)
                            .as("audit_log." + column.getKey() + " of " + row.get("action"))
                            .doesNotContain(secret.toLowerCase(java.util.Locale.ROOT));
                }
            }
        }
        // The security events are there, by name.
        var actions = rows.stream().map(r -> (String) r.get("action")).toList();
        assertThat(actions)
                .contains(
                        "api-key.create",
                        "api-key.delete",
                        "source.create",
                        "source.secret.rotate",
                        "endpoint.create",
                        "endpoint.secret.reveal",
                        "endpoint.secret.rotate",
                        "connection.create",
                        "connection.update",
                        "subject.update");
        // Which fields changed, never their values.
        assertThat(onlyEntryOf(patchId).get("fields")).isEqualTo("credentials");
    }

    private static void collectSecrets(JsonNode node, List<String> secrets) {
        if (node == null) return;
        for (String field : List.of("secret", "previousSecret", "key")) {
            if (node.has(field) && node.get(field).isString())
                secrets.add(node.get(field).asString());
        }
    }

    @Test
    void tenantsSeeOnlyTheirOwnAuditAndViewersMayReadIt() {
        String tenant = newTenant();
        String other = newTenant();
        String viewer = newKey(tenant, "viewer");
        String otherAdmin = newKey(other, "admin");
        api.post(
                "/api/v1/tenants/" + tenant + "/endpoints",
                ADMIN,
                "{\"url\":\"http://127.0.0.1:9/a\",\"disabled\":true}");
        api.post("/api/v1/tenants/" + tenant + "/endpoints", ADMIN, "{\"url\":\"bad\"}");
        // Another tenant's admin trying this tenant's endpoint: 404, recorded in its own tenant's log.
        String probe = rid();
        assertThat(call("DELETE", "/api/v1/tenants/" + tenant + "/endpoints/ep_x", otherAdmin, null, probe)
                        .status())
                .isEqualTo(404);
        assertThat(onlyEntryOf(probe).get("tenant_id")).isEqualTo(other);

        var seen = api.get("/api/v1/tenants/" + tenant + "/audit", viewer);
        assertThat(seen.status()).as(seen.toString()).isEqualTo(200);
        List<String> tenants = new ArrayList<>();
        seen.json().get("data").forEach(e -> tenants.add(e.get("tenantId").asString()));
        assertThat(tenants).isNotEmpty().containsOnly(tenant);
        assertThat(api.get("/api/v1/tenants/" + tenant + "/audit", otherAdmin).status())
                .isEqualTo(404);
        var own = api.get("/api/v1/tenants/" + other + "/audit", otherAdmin)
                .json()
                .get("data");
        own.forEach(e -> assertThat(e.get("tenantId").asString()).isEqualTo(other));
        assertThat(api.get("/api/v1/audit", otherAdmin).status()).isEqualTo(403);
        assertThat(api.get("/api/v1/audit", viewer).status()).isEqualTo(403);

        // Filters and cursor paging.
        var failures = api.get("/api/v1/tenants/" + tenant + "/audit?outcome=failure&action=endpoint", viewer)
                .json()
                .get("data");
        assertThat(failures).hasSize(1);
        assertThat(failures.get(0).get("action").asString()).isEqualTo("endpoint.create");
        assertThat(failures.get(0).get("status").asInt()).isEqualTo(400);
        var page1 = api.get("/api/v1/audit?tenant=" + tenant + "&action=endpoint.create&limit=1", ADMIN)
                .json();
        assertThat(page1.get("data")).hasSize(1);
        var page2 = api.get(
                        "/api/v1/audit?tenant=" + tenant + "&action=endpoint.create&limit=1&cursor="
                                + page1.get("nextCursor").asString(),
                        ADMIN)
                .json();
        assertThat(page2.get("data")).hasSize(1);
        assertThat(page2.get("data").get(0).get("id").asString())
                .isNotEqualTo(page1.get("data").get(0).get("id").asString());
        assertThat(page2.get("nextCursor").isNull()).isTrue();
        assertThat(api.get("/api/v1/tenants/" + tenant + "/audit?until=2000-01-01T00:00:00Z", ADMIN)
                        .json()
                        .get("data"))
                .isEmpty();
        assertThat(api.get("/api/v1/tenants/" + tenant + "/audit?actor=key_admin_env&targetType=endpoint", ADMIN)
                        .json()
                        .get("data"))
                .hasSize(2);
        assertThat(api.get("/api/v1/tenants/" + tenant + "/audit?outcome=maybe", ADMIN)
                        .status())
                .isEqualTo(400);
    }

    @Test
    void dashboardSignInIsAudited() {
        Pattern csrf = Pattern.compile("name=\"csrf-token\" content=\"([^\"]+)\"");
        var form = api.send(HttpRequest.newBuilder(URI.create(api.base() + "/ui/sign-in"))
                .GET()
                .build());
        String cookie = form.headers().allValues("Set-Cookie").stream()
                .filter(c -> c.startsWith("JSESSIONID="))
                .map(c -> c.substring(0, c.indexOf(';')))
                .findFirst()
                .orElseThrow();
        var m = csrf.matcher(form.body());
        assertThat(m.find()).isTrue();
        String wrongId = rid();
        var wrong = api.send(HttpRequest.newBuilder(URI.create(api.base() + "/ui/sign-in"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Cookie", cookie)
                .header("X-Request-Id", wrongId)
                .POST(HttpRequest.BodyPublishers.ofString("key=sb_wrong_secret_value&_csrf=" + m.group(1)))
                .build());
        assertThat(wrong.status()).isEqualTo(401);
        var failed = onlyEntryOf(wrongId);
        assertThat(failed.get("action")).isEqualTo("ui.sign-in");
        assertThat(failed.get("outcome")).isEqualTo("failure");
        assertThat(failed.get("actor")).isNull();
        assertThat(failed.get("fields")).isEqualTo("key");
        String rightId = rid();
        var right = api.send(HttpRequest.newBuilder(URI.create(api.base() + "/ui/sign-in"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Cookie", cookie)
                .header("X-Request-Id", rightId)
                .POST(HttpRequest.BodyPublishers.ofString(
                        "key=" + URLEncoder.encode(ADMIN, StandardCharsets.UTF_8) + "&_csrf=" + m.group(1)))
                .build());
        assertThat(right.status()).isEqualTo(302);
        var signedIn = onlyEntryOf(rightId);
        assertThat(signedIn.get("outcome")).isEqualTo("success");
        assertThat(signedIn.get("actor")).isEqualTo("key_admin_env");
        for (var row : List.of(failed, signedIn)) {
            assertThat(row.values().toString()).doesNotContain("sb_wrong_secret_value", ADMIN);
        }
    }

    @Test
    void retentionPurgesOnlyExpiredEntriesInBatches() {
        String tenant = newTenant();
        var now = java.time.Instant.now(clock);
        for (int i = 0; i < AuditRetention.BATCH + 5; i++) {
            insertAt(tenant, now.minus(Duration.ofDays(1827 + i % 3)));
        }
        insertAt(tenant, now.minus(Duration.ofDays(1820)));
        assertThat(retention.run(100)).isGreaterThanOrEqualTo(AuditRetention.BATCH + 5);
        assertThat(jdbc.sql("SELECT count(*) FROM audit_log WHERE tenant_id = :t")
                        .param("t", tenant)
                        .query(Long.class)
                        .single())
                .isEqualTo(1);
    }

    private void insertAt(String tenant, java.time.Instant at) {
        jdbc.sql(
                        "INSERT INTO audit_log (id, occurred_at, tenant_id, action, outcome) VALUES (:id, :at, :t, 'x', 'success')")
                .param("id", dev.switchboard.common.Ids.next("aud"))
                .param("at", dev.switchboard.common.Sql.ts(at))
                .param("t", tenant)
                .update();
    }
}
