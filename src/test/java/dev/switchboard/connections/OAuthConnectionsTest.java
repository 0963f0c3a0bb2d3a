package dev.switchboard.connections;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * OAuth 2.0 connections against a real OAuth server (mock-oauth2-server): authorization code with
 * PKCE, single-use and expiring state, refresh (with and without a new refresh token),
 * invalid_grant, one refresh for many concurrent callers, and the scheduled refresh.
 */
class OAuthConnectionsTest extends OAuthTestBase {

    @Test
    void authorizationCodeWithPkceMakesTheConnectionActive() throws Exception {
        String id = create();
        URI callback = authorizeAndReturn(id);
        var done = follow(callback);
        assertThat(done.status()).as(done.toString()).isEqualTo(200);
        assertThat(done.json().get("state").asString()).isEqualTo("active");

        JsonNode c = connection(id);
        assertThat(c.get("state").asString()).isEqualTo("active");
        assertThat(c.get("oauth").get("hasRefreshToken").asBoolean()).isTrue();
        assertThat(c.get("oauth").get("tokenExpiresAt").isNull()).isFalse();
        // The code exchange sent the PKCE verifier and authenticated the client.
        assertThat(gate.lastBody).contains("grant_type=authorization_code", "code_verifier=");
        assertThat(gate.lastAuthorization).startsWith("Basic ");

        // The state is single use: the same callback again is refused.
        var replay = follow(callback);
        assertThat(replay.status()).isEqualTo(400);
        assertThat(replay.json().get("code").asString()).isEqualTo("oauth_state_invalid");
        assertThat(follow(URI.create(api.base() + "/oauth/callback?code=x&state=forged"))
                        .json()
                        .get("code")
                        .asString())
                .isEqualTo("oauth_state_invalid");

        var token = api.post(base + "/" + id + "/access-token", ADMIN, "{}").json();
        assertThat(token.get("accessToken").asString()).isNotBlank();
        assertThat(api.post(base + "/" + id + "/access-token", newKey(tenant, "viewer"), "{}")
                        .status())
                .isEqualTo(403);
        await().atMost(Duration.ofSeconds(20)).until(() -> eventTypes().contains("switchboard.integration.connected"));
    }

    @Test
    void anExpiredStateIsRefused() throws Exception {
        String id = create();
        URI callback = authorizeAndReturn(id);
        clock.advance(Duration.ofMinutes(11));
        var late = follow(callback);
        assertThat(late.status()).isEqualTo(400);
        assertThat(late.json().get("code").asString()).isEqualTo("oauth_state_invalid");
        assertThat(connection(id).get("state").asString()).isEqualTo("pending_auth");
    }

    @Test
    void refreshKeepsTheRefreshTokenWhenNoneComesBackAndInvalidGrantIsAnErrorAtOnce() throws Exception {
        String id = create();
        follow(authorizeAndReturn(id));
        String first = api.post(base + "/" + id + "/access-token", ADMIN, "{}")
                .json()
                .get("accessToken")
                .asString();

        // A refresh response without a refresh token: the one we have is kept.
        gate.then(200, "{\"access_token\":\"second-access\",\"token_type\":\"Bearer\",\"expires_in\":3600}");
        var refreshed = api.post(base + "/" + id + "/refresh", ADMIN, "{}");
        assertThat(refreshed.status()).as(refreshed.toString()).isEqualTo(200);
        assertThat(refreshed.json().get("oauth").get("hasRefreshToken").asBoolean())
                .isTrue();
        String second = api.post(base + "/" + id + "/access-token", ADMIN, "{}")
                .json()
                .get("accessToken")
                .asString();
        assertThat(second).isEqualTo("second-access").isNotEqualTo(first);

        // The real server refreshes with the kept token, and may rotate it.
        assertThat(api.post(base + "/" + id + "/refresh", ADMIN, "{}").status()).isEqualTo(200);
        assertThat(api.post(base + "/" + id + "/access-token", ADMIN, "{}")
                        .json()
                        .get("accessToken")
                        .asString())
                .isNotEqualTo("second-access");

        // A revoked grant: error at once, reported.
        gate.then(400, "{\"error\":\"invalid_grant\",\"error_description\":\"revoked\"}");
        var refused = api.post(base + "/" + id + "/refresh", ADMIN, "{}");
        assertThat(refused.status()).isEqualTo(502);
        assertThat(refused.json().get("code").asString()).isEqualTo("oauth_failed");
        JsonNode c = connection(id);
        assertThat(c.get("state").asString()).isEqualTo("error");
        assertThat(c.get("lastError").asString()).contains("invalid_grant");
        await().atMost(Duration.ofSeconds(20))
                .until(() -> eventTypes()
                        .containsAll(List.of("switchboard.oauth.expired", "switchboard.integration.error")));

        // Reconnecting starts a new authorization.
        assertThat(api.post(base + "/" + id + "/reconnect", ADMIN, "{}")
                        .json()
                        .get("state")
                        .asString())
                .isEqualTo("pending_auth");
        follow(authorizeAndReturn(id));
        assertThat(connection(id).get("state").asString()).isEqualTo("active");
    }

    @Test
    void fiftyCallersNeedingAFreshTokenMakeOneTokenRequest() throws Exception {
        String id = create();
        follow(authorizeAndReturn(id));
        tokenRequests(); // forget the exchange
        clock.advance(Duration.ofMinutes(50)); // the hour-long token has less than 15 minutes left
        List<Callable<String>> callers = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            callers.add(() -> api.post(base + "/" + id + "/access-token", ADMIN, "{}")
                    .json()
                    .get("accessToken")
                    .asString());
        }
        List<String> tokens = new ArrayList<>();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (var f : pool.invokeAll(callers)) tokens.add(f.get());
        }
        assertThat(tokens).hasSize(50).doesNotContainNull();
        assertThat(tokens.stream().distinct().count()).isEqualTo(1);
        assertThat(tokenRequests()).isEqualTo(1);
    }

    @Test
    void theScheduledRefreshTurnsARevokedGrantIntoAnErrorWithinOneCycle() throws Exception {
        String id = create();
        follow(authorizeAndReturn(id));
        gate.then(400, "{\"error\":\"invalid_grant\"}");
        clock.advance(Duration.ofMinutes(50));
        await().atMost(Duration.ofSeconds(20))
                .until(() -> connection(id).get("state").asString().equals("error"));
        assertThat(connection(id).get("lastError").asString()).contains("invalid_grant");
    }

    @Test
    void theClientCredentialsGrantNeedsNoUserAndTokenCallsPassTheSsrfGuard() throws Exception {
        String key = "cc-" + UUID.randomUUID().toString().substring(0, 8);
        String definition = """
                {"key":"%s","name":"Machine","category":"payment","authType":"oauth2",
                 "authorizationUrl":null,"tokenUrl":"%s","defaultScopes":[],
                 "apiBaseUrl":"http://127.0.0.1:9","credentialFields":[],"configFields":[],
                 "auth":{"in":"header","name":"Authorization","prefix":"Bearer ","field":"accessToken"},
                 "headers":{},"healthCheck":null,"rateLimits":null,"webhookScheme":null,"docsUrl":null}""";
        assertThat(api.post("/api/v1/providers", ADMIN, definition.formatted(key, gate.url()))
                        .status())
                .isEqualTo(201);
        var c = api.post(
                base,
                ADMIN,
                "{\"provider\":\"" + key
                        + "\",\"name\":\"M\",\"oauth\":{\"clientId\":\"machine\",\"clientSecret\":\"s3cret-value\"}}");
        assertThat(c.status()).as(c.toString()).isEqualTo(201);
        assertThat(c.json().get("state").asString()).isEqualTo("active");
        assertThat(gate.lastBody).contains("grant_type=client_credentials");
        assertThat(api.get(base + "/" + c.json().get("id").asString() + "/authorize", ADMIN)
                        .json()
                        .get("code")
                        .asString())
                .isEqualTo("invalid_state");

        // A token endpoint on a blocked address (cloud metadata) is never called.
        String blocked = "meta-" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(api.post("/api/v1/providers", ADMIN, definition.formatted(blocked, "http://169.254.169.254/token"))
                        .status())
                .isEqualTo(201);
        var refused = api.post(
                base,
                ADMIN,
                "{\"provider\":\"" + blocked
                        + "\",\"name\":\"M\",\"oauth\":{\"clientId\":\"m\",\"clientSecret\":\"s\"}}");
        assertThat(refused.json().get("state").asString()).isEqualTo("error");
        assertThat(refused.json().get("lastError").asString()).contains("SSRF");
        api.delete("/api/v1/providers/" + key, ADMIN);
        api.delete("/api/v1/providers/" + blocked, ADMIN);
    }

    @Test
    void aRotatedRefreshTokenReplacesTheOldOneAndATransientFailureWaitsAndRetries() throws Exception {
        String id = create();
        follow(authorizeAndReturn(id));
        gate.then(
                200,
                "{\"access_token\":\"a2\",\"refresh_token\":\"rt-rotated\",\"token_type\":\"Bearer\",\"expires_in\":3600}");
        assertThat(api.post(base + "/" + id + "/refresh", ADMIN, "{}").status()).isEqualTo(200);
        gate.then(200, "{\"access_token\":\"a3\",\"token_type\":\"Bearer\",\"expires_in\":3600}");
        assertThat(api.post(base + "/" + id + "/refresh", ADMIN, "{}").status()).isEqualTo(200);
        assertThat(gate.lastBody).contains("refresh_token=rt-rotated");

        // The OAuth server is down for a moment: the connection stays active and tries again later.
        gate.then(503, "{\"error\":\"temporarily_unavailable\"}");
        var failed = api.post(base + "/" + id + "/refresh", ADMIN, "{}");
        assertThat(failed.status()).isEqualTo(502);
        JsonNode c = connection(id);
        assertThat(c.get("state").asString()).isEqualTo("active");
        assertThat(c.get("lastError").asString()).contains("temporarily_unavailable");
        assertThat(jdbc.sql("SELECT refresh_failures FROM connections WHERE id = :id")
                        .param("id", id)
                        .query(Integer.class)
                        .single())
                .isEqualTo(1);
        // (rt-rotated is this test's invention: the real server would refuse it, so the gate answers.)
        gate.then(200, "{\"access_token\":\"a4\",\"token_type\":\"Bearer\",\"expires_in\":3600}");
        assertThat(api.post(base + "/" + id + "/refresh", ADMIN, "{}").status()).isEqualTo(200);
        assertThat(jdbc.sql("SELECT refresh_failures FROM connections WHERE id = :id")
                        .param("id", id)
                        .query(Integer.class)
                        .single())
                .isZero();
    }
}
