package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.testing.Api;
import dev.switchboard.testing.ServerTest;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The call log keeps request and response bodies only for a connection that opted in
 * ({@code callLog.storeBodies} through the connections API), redacted and cut; and no secret, from
 * the credentials, the query string or a body, appears in any call log row either way.
 */
class CallLogBodiesTest extends ServerTest {

    @org.springframework.beans.factory.annotation.Autowired
    dev.switchboard.calllog.CallLog callLog;

    static final String SECRET = "sk_live_credential_5150";

    ProviderDouble provider;
    String tenant;
    String providerKey;
    String connection;
    String con;

    @BeforeEach
    void setUp() throws Exception {
        clock.reset();
        provider = new ProviderDouble();
        tenant = newTenant();
        providerKey = "bodies-" + UUID.randomUUID().toString().substring(0, 8);
        var added = api.post("/api/v1/providers", ADMIN, """
                {"key":"%s","name":"Bodies","category":"payment","authType":"api_key",
                 "authorizationUrl":null,"tokenUrl":null,"defaultScopes":[],
                 "apiBaseUrl":"%s","credentialFields":[{"name":"apiKey","label":"API key","secret":true}],
                 "configFields":[],"auth":{"in":"header","name":"Authorization","prefix":"Bearer ","field":"apiKey"},
                 "headers":{},"healthCheck":null,
                 "rateLimits":{"perSecond":null,"perMinute":null,"perHour":null,"perDay":null},
                 "webhookScheme":null,"docsUrl":null,"idempotencyHeader":null}""".formatted(providerKey, provider.url("/api")));
        assertThat(added.status()).as(added.toString()).isEqualTo(201);
        var c = api.post(
                "/api/v1/tenants/" + tenant + "/connections",
                ADMIN,
                "{\"provider\":\"" + providerKey + "\",\"name\":\"b\",\"credentials\":{\"apiKey\":\"" + SECRET
                        + "\"}}");
        assertThat(c.status()).as(c.toString()).isEqualTo(201);
        assertThat(c.json().get("callLog").get("storeBodies").asBoolean()).isFalse();
        connection = c.json().get("id").asString();
        con = "/api/v1/tenants/" + tenant + "/connections/" + connection;
    }

    @AfterEach
    void tearDown() {
        api.delete(con, ADMIN);
        api.delete("/api/v1/providers/" + providerKey, ADMIN);
        provider.close();
    }

    /** A proxied POST carrying secrets in its query and body; the provider answers with a token. */
    void call(String contentType, String body) {
        provider.then(new ProviderDouble.Answer(
                200,
                Map.of("Content-Type", "application/json"),
                "{\"id\":\"ch_9\",\"access_token\":\"sekrit-answer-token\",\"card\":{\"last4\":\"4242\"}}"));
        var r = api.send(
                HttpRequest.newBuilder(URI.create(api.base() + con + "/proxy/v1/charges?api_key=sekrit-query&limit=3"))
                        .header("Authorization", "Bearer " + ADMIN)
                        .header("Content-Type", contentType)
                        .header("Cookie", "session=sekrit-cookie")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build());
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
    }

    List<JsonNode> calls() {
        var list = api.get("/api/v1/tenants/" + tenant + "/calls?connection=" + connection, ADMIN);
        assertThat(list.status()).as(list.toString()).isEqualTo(200);
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode c : list.json().get("data")) {
            out.add(api.get(
                            "/api/v1/tenants/" + tenant + "/calls/"
                                    + c.get("id").asString(),
                            ADMIN)
                    .json());
        }
        return out;
    }

    String rows() {
        callLog.flush();
        return jdbc.sql("SELECT * FROM provider_calls WHERE tenant_id = :t")
                .param("t", tenant)
                .query()
                .listOfRows()
                .toString();
    }

    @Test
    void bodiesAreKeptOnlyWhenTheConnectionOptsInAndNeverWithASecret() {
        String json = "{\"amount\":500,\"password\":\"sekrit-pw\",\"nested\":{\"client_secret\":\"sekrit-cs\"},"
                + "\"items\":[{\"refresh_token\":\"sekrit-rt\",\"sku\":\"A1\"}]}";
        call("application/json", json);
        List<JsonNode> off = calls();
        assertThat(off).hasSize(1);
        // Without the opt-in the one-call view has no bodies at all.
        assertThat(off.getFirst().has("requestBody")).isFalse();
        assertThat(off.getFirst().has("responseBody")).isFalse();
        assertThat(off.getFirst().get("path").asString()).isEqualTo("/v1/charges?api_key=REDACTED&limit=3");

        // Opted in through the connections API.
        var patched = api.patch(con, ADMIN, "{\"callLog\":{\"storeBodies\":true}}");
        assertThat(patched.status()).as(patched.toString()).isEqualTo(200);
        assertThat(patched.json().get("callLog").get("storeBodies").asBoolean()).isTrue();
        assertThat(api.get(con, ADMIN).json().get("callLog").get("storeBodies").asBoolean())
                .isTrue();
        call("application/json", json);
        call("application/x-www-form-urlencoded", "amount=7&card_token=sekrit-form&currency=eur&Password=sekrit-pw2");
        List<JsonNode> on = calls().stream().filter(c -> c.has("requestBody")).toList();
        assertThat(on).hasSize(2);
        JsonNode form = on.stream()
                .filter(c -> c.get("requestBody").asString().startsWith("amount="))
                .findFirst()
                .orElseThrow();
        assertThat(form.get("requestBody").asString())
                .isEqualTo("amount=7&card_token=REDACTED&currency=eur&Password=REDACTED");
        JsonNode sent = Api.JSON.readTree(on.stream()
                .filter(c -> c.get("requestBody").asString().startsWith("{"))
                .findFirst()
                .orElseThrow()
                .get("requestBody")
                .asString());
        assertThat(sent.get("amount").asInt()).isEqualTo(500);
        assertThat(sent.get("password").asString()).isEqualTo("REDACTED");
        assertThat(sent.get("nested").get("client_secret").asString()).isEqualTo("REDACTED");
        assertThat(sent.get("items").get(0).get("refresh_token").asString()).isEqualTo("REDACTED");
        assertThat(sent.get("items").get(0).get("sku").asString()).isEqualTo("A1");
        JsonNode answered = Api.JSON.readTree(on.getFirst().get("responseBody").asString());
        assertThat(answered.get("access_token").asString()).isEqualTo("REDACTED");
        assertThat(answered.get("card").get("last4").asString()).isEqualTo("4242");

        // Bounded: a large body is cut to the configured size.
        call("text/plain", "x".repeat(40_000));
        JsonNode big = calls().stream()
                .filter(c ->
                        c.has("requestBody") && c.get("requestBody").asString().startsWith("xxx"))
                .findFirst()
                .orElseThrow();
        assertThat(big.get("requestBody").asString().length()).isLessThan(17_000);
        assertThat(big.get("requestBytes").asLong()).isEqualTo(40_000);

        // The provider received the secrets; the call log kept none of them, nor the credential.
        assertThat(new String(provider.requests.get(1).body(), StandardCharsets.UTF_8))
                .contains("sekrit-pw");
        assertThat(provider.requests.get(1).header("Authorization")).isEqualTo("Bearer " + SECRET);
        assertThat(rows()).doesNotContain("sekrit").doesNotContain(SECRET);

        // Opted out again: no more bodies.
        assertThat(api.patch(con, ADMIN, "{\"callLog\":{\"storeBodies\":false}}")
                        .status())
                .isEqualTo(200);
        call("application/json", json);
        await().atMost(Duration.ofSeconds(5)).until(() -> calls().size() == 5);
        assertThat(calls().stream().filter(c -> c.has("requestBody"))).hasSize(3);
    }

    @Test
    void aConnectionCreatedWithBodiesOnStoresTheOutboxsBodiesToo() {
        var c = api.post(
                "/api/v1/tenants/" + tenant + "/connections",
                ADMIN,
                "{\"provider\":\"" + providerKey + "\",\"name\":\"on\",\"credentials\":{\"apiKey\":\"" + SECRET
                        + "\"},\"callLog\":{\"storeBodies\":true}}");
        assertThat(c.status()).as(c.toString()).isEqualTo(201);
        assertThat(c.json().get("callLog").get("storeBodies").asBoolean()).isTrue();
        String on = c.json().get("id").asString();
        var job = api.post(
                "/api/v1/tenants/" + tenant + "/outbox",
                ADMIN,
                "{\"connection\":\"" + on
                        + "\",\"request\":{\"method\":\"POST\",\"path\":\"/v1/charges\",\"body\":{\"amount\":1,\"api_key\":\"sekrit-job\"}}}");
        assertThat(job.status()).as(job.toString()).isEqualTo(202);
        String id = job.json().get("id").asString();
        await().atMost(Duration.ofSeconds(60))
                .until(() -> api.get("/api/v1/tenants/" + tenant + "/outbox/" + id, ADMIN)
                        .json()
                        .get("status")
                        .asString()
                        .equals("succeeded"));
        var list = api.get("/api/v1/tenants/" + tenant + "/calls?connection=" + on, ADMIN)
                .json()
                .get("data");
        JsonNode one = api.get(
                        "/api/v1/tenants/" + tenant + "/calls/"
                                + list.get(0).get("id").asString(),
                        ADMIN)
                .json();
        assertThat(one.get("origin").asString()).isEqualTo("outbox");
        JsonNode sent = Api.JSON.readTree(one.get("requestBody").asString());
        assertThat(sent.get("amount").asInt()).isEqualTo(1);
        assertThat(sent.get("api_key").asString()).isEqualTo("REDACTED");
        assertThat(rows()).doesNotContain("sekrit").doesNotContain(SECRET);
        api.delete("/api/v1/tenants/" + tenant + "/connections/" + on, ADMIN);
    }
}
