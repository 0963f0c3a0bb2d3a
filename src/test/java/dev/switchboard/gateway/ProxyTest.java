package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.Api;
import dev.switchboard.testing.Receiver;
import dev.switchboard.testing.ServerTest;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The synchronous proxy over the real server, the provider a local double: credentials injected,
 * nothing reaches another host, limits answered with 429 and nothing sent, the deadline, the
 * provider's own signals, usage and the events at 80 % and 100 % of a window.
 */
class ProxyTest extends ServerTest {

    static final String SECRET = "sk_test_secret_value_1234";

    ProviderDouble provider;
    ProviderDouble other;
    String tenant;
    String providerKey;
    String connection;
    String proxy;

    @BeforeEach
    void setUp() throws Exception {
        clock.reset();
        provider = new ProviderDouble();
        other = new ProviderDouble();
        tenant = newTenant();
        providerKey = "gw-" + UUID.randomUUID().toString().substring(0, 8);
        String definition = """
                {"key":"%s","name":"Gateway double","category":"payment","authType":"api_key",
                 "authorizationUrl":null,"tokenUrl":null,"defaultScopes":[],
                 "apiBaseUrl":"%s","credentialFields":[{"name":"apiKey","label":"API key","secret":true}],
                 "configFields":[],"auth":{"in":"header","name":"X-Api-Key","prefix":"","field":"apiKey"},
                 "headers":{},"healthCheck":null,
                 "rateLimits":{"perSecond":10,"perMinute":null,"perHour":null,"perDay":null},
                 "webhookScheme":null,"docsUrl":null,"idempotencyHeader":"Idempotency-Key"}""".formatted(providerKey, provider.url("/api"));
        var added = api.post("/api/v1/providers", ADMIN, definition);
        assertThat(added.status()).as(added.toString()).isEqualTo(201);
        var c = api.post(
                "/api/v1/tenants/" + tenant + "/connections",
                ADMIN,
                "{\"provider\":\"" + providerKey + "\",\"name\":\"gw\",\"credentials\":{\"apiKey\":\"" + SECRET
                        + "\"}}");
        assertThat(c.status()).as(c.toString()).isEqualTo(201);
        assertThat(c.json().get("state").asString()).isEqualTo("active");
        connection = c.json().get("id").asString();
        proxy = "/api/v1/tenants/" + tenant + "/connections/" + connection + "/proxy";
    }

    @AfterEach
    void tearDown() {
        disableEndpoints(tenant);
        api.delete("/api/v1/tenants/" + tenant + "/connections/" + connection, ADMIN);
        api.delete("/api/v1/providers/" + providerKey, ADMIN);
        provider.close();
        other.close();
        clock.reset();
    }

    Api.Response raw(String method, String pathAndQuery, String key, Map<String, String> headers, String body) {
        var b = HttpRequest.newBuilder(URI.create(api.base() + pathAndQuery)).timeout(Duration.ofSeconds(30));
        if (key != null) b.header("Authorization", "Bearer " + key);
        headers.forEach(b::header);
        b.method(
                method,
                body == null
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        return api.send(b.build());
    }

    void limits(String json) {
        var r = api.send(
                "PUT",
                "/api/v1/tenants/" + tenant + "/connections/" + connection + "/limits",
                ADMIN,
                "application/json",
                json.getBytes(StandardCharsets.UTF_8));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
    }

    JsonNode usage() {
        var r = api.get("/api/v1/tenants/" + tenant + "/connections/" + connection + "/usage", ADMIN);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json();
    }

    @Test
    void forwardsWithTheConnectionsCredentialsAndPassesTheAnswerBack() {
        provider.then(new ProviderDouble.Answer(
                201,
                Map.of(
                        "Content-Type", "application/json",
                        "X-Provider", "yes",
                        "Set-Cookie", "session=abc",
                        "WWW-Authenticate", "Basic realm=x",
                        "Cache-Control", "max-age=60"),
                "{\"id\":\"ch_1\"}"));
        var r = raw(
                "POST",
                proxy + "/v1/charges?expand%5B%5D=customer&amount=5",
                ADMIN,
                Map.of(
                        "Content-Type", "application/x-www-form-urlencoded",
                        "X-Custom", "kept",
                        "X-Api-Key", "caller-tries-its-own",
                        "X-Forwarded-For", "10.0.0.1",
                        "Idempotency-Key", "idem-1"),
                "amount=5&currency=eur");
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        assertThat(r.body()).isEqualTo("{\"id\":\"ch_1\"}");
        assertThat(r.header("X-Provider")).isEqualTo("yes");
        assertThat(r.header("Cache-Control")).isEqualTo("max-age=60");
        assertThat(r.headers().firstValue("Set-Cookie")).isEmpty();
        assertThat(r.headers().firstValue("WWW-Authenticate")).isEmpty();
        assertThat(r.contentType()).startsWith("application/json");

        assertThat(provider.requests).hasSize(1);
        var sent = provider.requests.getFirst();
        assertThat(sent.method()).isEqualTo("POST");
        assertThat(sent.rawPath()).isEqualTo("/api/v1/charges");
        assertThat(sent.rawQuery()).isEqualTo("expand%5B%5D=customer&amount=5");
        assertThat(sent.header("X-Api-Key")).isEqualTo(SECRET);
        assertThat(sent.header("X-Custom")).isEqualTo("kept");
        assertThat(sent.header("Authorization")).isNull();
        assertThat(sent.header("X-Forwarded-For")).isNull();
        assertThat(sent.header("Idempotency-Key")).isEqualTo("idem-1");
        assertThat(sent.header("Content-Type")).startsWith("application/x-www-form-urlencoded");
        assertThat(new String(sent.body(), StandardCharsets.UTF_8)).isEqualTo("amount=5&currency=eur");

        // A GET with no path below the base; HEAD passes the status back without a body.
        assertThat(raw("GET", proxy, ADMIN, Map.of(), null).status()).isEqualTo(200);
        assertThat(provider.requests.get(1).rawPath()).isEqualTo("/api/");
        assertThat(raw("HEAD", proxy + "/v1/balance", ADMIN, Map.of(), null).status())
                .isEqualTo(200);
        assertThat(provider.requests.get(2).method()).isEqualTo("HEAD");

        var c = api.get("/api/v1/tenants/" + tenant + "/connections/" + connection, ADMIN)
                .json();
        assertThat(c.get("lastActivityAt").isNull()).isFalse();
        assertThat(c.toString()).doesNotContain(SECRET);
    }

    @Test
    void pathsThatWouldLeaveTheBaseUrlAreRefusedAndNothingIsSent() {
        String host = other.url("").substring("http://".length());
        List<String> attempts = List.of(
                "/..",
                "/../x",
                "/a/../../x",
                "/%2e%2e/x",
                "/%2E%2E/%2E%2E/x",
                "/.%2e/x",
                "/a%2f..%2f..%2fx",
                "/a%2F%2E%2E",
                "/a%5c..%5cx",
                "/%252e%252e/x",
                "//" + host + "/x",
                "/http://" + host + "/x",
                "/http:%2F%2F" + host + "/x",
                "/https:" + host + "/x",
                "/@" + host + "/x",
                "/user:pass@" + host + "/x",
                "/./x",
                "/a/./b");
        for (String attempt : attempts) {
            var r = raw("GET", proxy + attempt, ADMIN, Map.of(), null);
            assertThat(r.status()).as(attempt + " → " + r).isBetween(400, 499);
            assertThat(r.contentType()).as(attempt).startsWith("application/problem+json");
        }
        assertThat(provider.requests)
                .as("requests that reached the provider double")
                .isEmpty();
        assertThat(other.requests).as("requests that reached another host").isEmpty();

        // A provider whose base URL has a path: a caller cannot climb above it, only go below.
        var fine = raw("GET", proxy + "/v1/customers/cus_1@example.com", ADMIN, Map.of(), null);
        assertThat(fine.status()).isEqualTo(200);
        assertThat(provider.requests.getFirst().rawPath()).isEqualTo("/api/v1/customers/cus_1@example.com");
    }

    @Test
    void overTheLimitTheCallerGets429WithRetryAfterAndNothingIsSent() {
        clock.freeze();
        limits("{\"perSecond\":2,\"burst\":2}");
        assertThat(raw("GET", proxy + "/v1/a", ADMIN, Map.of(), null).status()).isEqualTo(200);
        assertThat(raw("GET", proxy + "/v1/b", ADMIN, Map.of(), null).status()).isEqualTo(200);
        var refused = raw("POST", proxy + "/v1/c", ADMIN, Map.of("Content-Type", "application/json"), "{}");
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(refused.json().get("code").asString()).isEqualTo("rate_limited");
        assertThat(Integer.parseInt(refused.header("Retry-After"))).isBetween(1, 2);
        assertThat(provider.requests).hasSize(2);

        clock.advance(Duration.ofMillis(500));
        assertThat(raw("GET", proxy + "/v1/d", ADMIN, Map.of(), null).status()).isEqualTo(200);
        assertThat(provider.requests).hasSize(3);
        var u = usage();
        assertThat(u.get("source").asString()).isEqualTo("override");
        assertThat(u.get("limits").get("perSecond").asInt()).isEqualTo(2);
        assertThat(u.get("windows").get(0).get("window").asString()).isEqualTo("second");
        assertThat(u.get("windows").get(0).get("remaining").asInt()).isZero();

        // Restoring the catalog's limits (10/s) starts a fresh bucket.
        limits("{}");
        assertThat(usage().get("source").asString()).isEqualTo("catalog");
        assertThat(usage().get("windows").get(0).get("limit").asInt()).isEqualTo(10);
        assertThat(raw("GET", proxy + "/v1/e", ADMIN, Map.of(), null).status()).isEqualTo(200);
    }

    @Test
    void anOverrideOfOneWindowKeepsTheCatalogsOthersAndZeroRemovesOne() {
        // The catalog: 10/s. A minute quota on top keeps the per-second window.
        limits("{\"perMinute\":100}");
        var u = usage();
        assertThat(u.get("source").asString()).isEqualTo("override");
        assertThat(u.get("limits").get("perSecond").asInt()).isEqualTo(10);
        assertThat(u.get("limits").get("perMinute").asInt()).isEqualTo(100);
        assertThat(u.get("override").get("perSecond").isNull()).isTrue();
        assertThat(u.get("windows"))
                .extracting(
                        w -> w.get("window").asString() + "=" + w.get("limit").asInt())
                .containsExactly("second=10", "minute=100");
        // 0 removes the catalog's per-second window; the minute stays.
        limits("{\"perSecond\":0,\"perMinute\":100}");
        assertThat(usage().get("windows"))
                .extracting(
                        w -> w.get("window").asString() + "=" + w.get("limit").asInt())
                .containsExactly("minute=100");
        assertThat(usage().get("limits").get("perSecond").isNull()).isTrue();
        // A negative rate is refused with its field.
        var bad = api.send(
                "PUT",
                "/api/v1/tenants/" + tenant + "/connections/" + connection + "/limits",
                ADMIN,
                "application/json",
                "{\"perHour\":-1}".getBytes(StandardCharsets.UTF_8));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().get("errors").get(0).get("field").asString()).isEqualTo("perHour");
        // All null: the catalog's alone again.
        limits("{}");
        assertThat(usage().get("source").asString()).isEqualTo("catalog");
        assertThat(usage().get("override").isNull()).isTrue();
    }

    @Test
    void aProviderThatTricklesIsCutAtTheDeadline() throws Exception {
        provider.trickle();
        long started = System.nanoTime();
        var r = raw("GET", proxy + "/v1/slow", ADMIN, Map.of(), null);
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertThat(r.status()).as(r.toString()).isEqualTo(504);
        assertThat(r.json().get("code").asString()).isEqualTo("provider_timeout");
        // The suite's deadline is 2 s; the double would take 10 s.
        assertThat(took).isBetween(Duration.ofMillis(1900), Duration.ofSeconds(6));
    }

    @Test
    void aViewerMayOnlyReadAndOnlyActiveConnectionsAreUsed() {
        String viewer = newKey(tenant, "viewer");
        assertThat(raw("GET", proxy + "/v1/balance", viewer, Map.of(), null).status())
                .isEqualTo(200);
        for (String method : List.of("POST", "PUT", "PATCH", "DELETE")) {
            var r = raw(method, proxy + "/v1/balance", viewer, Map.of("Content-Type", "application/json"), "{}");
            assertThat(r.status()).as(method).isEqualTo(403);
        }
        assertThat(provider.requests).hasSize(1);

        String base = "/api/v1/tenants/" + tenant + "/connections/" + connection;
        assertThat(api.post(base + "/suspend", ADMIN, "{}").status()).isEqualTo(200);
        var r = raw("GET", proxy + "/v1/balance", ADMIN, Map.of(), null);
        assertThat(r.status()).isEqualTo(409);
        assertThat(r.json().get("code").asString()).isEqualTo("invalid_state");
        assertThat(provider.requests).hasSize(1);

        // Another tenant's connection, or none, is a 404.
        String stranger = newKey(newTenant(), "admin");
        assertThat(raw("GET", proxy + "/v1/balance", stranger, Map.of(), null).status())
                .isEqualTo(404);
        assertThat(raw("GET", "/api/v1/tenants/" + tenant + "/connections/con_nope/proxy/x", ADMIN, Map.of(), null)
                        .status())
                .isEqualTo(404);
    }

    @Test
    void aBodyOverTheLimitIs413AndNothingIsSent() {
        String big = "x".repeat(2 * 1024 * 1024);
        var r = raw("POST", proxy + "/v1/upload", ADMIN, Map.of("Content-Type", "text/plain"), big);
        assertThat(r.status()).isEqualTo(413);
        assertThat(provider.requests).isEmpty();
    }

    @Test
    void theProvidersRetryAfterAndRateLimitHeadersSlowTheConnectionDown() {
        clock.freeze();
        provider.then(new ProviderDouble.Answer(
                429, Map.of("Retry-After", "30", "Content-Type", "application/json"), "{\"error\":\"slow down\"}"));
        var passedOn = raw("GET", proxy + "/v1/a", ADMIN, Map.of(), null);
        assertThat(passedOn.status()).isEqualTo(429);
        assertThat(passedOn.body()).contains("slow down");
        var held = raw("GET", proxy + "/v1/b", ADMIN, Map.of(), null);
        assertThat(held.status()).isEqualTo(429);
        assertThat(held.json().get("code").asString()).isEqualTo("rate_limited");
        assertThat(Integer.parseInt(held.header("Retry-After"))).isBetween(29, 30);
        assertThat(provider.requests).hasSize(1);
        assertThat(usage().get("throttle").get("reason").asString()).contains("Retry-After");

        clock.advance(Duration.ofSeconds(31));
        long reset = clock.instant().plusSeconds(60).getEpochSecond();
        provider.then(new ProviderDouble.Answer(
                200,
                Map.of(
                        "X-RateLimit-Limit", "5000",
                        "X-RateLimit-Remaining", "0",
                        "X-RateLimit-Reset", Long.toString(reset)),
                "{}"));
        assertThat(raw("GET", proxy + "/v1/c", ADMIN, Map.of(), null).status()).isEqualTo(200);
        var paused = raw("GET", proxy + "/v1/d", ADMIN, Map.of(), null);
        assertThat(paused.status()).isEqualTo(429);
        assertThat(Integer.parseInt(paused.header("Retry-After"))).isBetween(59, 60);
        assertThat(provider.requests).hasSize(2);

        // Until the reset, then calls go again; few left (IETF fields): spread over the time left.
        clock.advance(Duration.ofSeconds(61));
        provider.then(new ProviderDouble.Answer(
                200, Map.of("RateLimit", "\"default\";r=2;t=10", "RateLimit-Policy", "\"default\";q=100;w=60"), "{}"));
        assertThat(raw("GET", proxy + "/v1/e", ADMIN, Map.of(), null).status()).isEqualTo(200);
        assertThat(usage().get("throttle").get("spacingMillis").asLong()).isEqualTo(5000);
        assertThat(raw("GET", proxy + "/v1/f", ADMIN, Map.of(), null).status()).isEqualTo(200);
        var spaced = raw("GET", proxy + "/v1/g", ADMIN, Map.of(), null);
        assertThat(spaced.status()).isEqualTo(429);
        assertThat(provider.requests).hasSize(4);
        clock.advance(Duration.ofSeconds(5));
        assertThat(raw("GET", proxy + "/v1/h", ADMIN, Map.of(), null).status()).isEqualTo(200);
    }

    @Test
    void usageIsReportedAndCrossingsAreEmittedOncePerWindow() throws Exception {
        try (Receiver events = new Receiver()) {
            var ep = api.post(
                    "/api/v1/tenants/" + tenant + "/endpoints",
                    ADMIN,
                    "{\"url\":\"" + events.url("/events")
                            + "\",\"eventTypes\":[\"switchboard.ratelimit.warning\",\"switchboard.ratelimit.exceeded\"]}");
            assertThat(ep.status()).as(ep.toString()).isEqualTo(201);
            clock.freeze();
            // Start at the beginning of a minute, so the test's calls stay in one calendar window.
            Instant now = clock.instant();
            clock.advance(Duration.ofMillis(60_000 - now.toEpochMilli() % 60_000 + 1_000));
            // The minute quota alone: 0 removes the catalog's per-second window (overrides merge per window).
            limits("{\"perSecond\":0,\"perMinute\":10}");
            for (int i = 0; i < 7; i++) assertThat(call()).isEqualTo(200);
            assertThat(usage().get("windows").get(0).get("used").asInt()).isEqualTo(7);
            assertThat(call()).isEqualTo(200); // the 8th: 80 %
            assertThat(call()).isEqualTo(200);
            assertThat(call()).isEqualTo(200); // the 10th: 100 %
            assertThat(call()).isEqualTo(429);
            assertThat(call()).isEqualTo(429);
            var u = usage();
            assertThat(u.get("windows").get(0).get("window").asString()).isEqualTo("minute");
            assertThat(u.get("windows").get(0).get("limit").asInt()).isEqualTo(10);
            assertThat(u.get("windows").get(0).get("used").asInt()).isEqualTo(10);
            assertThat(u.get("windows").get(0).get("remaining").asInt()).isZero();
            assertThat(provider.requests).hasSize(10);
            waitFor(() -> types(events).size() >= 2);
            assertThat(types(events))
                    .containsExactlyInAnyOrder("switchboard.ratelimit.warning", "switchboard.ratelimit.exceeded");

            // Half a minute refills five: back above 80 % within the same window reports nothing new.
            clock.advance(Duration.ofSeconds(30));
            for (int i = 0; i < 5; i++) assertThat(call()).isEqualTo(200);
            assertThat(call()).isEqualTo(429);
            // The next window reports again.
            clock.advance(Duration.ofSeconds(60));
            for (int i = 0; i < 10; i++) assertThat(call()).isEqualTo(200);
            waitFor(() -> types(events).size() >= 4);
            assertThat(types(events))
                    .containsExactlyInAnyOrder(
                            "switchboard.ratelimit.warning",
                            "switchboard.ratelimit.exceeded",
                            "switchboard.ratelimit.warning",
                            "switchboard.ratelimit.exceeded");
            var first = events.requests.stream()
                    .map(q -> Api.JSON.readTree(q.body()))
                    .filter(e -> e.get("type").asString().equals("switchboard.ratelimit.exceeded"))
                    .findFirst()
                    .orElseThrow()
                    .get("data");
            assertThat(first.get("connection").asString()).isEqualTo(connection);
            assertThat(first.get("window").asString()).isEqualTo("minute");
            assertThat(first.get("limit").asInt()).isEqualTo(10);
        }
    }

    private int call() {
        return raw("GET", proxy + "/v1/x", ADMIN, Map.of(), null).status();
    }

    private static List<String> types(Receiver r) {
        return r.requests.stream()
                .map(q -> Api.JSON.readTree(q.body()).get("type").asString())
                .toList();
    }

    private static void waitFor(Supplier<Boolean> condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!condition.get()) {
            if (System.nanoTime() > deadline) throw new AssertionError("condition not met in 15 s");
            Thread.sleep(50);
        }
    }
}
