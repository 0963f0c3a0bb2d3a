package dev.switchboard.connections;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.testing.Receiver;
import dev.switchboard.testing.Receiver.Answer;
import dev.switchboard.testing.ServerTest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The provider catalog, API-key connections through their whole lifecycle, and health checks
 * against a local server that answers 200, slowly, 500, 429, or not at all.
 */
class ConnectionsTest extends ServerTest {

    Receiver provider;
    Receiver events;
    String tenant;
    String base;
    String providerKey;

    @BeforeEach
    void setUp() throws Exception {
        provider = new Receiver();
        events = new Receiver();
        tenant = newTenant();
        base = "/api/v1/tenants/" + tenant + "/connections";
        clock.reset();
        providerKey = "acme-" + UUID.randomUUID().toString().substring(0, 8);
        // The provider's API is the local server; its health request is GET …/ping with X-Api-Key.
        String definition = """
                {"key":"%s","name":"Acme API","category":"infrastructure","authType":"api_key",
                 "authorizationUrl":null,"tokenUrl":null,"defaultScopes":[],
                 "apiBaseUrl":"%s","credentialFields":[{"name":"apiKey","label":"API key","secret":true},
                   {"name":"account","label":"Account","secret":false}],
                 "configFields":[],"auth":{"in":"header","name":"X-Api-Key","prefix":"","field":"apiKey"},
                 "headers":{"X-Client":"switchboard"},
                 "healthCheck":{"method":"GET","path":"/accounts/{account}/ping","expect":[200]},
                 "rateLimits":{"perSecond":5,"perMinute":null,"perHour":null,"perDay":null},
                 "webhookScheme":null,"docsUrl":null}""".formatted(providerKey, provider.url("/api"));
        var added = api.post("/api/v1/providers", ADMIN, definition);
        assertThat(added.status()).as(added.toString()).isEqualTo(201);
        var ep = api.post(
                "/api/v1/tenants/" + tenant + "/endpoints",
                ADMIN,
                "{\"url\":\"" + events.url("/events") + "\",\"eventTypes\":[\"switchboard.integration.connected\","
                        + "\"switchboard.integration.disconnected\",\"switchboard.integration.error\","
                        + "\"switchboard.connection.health_changed\"]}");
        assertThat(ep.status()).isEqualTo(201);
    }

    @AfterEach
    void tearDown() {
        disableEndpoints(tenant);
        api.delete("/api/v1/providers/" + providerKey, ADMIN);
        provider.close();
        events.close();
        clock.reset();
    }

    JsonNode connect(String apiKey) {
        var r = api.post(
                base,
                ADMIN,
                "{\"provider\":\"" + providerKey + "\",\"name\":\"Acme\",\"credentials\":{\"apiKey\":\"" + apiKey
                        + "\",\"account\":\"acc 1\"}}");
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.json();
    }

    List<String> eventTypes() {
        return events.requests.stream()
                .map(r -> dev.switchboard.testing.Api.JSON
                        .readTree(r.body())
                        .get("type")
                        .asString())
                .toList();
    }

    // Catalog

    @Test
    void theCatalogListsEveryRequiredProvider() {
        var all = api.get("/api/v1/providers", ADMIN).json();
        List<String> keys = all.findValuesAsString("key");
        assertThat(keys)
                .contains(
                        "stripe",
                        "paypal",
                        "slack",
                        "microsoft-teams",
                        "microsoft-graph",
                        "github",
                        "twilio",
                        "whatsapp-cloud",
                        "sendgrid",
                        "resend",
                        "mailchimp",
                        "klaviyo",
                        "google-calendar",
                        "instagram",
                        "shopify",
                        "aramex",
                        "dhl",
                        "workos",
                        "cloudflare");
        for (JsonNode p : all) {
            for (String field : List.of(
                    "category",
                    "authType",
                    "apiBaseUrl",
                    "credentialFields",
                    "rateLimits",
                    "webhookScheme",
                    "healthCheck")) {
                assertThat(p.has(field)).as(p.get("key") + " has " + field).isTrue();
            }
        }
        var stripe =
                api.get("/api/v1/providers/stripe", newKey(tenant, "viewer")).json();
        assertThat(stripe.get("builtIn").asBoolean()).isTrue();
        assertThat(stripe.get("provider").get("webhookScheme").asString()).isEqualTo("stripe");
        assertThat(api.get("/api/v1/providers?category=shipping", ADMIN).json().findValuesAsString("key"))
                .contains("aramex", "dhl")
                .doesNotContain("stripe");
        assertThat(api.get("/api/v1/providers/nope", ADMIN).status()).isEqualTo(404);

        // Operators extend it; tenants may not, and built-in keys are not theirs to take.
        String tenantAdmin = newKey(tenant, "admin");
        assertThat(api.post("/api/v1/providers", tenantAdmin, "{\"key\":\"x\"}").status())
                .isEqualTo(403);
        var taken = api.get("/api/v1/providers/" + providerKey, ADMIN)
                .json()
                .get("provider")
                .toString()
                .replace("\"key\":\"" + providerKey + "\"", "\"key\":\"stripe\"");
        assertThat(api.post("/api/v1/providers", ADMIN, taken)
                        .json()
                        .get("code")
                        .asString())
                .isEqualTo("conflict");
        var bad = api.post("/api/v1/providers", ADMIN, taken.replace("\"key\":\"stripe\"", "\"key\":\"Bad Key\""));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(api.delete("/api/v1/providers/stripe", ADMIN).status()).isEqualTo(409);
    }

    // API-key connections

    @Test
    void wrongCredentialsAreRejectedAndNothingIsStored() {
        provider.then(Answer.of(401));
        var r = api.post(
                base,
                ADMIN,
                "{\"provider\":\"" + providerKey
                        + "\",\"name\":\"Acme\",\"credentials\":{\"apiKey\":\"wrong-key-123\",\"account\":\"a\"}}");
        assertThat(r.status()).isEqualTo(422);
        assertThat(r.json().get("code").asString()).isEqualTo("credentials_rejected");
        assertThat(r.body()).doesNotContain("wrong-key-123");
        assertThat(api.get(base, ADMIN).json().get("data").size()).isZero();
        // The health request carried the key as the provider says, and the placeholder filled in.
        assertThat(provider.requests.getFirst().header("X-Api-Key")).isEqualTo("wrong-key-123");
        assertThat(provider.requests.getFirst().header("X-Client")).isEqualTo("switchboard");
        assertThat(provider.requests.getFirst().path()).endsWith("/api/accounts/a/ping");

        var missing = api.post(
                base,
                ADMIN,
                "{\"provider\":\"" + providerKey + "\",\"name\":\"A\",\"credentials\":{\"apiKey\":\"k\"}}");
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.json().get("errors").get(0).get("field").asString()).isEqualTo("credentials.account");
        var unknown = api.post(base, ADMIN, "{\"provider\":\"nope\",\"name\":\"A\"}");
        assertThat(unknown.status()).isEqualTo(400);
    }

    @Test
    void anApiKeyConnectionIsActiveAndHealthyAndItsKeyIsNeverShown() {
        JsonNode c = connect("sk_live_very_secret_4242");
        assertThat(c.get("state").asString()).isEqualTo("active");
        assertThat(c.get("health").get("status").asString()).isEqualTo("healthy");
        assertThat(c.get("connectedAt").isNull()).isFalse();
        assertThat(c.get("credentials").get("apiKey").asString()).isEqualTo("…4242");
        assertThat(c.get("credentials").get("account").asString()).isEqualTo("acc 1");
        String id = c.get("id").asString();
        assertThat(api.get(base + "/" + id, ADMIN).body()).doesNotContain("very_secret");
        assertThat(api.get(base + "?provider=" + providerKey + "&state=active", ADMIN)
                        .json()
                        .get("data")
                        .size())
                .isEqualTo(1);
        assertThat(api.get(base + "?category=payment", ADMIN).json().get("data").size())
                .isZero();
        assertThat(api.get(base + "?state=bogus", ADMIN).status()).isEqualTo(400);
        await().atMost(Duration.ofSeconds(20)).until(() -> eventTypes().contains("switchboard.integration.connected"));

        // Another tenant's connection does not exist for this tenant's keys.
        String other = newTenant();
        assertThat(api.get("/api/v1/tenants/" + other + "/connections/" + id, ADMIN)
                        .status())
                .isEqualTo(404);
        assertThat(api.get(base + "/" + id, newKey(other, "admin")).status()).isEqualTo(404);
    }

    @Test
    void healthChecksClassifyWhatTheProviderAnswers() throws Exception {
        String id = connect("key-1").get("id").asString();
        String check = base + "/" + id + "/check";

        provider.then(Answer.of(429));
        var throttled = api.post(check, ADMIN, "{}").json();
        assertThat(throttled.get("status").asString()).isEqualTo("degraded");

        CountDownLatch slow = new CountDownLatch(1);
        provider.then(new Answer(200, Map.of(), new byte[0], slow));
        Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(800); // the provider is slow: over the 500 ms threshold, under the 2 s timeout
            } catch (InterruptedException ignored) {
                // the test ends anyway
            }
            slow.countDown();
        });
        var degraded = api.post(check, ADMIN, "{}").json();
        assertThat(degraded.get("status").asString()).isEqualTo("degraded");
        assertThat(degraded.get("latencyMs").asInt()).isGreaterThanOrEqualTo(500);

        provider.then(Answer.of(500));
        var down = api.post(check, ADMIN, "{}").json();
        assertThat(down.get("status").asString()).isEqualTo("down");
        assertThat(down.get("error").asString()).isEqualTo("HTTP 500");
        var inError = api.get(base + "/" + id, ADMIN).json();
        assertThat(inError.get("state").asString()).isEqualTo("error");
        assertThat(inError.get("lastError").asString()).contains("HTTP 500");

        var healthy = api.post(check, ADMIN, "{}").json();
        assertThat(healthy.get("status").asString()).isEqualTo("healthy");
        assertThat(api.get(base + "/" + id, ADMIN).json().get("state").asString())
                .isEqualTo("active");

        CountDownLatch never = new CountDownLatch(1);
        provider.then(new Answer(200, Map.of(), new byte[0], never));
        var silent = api.post(check, ADMIN, "{}").json();
        never.countDown();
        assertThat(silent.get("status").asString()).isEqualTo("down");
        assertThat(silent.get("error").asString()).contains("timed out");

        var history =
                api.get(base + "/" + id + "/health?limit=10", ADMIN).json().get("data");
        assertThat(history.findValuesAsString("status"))
                .containsExactly("down", "healthy", "down", "degraded", "degraded", "healthy");
        await().atMost(Duration.ofSeconds(20))
                .until(() -> eventTypes().contains("switchboard.integration.error")
                        && eventTypes().contains("switchboard.connection.health_changed"));
    }

    @Test
    void everyTransitionLegalAndIllegalOverHttp() {
        String id = connect("key-1").get("id").asString();
        String one = base + "/" + id;

        assertThat(api.post(one + "/resume", ADMIN, "{}").json().get("code").asString())
                .isEqualTo("invalid_state");
        assertThat(api.post(one + "/suspend", ADMIN, "{}").json().get("state").asString())
                .isEqualTo("suspended");
        assertThat(api.post(one + "/suspend", ADMIN, "{}").status()).isEqualTo(409);
        assertThat(api.post(one + "/check", ADMIN, "{}").status()).isEqualTo(409);
        assertThat(api.post(one + "/resume", ADMIN, "{}").json().get("state").asString())
                .isEqualTo("active");

        // Reconnect takes new credentials, checked first.
        assertThat(api.post(one + "/reconnect", ADMIN, "{}").status()).isEqualTo(400);
        provider.then(Answer.of(403));
        var refused = api.post(one + "/reconnect", ADMIN, "{\"credentials\":{\"apiKey\":\"bad\",\"account\":\"a\"}}");
        assertThat(refused.json().get("code").asString()).isEqualTo("credentials_rejected");
        var reconnected = api.post(
                one + "/reconnect", ADMIN, "{\"credentials\":{\"apiKey\":\"key-long-enough-2222\",\"account\":\"a\"}}");
        assertThat(reconnected.json().get("state").asString()).isEqualTo("active");
        assertThat(reconnected.json().get("credentials").get("apiKey").asString())
                .isEqualTo("…2222");

        // A connection made without credentials is not_configured until it gets them.
        var bare = api.post(base, ADMIN, "{\"provider\":\"" + providerKey + "\",\"name\":\"Later\"}")
                .json();
        String later = base + "/" + bare.get("id").asString();
        assertThat(bare.get("state").asString()).isEqualTo("not_configured");
        assertThat(api.post(later + "/reconnect", ADMIN, "{}").status()).isEqualTo(409);
        assertThat(api.post(later + "/suspend", ADMIN, "{}").status()).isEqualTo(409);
        assertThat(api.post(later + "/authorize", ADMIN, "{}").status()).isEqualTo(405);
        assertThat(api.get(later + "/authorize", ADMIN).json().get("code").asString())
                .isEqualTo("invalid_state");
        var configured = api.patch(
                later, ADMIN, "{\"credentials\":{\"apiKey\":\"key-3333\",\"account\":\"b\"},\"name\":\"Now\"}");
        assertThat(configured.json().get("state").asString()).isEqualTo("active");
        assertThat(configured.json().get("name").asString()).isEqualTo("Now");
        assertThat(api.post(later + "/access-token", ADMIN, "{}")
                        .json()
                        .get("code")
                        .asString())
                .isEqualTo("invalid_state");

        // Viewers read but do not change; disconnecting destroys it.
        String viewer = newKey(tenant, "viewer");
        assertThat(api.get(one, viewer).status()).isEqualTo(200);
        assertThat(api.post(one + "/suspend", viewer, "{}").status()).isEqualTo(403);
        assertThat(api.delete(one, ADMIN).status()).isEqualTo(204);
        assertThat(api.get(one, ADMIN).status()).isEqualTo(404);
        assertThat(count("connections WHERE id = '" + id + "'")).isZero();
        await().atMost(Duration.ofSeconds(20))
                .until(() -> eventTypes().contains("switchboard.integration.disconnected"));
    }

    @Test
    void healthIsCheckedOnScheduleWithoutBeingAsked() {
        String id = connect("key-1").get("id").asString();
        int before =
                api.get(base + "/" + id + "/health", ADMIN).json().get("data").size();
        provider.then(Answer.of(503));
        clock.advance(Duration.ofMinutes(6)); // past the 5-minute interval
        await().atMost(Duration.ofSeconds(20))
                .until(() -> api.get(base + "/" + id + "/health", ADMIN)
                                .json()
                                .get("data")
                                .size()
                        > before);
        await().atMost(Duration.ofSeconds(20))
                .until(() -> api.get(base + "/" + id, ADMIN)
                        .json()
                        .get("state")
                        .asString()
                        .equals("error"));
        assertThat(api.get(base + "/" + id, ADMIN)
                        .json()
                        .get("health")
                        .get("status")
                        .asString())
                .isEqualTo("down");
    }

    @Test
    void aHealthCheckCanRequireFieldsOfTheAnswer() {
        // Like Slack's auth.test: 200 with {"ok": false} for a bad token.
        String key = "okjson-" + UUID.randomUUID().toString().substring(0, 8);
        String definition = api.get("/api/v1/providers/" + providerKey, ADMIN)
                .json()
                .get("provider")
                .toString()
                .replace("\"key\":\"" + providerKey + "\"", "\"key\":\"" + key + "\"")
                .replace("\"expectBody\":null", "\"expectBody\":{\"ok\":true}");
        assertThat(api.post("/api/v1/providers", ADMIN, definition).status()).isEqualTo(201);
        try {
            provider.then(
                    new Answer(200, Map.of("Content-Type", "application/json"), "{\"ok\":true}".getBytes(), null));
            var c = api.post(
                    base,
                    ADMIN,
                    "{\"provider\":\"" + key
                            + "\",\"name\":\"S\",\"credentials\":{\"apiKey\":\"k\",\"account\":\"a\"}}");
            assertThat(c.json().get("health").get("status").asString()).isEqualTo("healthy");
            provider.then(new Answer(
                    200,
                    Map.of("Content-Type", "application/json"),
                    "{\"ok\":false,\"error\":\"invalid_auth\"}".getBytes(),
                    null));
            var down = api.post(base + "/" + c.json().get("id").asString() + "/check", ADMIN, "{}")
                    .json();
            assertThat(down.get("status").asString()).isEqualTo("down");
            assertThat(down.get("error").asString()).contains("\"ok\"", "false");
        } finally {
            api.delete("/api/v1/providers/" + key, ADMIN);
        }
    }

    /** What fits the validation but not a column is a 400, never a 500 or a half-written row. */
    @Test
    void oversizedInputIsRefusedBeforeTheDatabaseSeesIt() {
        String big = "x".repeat(2000);
        StringBuilder config = new StringBuilder("{");
        for (int i = 0; i < 20; i++)
            config.append(i == 0 ? "" : ",")
                    .append("\"k")
                    .append(i)
                    .append("\":\"")
                    .append(big)
                    .append('"');
        config.append('}');
        var r = api.post(base, ADMIN, "{\"provider\":\"stripe\",\"name\":\"n\",\"config\":" + config + "}");
        assertThat(r.status()).as(r.toString()).isEqualTo(400);
        assertThat(r.json().get("errors").get(0).get("field").asString()).isEqualTo("config");

        String scope = "\"" + "s".repeat(200) + "\"";
        String scopes = String.join(",", java.util.Collections.nCopies(50, scope));
        var s = api.post(
                base,
                ADMIN,
                "{\"provider\":\"github\",\"name\":\"n\",\"oauth\":{\"clientId\":\"c\",\"scopes\":[" + scopes + "]}}");
        assertThat(s.status()).as(s.toString()).isEqualTo(400);

        String type = "\"" + "t".repeat(200) + "\"";
        String types = String.join(",", java.util.Collections.nCopies(100, type));
        var e = api.post(
                "/api/v1/tenants/" + tenant + "/endpoints",
                ADMIN,
                "{\"url\":\"" + events.url("/x") + "\",\"eventTypes\":[" + types + "]}");
        assertThat(e.status()).as(e.toString()).isEqualTo(400);

        String definition = api.get("/api/v1/providers/" + providerKey, ADMIN)
                .json()
                .get("provider")
                .toString()
                .replace("\"key\":\"" + providerKey + "\"", "\"key\":\"huge-" + providerKey + "\"")
                .replace("\"docsUrl\":null", "\"docsUrl\":\"" + "d".repeat(30_000) + "\"");
        assertThat(api.post("/api/v1/providers", ADMIN, definition).status()).isEqualTo(400);
        assertThat(count("connections WHERE tenant_id = '" + tenant + "'")).isZero();
    }
}
