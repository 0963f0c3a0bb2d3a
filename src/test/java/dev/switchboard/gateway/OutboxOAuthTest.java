package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * An OAuth connection (a real OAuth server, mock-oauth2-server) whose access token expires between
 * the moment a job is queued and the moment it is sent: the token is refreshed, then the call is
 * made with the new one.
 */
class OutboxOAuthTest extends OutboxTestBase {

    MockOAuth2Server oauth;
    String oauthProvider;
    final HttpClient browser =
            HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @BeforeEach
    void setUpOAuth() throws Exception {
        oauth = new MockOAuth2Server();
        oauth.start();
        oauthProvider = "mock-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        String definition = """
                {"key":"%s","name":"Mock OAuth","category":"identity","authType":"oauth2",
                 "authorizationUrl":"%s","tokenUrl":"%s","defaultScopes":["openid"],
                 "apiBaseUrl":"%s","credentialFields":[],"configFields":[],
                 "auth":{"in":"header","name":"Authorization","prefix":"Bearer ","field":"accessToken"},
                 "headers":{},"healthCheck":null,
                 "rateLimits":{"perSecond":null,"perMinute":null,"perHour":null,"perDay":null},
                 "webhookScheme":null,"docsUrl":null,"authorizationParams":{"access_type":"offline"}}""".formatted(
                        oauthProvider,
                        oauth.authorizationEndpointUrl("default"),
                        oauth.tokenEndpointUrl("default"),
                        provider.url("/calendar"));
        assertThat(api.post("/api/v1/providers", ADMIN, definition).status()).isEqualTo(201);
        String base = "/api/v1/tenants/" + tenant + "/connections";
        var created = api.post(
                base,
                ADMIN,
                "{\"provider\":\"" + oauthProvider + "\",\"name\":\"Calendar\",\"oauth\":{\"clientId\":\"app\","
                        + "\"clientSecret\":\"app-secret-value\"}}");
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        connection = created.json().get("id").asString();
        var start = api.get(base + "/" + connection + "/authorize", ADMIN);
        assertThat(start.status()).as(start.toString()).isEqualTo(302);
        HttpResponse<String> login = browser.send(
                HttpRequest.newBuilder(URI.create(start.header("Location")))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        URI back = URI.create(login.headers().firstValue("Location").orElseThrow());
        var done = api.send(HttpRequest.newBuilder(back).GET().build());
        assertThat(done.status()).as(done.toString()).isEqualTo(200);
        assertThat(done.json().get("state").asString()).isEqualTo("active");
    }

    @AfterEach
    void tearDownOAuth() {
        oauth.shutdown();
    }

    @Test
    void aTokenThatExpiresBeforeTheJobIsSentIsRefreshedFirst() {
        String base = "/api/v1/tenants/" + tenant + "/connections/" + connection;
        String first = api.post(base + "/access-token", ADMIN, "{}")
                .json()
                .get("accessToken")
                .asString();
        Instant expires = Instant.parse(
                api.get(base, ADMIN).json().get("oauth").get("tokenExpiresAt").asString());

        // Queued while the token is fresh, due after it has expired.
        Instant due = expires.plus(Duration.ofMinutes(5));
        String id = queue("{\"method\":\"GET\",\"path\":\"/events\"}", "\"notBefore\":\"" + due + "\"");
        assertThat(provider.requests).isEmpty();
        advance(Duration.between(clock.instant(), due).plusSeconds(1));

        JsonNode done = awaitStatus(id, "succeeded");
        assertThat(done.get("attempts").asInt()).isEqualTo(1);
        assertThat(provider.requests).hasSize(1);
        String sent = provider.requests.getFirst().header("Authorization");
        assertThat(sent).startsWith("Bearer ").isNotEqualTo("Bearer " + first);
        Instant now = clock.instant();
        Instant renewed = Instant.parse(
                api.get(base, ADMIN).json().get("oauth").get("tokenExpiresAt").asString());
        assertThat(renewed).isAfter(now);
        assertThat(api.get(outbox + "/" + id, ADMIN).body()).doesNotContain(sent.substring(7));
    }
}
