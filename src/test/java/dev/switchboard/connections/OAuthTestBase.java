package dev.switchboard.connections;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.Api;
import dev.switchboard.testing.Receiver;
import dev.switchboard.testing.ServerTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import tools.jackson.databind.JsonNode;

/**
 * A real OAuth server (mock-oauth2-server) behind a token gate, a tenant with an endpoint for the
 * connection events, and an OAuth provider pointing at both: the setup of the OAuth tests.
 */
abstract class OAuthTestBase extends ServerTest {

    MockOAuth2Server oauth;
    TokenGate gate;
    Receiver events;
    String tenant;
    String base;
    String providerKey;
    final HttpClient browser =
            HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @BeforeEach
    void setUpOAuth() throws Exception {
        oauth = new MockOAuth2Server();
        oauth.start();
        gate = new TokenGate(URI.create(oauth.tokenEndpointUrl("default").toString()));
        events = new Receiver();
        tenant = newTenant();
        base = "/api/v1/tenants/" + tenant + "/connections";
        clock.reset();
        providerKey = "mock-" + UUID.randomUUID().toString().substring(0, 8);
        String definition =
                """
                {"key":"%s","name":"Mock OAuth","category":"identity","authType":"oauth2",
                 "authorizationUrl":"%s","tokenUrl":"%s","defaultScopes":["openid","calendar.read"],
                 "apiBaseUrl":"%s","credentialFields":[],"configFields":[],
                 "auth":{"in":"header","name":"Authorization","prefix":"Bearer ","field":"accessToken"},
                 "headers":{},"healthCheck":null,
                 "rateLimits":{"perSecond":null,"perMinute":null,"perHour":null,"perDay":null},
                 "webhookScheme":null,"docsUrl":null,"authorizationParams":{"access_type":"offline"}}""".formatted(providerKey, oauth.authorizationEndpointUrl("default"), gate.url(), oauth.baseUrl());
        assertThat(api.post("/api/v1/providers", ADMIN, definition).status()).isEqualTo(201);
        api.post(
                "/api/v1/tenants/" + tenant + "/endpoints",
                ADMIN,
                "{\"url\":\"" + events.url("/events") + "\",\"eventTypes\":[\"switchboard.integration.connected\","
                        + "\"switchboard.integration.error\",\"switchboard.oauth.refreshed\",\"switchboard.oauth.expired\"]}");
    }

    @AfterEach
    void tearDownOAuth() {
        disableEndpoints(tenant);
        api.delete("/api/v1/providers/" + providerKey, ADMIN);
        oauth.shutdown();
        gate.close();
        events.close();
        clock.reset();
    }

    String create() {
        var r = api.post(
                base,
                ADMIN,
                "{\"provider\":\"" + providerKey
                        + "\",\"name\":\"Calendar\",\"oauth\":{\"clientId\":\"switchboard-app\","
                        + "\"clientSecret\":\"app-secret-value\"}}");
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        assertThat(r.json().get("state").asString()).isEqualTo("pending_auth");
        assertThat(r.body()).doesNotContain("app-secret-value");
        return r.json().get("id").asString();
    }

    /** Starts the authorization and lets the OAuth server send the browser back; returns the callback URL. */
    URI authorizeAndReturn(String id) throws Exception {
        var start = api.get(base + "/" + id + "/authorize", ADMIN);
        assertThat(start.status()).as(start.toString()).isEqualTo(302);
        URI atProvider = URI.create(start.header("Location"));
        assertThat(atProvider.getQuery())
                .contains(
                        "code_challenge=",
                        "code_challenge_method=S256",
                        "state=",
                        "client_id=switchboard-app",
                        "access_type=offline");
        HttpResponse<String> login =
                browser.send(HttpRequest.newBuilder(atProvider).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(login.statusCode()).isEqualTo(302);
        URI back = URI.create(login.headers().firstValue("Location").orElseThrow());
        assertThat(back.getPath()).isEqualTo("/oauth/callback");
        return back;
    }

    Api.Response follow(URI callback) throws Exception {
        return api.send(HttpRequest.newBuilder(callback).GET().build());
    }

    JsonNode connection(String id) {
        return api.get(base + "/" + id, ADMIN).json();
    }

    /** Token-endpoint requests since the last call. */
    int tokenRequests() {
        return gate.requests.getAndSet(0);
    }

    List<String> eventTypes() {
        return events.requests.stream()
                .map(r -> Api.JSON.readTree(r.body()).get("type").asString())
                .toList();
    }

    /**
     * The token endpoint as the provider entry names it: it forwards to the OAuth server, unless a
     * test scripted the next answer (what the mock server cannot be told to send: a refresh without
     * a refresh token, or invalid_grant for a valid grant). It also counts the requests.
     */
    static final class TokenGate implements AutoCloseable {
        final java.util.concurrent.atomic.AtomicInteger requests = new java.util.concurrent.atomic.AtomicInteger();
        final java.util.concurrent.ConcurrentLinkedQueue<java.util.Map.Entry<Integer, String>> script =
                new java.util.concurrent.ConcurrentLinkedQueue<>();
        /** While set, every token request waits for it (a slow token endpoint) after being counted. */
        volatile java.util.concurrent.CountDownLatch hold;

        volatile String lastBody;
        volatile String lastAuthorization;
        private final com.sun.net.httpserver.HttpServer server;
        private final HttpClient client = HttpClient.newHttpClient();

        TokenGate(URI upstream) throws Exception {
            server = com.sun.net.httpserver.HttpServer.create(
                    new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
            server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            server.createContext("/token", exchange -> {
                requests.incrementAndGet();
                var waitFor = hold;
                if (waitFor != null) {
                    try {
                        waitFor.await(60, java.util.concurrent.TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                byte[] body = exchange.getRequestBody().readAllBytes();
                lastBody = new String(body, java.nio.charset.StandardCharsets.UTF_8);
                lastAuthorization = exchange.getRequestHeaders().getFirst("Authorization");
                var scripted = script.poll();
                int status;
                byte[] answer;
                if (scripted != null) {
                    status = scripted.getKey();
                    answer = scripted.getValue().getBytes(java.nio.charset.StandardCharsets.UTF_8);
                } else {
                    try {
                        var forward = HttpRequest.newBuilder(upstream)
                                .header(
                                        "Content-Type",
                                        exchange.getRequestHeaders().getFirst("Content-Type"))
                                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
                        if (lastAuthorization != null) forward.header("Authorization", lastAuthorization);
                        var r = client.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
                        status = r.statusCode();
                        answer = r.body();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        status = 502;
                        answer = new byte[0];
                    }
                }
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(status, answer.length == 0 ? -1 : answer.length);
                if (answer.length > 0) exchange.getResponseBody().write(answer);
                exchange.close();
            });
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/token";
        }

        void then(int status, String body) {
            script.add(java.util.Map.entry(status, body));
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
