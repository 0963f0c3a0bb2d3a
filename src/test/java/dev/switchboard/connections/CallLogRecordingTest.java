package dev.switchboard.connections;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.Receiver;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The connections' own provider calls land in the call log: health checks (origin health_check) and
 * token requests (origin token), and no secret, from credentials, tokens or query strings, appears
 * in any column of any row.
 */
class CallLogRecordingTest extends OAuthTestBase {

    @Test
    void healthChecksAndTokenCallsAreRecordedWithoutAnySecret() throws Exception {
        // OAuth: the code exchange, then a forced refresh, both token requests.
        String oauthId = create();
        follow(authorizeAndReturn(oauthId));
        String code = formValue(gate.lastBody, "code");
        assertThat(api.post(base + "/" + oauthId + "/refresh", ADMIN, "{}").status())
                .isEqualTo(200);
        String refreshToken = formValue(gate.lastBody, "refresh_token");
        String accessToken = api.post(base + "/" + oauthId + "/access-token", ADMIN, "{}")
                .json()
                .get("accessToken")
                .asString();

        // An API-key provider that takes its key in the query under a name that does not look
        // secret ("appid"), next to a parameter that does ("signature").
        try (Receiver provider = new Receiver()) {
            String key = "qkey-" + UUID.randomUUID().toString().substring(0, 8);
            String definition = """
                    {"key":"%s","name":"Query Key API","category":"infrastructure","authType":"api_key",
                     "authorizationUrl":null,"tokenUrl":null,"defaultScopes":[],
                     "apiBaseUrl":"%s","credentialFields":[{"name":"apiKey","label":"API key","secret":true}],
                     "configFields":[],"auth":{"in":"query","name":"appid","prefix":"","field":"apiKey"},
                     "headers":{},
                     "healthCheck":{"method":"GET","path":"/ping?signature=sig-in-template-123&page=2","expect":[200]},
                     "rateLimits":null,"webhookScheme":null,"docsUrl":null}""".formatted(key, provider.url("/api"));
            assertThat(api.post("/api/v1/providers", ADMIN, definition).status())
                    .isEqualTo(201);
            String apiKey = "query-secret-" + UUID.randomUUID();
            var created = api.post(
                    base,
                    ADMIN,
                    "{\"provider\":\"" + key + "\",\"name\":\"Q\",\"credentials\":{\"apiKey\":\"" + apiKey + "\"}}");
            assertThat(created.status()).as(created.toString()).isEqualTo(201);
            String qid = created.json().get("id").asString();
            provider.then(Receiver.Answer.of(503));
            assertThat(api.post(base + "/" + qid + "/check", ADMIN, "{}").status())
                    .isEqualTo(200);

            var health = api.get("/api/v1/tenants/" + tenant + "/calls?origin=health_check&connection=" + qid, ADMIN)
                    .json()
                    .get("data");
            assertThat(health).hasSizeGreaterThanOrEqualTo(2);
            assertThat(health.get(0).get("status").asInt()).isEqualTo(503);
            assertThat(health.get(0).get("provider").asString()).isEqualTo(key);
            assertThat(health.get(0).get("method").asString()).isEqualTo("GET");
            assertThat(health.get(0).get("path").asString())
                    .startsWith("/")
                    .contains("appid=REDACTED", "signature=REDACTED", "page=2")
                    .doesNotContain(apiKey);
            assertThat(health.get(0).get("actor").asString()).startsWith("key:");
            assertThat(health.get(0).get("requestId").asString()).isNotBlank();

            var tokens = api.get("/api/v1/tenants/" + tenant + "/calls?origin=token&connection=" + oauthId, ADMIN)
                    .json()
                    .get("data");
            assertThat(tokens).hasSize(2);
            for (var t : tokens) {
                assertThat(t.get("status").asInt()).isEqualTo(200);
                assertThat(t.get("method").asString()).isEqualTo("POST");
                assertThat(t.get("path").asString()).endsWith("/token");
                assertThat(t.get("requestBytes").asLong()).isPositive();
                assertThat(t.get("responseBytes").asLong()).isPositive();
            }
            // Token bodies are never stored, even on the one-call route.
            var one = api.get(
                            "/api/v1/tenants/" + tenant + "/calls/"
                                    + tokens.get(0).get("id").asString(),
                            ADMIN)
                    .json();
            assertThat(one.has("requestBody")).isFalse();
            assertThat(one.has("responseBody")).isFalse();

            // Every column of every row of this tenant, as text: no secret anywhere.
            List<Map<String, Object>> rows = jdbc.sql("SELECT * FROM provider_calls WHERE tenant_id = :t")
                    .param("t", tenant)
                    .query()
                    .listOfRows();
            assertThat(rows).hasSizeGreaterThanOrEqualTo(4);
            String all = rows.toString();
            assertThat(all)
                    .doesNotContain(apiKey)
                    .doesNotContain("sig-in-template-123")
                    .doesNotContain("app-secret-value")
                    .doesNotContain(code)
                    .doesNotContain(refreshToken)
                    .doesNotContain(accessToken);
            api.delete(base + "/" + qid, ADMIN);
            api.delete("/api/v1/providers/" + key, ADMIN);
        }
    }

    private static String formValue(String form, String name) {
        for (String pair : form.split("&")) {
            if (pair.startsWith(name + "=")) {
                return java.net.URLDecoder.decode(
                        pair.substring(name.length() + 1), java.nio.charset.StandardCharsets.UTF_8);
            }
        }
        throw new AssertionError(name + " not in " + form);
    }
}
