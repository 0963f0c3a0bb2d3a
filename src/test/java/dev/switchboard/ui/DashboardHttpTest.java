package dev.switchboard.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.Api;
import dev.switchboard.testing.ServerTest;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The dashboard's HTTP contract, without a browser (so it runs everywhere): where an anonymous
 * visitor lands, the security headers, CSRF on sign-in, and that a dashboard session never
 * authenticates the REST API, which keeps its bearer keys and stays CSRF-free.
 */
class DashboardHttpTest extends ServerTest {

    private static final Pattern CSRF = Pattern.compile("name=\"csrf-token\" content=\"([^\"]+)\"");

    record Session(String cookie, String csrf) {}

    private Api.Response get(String path, String cookie) {
        var b = HttpRequest.newBuilder(URI.create(api.base() + path)).GET();
        if (cookie != null) b.header("Cookie", cookie);
        return api.send(b.build());
    }

    private Api.Response postForm(String path, String cookie, String form) {
        var b = HttpRequest.newBuilder(URI.create(api.base() + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form));
        if (cookie != null) b.header("Cookie", cookie);
        return api.send(b.build());
    }

    private static String sessionCookie(Api.Response r) {
        return r.headers().allValues("Set-Cookie").stream()
                .filter(c -> c.startsWith("JSESSIONID="))
                .map(c -> c.substring(0, c.indexOf(';')))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no session cookie in " + r.headers()));
    }

    private Session signIn(String key) {
        var form = get("/ui/sign-in", null);
        String cookie = sessionCookie(form);
        var m = CSRF.matcher(form.body());
        assertThat(m.find()).isTrue();
        var r = postForm(
                "/ui/sign-in",
                cookie,
                "key=" + URLEncoder.encode(key, StandardCharsets.UTF_8) + "&_csrf=" + m.group(1));
        assertThat(r.status()).isEqualTo(302);
        assertThat(r.headers().firstValue("Location"))
                .hasValueSatisfying(l -> assertThat(l).endsWith("/"));
        String signedIn = sessionCookie(r);
        assertThat(signedIn).as("a new session id after sign-in").isNotEqualTo(cookie);
        var hub = get("/", signedIn);
        var token = CSRF.matcher(hub.body());
        assertThat(token.find()).isTrue();
        return new Session(signedIn, token.group(1));
    }

    @Test
    void anAnonymousVisitorIsSentToSignIn() {
        for (String path : new String[] {"/", "/ui", "/ui/tenants"}) {
            var r = get(path, null);
            assertThat(r.status()).as(path).isEqualTo(302);
            assertThat(r.headers().firstValue("Location"))
                    .as(path)
                    .hasValueSatisfying(l -> assertThat(l).endsWith("/ui/sign-in"));
        }
        // htmx asks for a whole-page redirect instead of swapping the sign-in page into a fragment.
        var htmx = api.send(HttpRequest.newBuilder(URI.create(api.base() + "/"))
                .header("HX-Request", "true")
                .GET()
                .build());
        assertThat(htmx.status()).isEqualTo(401);
        assertThat(htmx.headers().firstValue("HX-Redirect")).hasValue("/ui/sign-in");
    }

    @Test
    void pagesAllowNoInlineScriptAndNoFraming() {
        var r = get("/ui/sign-in", null);
        assertThat(r.status()).isEqualTo(200);
        String csp = r.headers().firstValue("Content-Security-Policy").orElseThrow();
        assertThat(csp).contains("script-src 'self'", "style-src 'self'", "frame-ancestors 'none'");
        assertThat(csp).doesNotContain("unsafe-inline", "unsafe-eval");
        assertThat(r.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(r.body()).doesNotContainPattern("<script(?![^>]*\\bsrc=)").doesNotContain(" style=");
        String cookie = r.headers().allValues("Set-Cookie").stream()
                .filter(c -> c.startsWith("JSESSIONID="))
                .findFirst()
                .orElseThrow();
        assertThat(cookie).containsIgnoringCase("HttpOnly").containsIgnoringCase("SameSite=Lax");

        var css = get("/ui/assets/app.css", null);
        assertThat(css.status()).isEqualTo(200);
        assertThat(css.headers().allValues("Set-Cookie"))
                .as("assets start no session")
                .isEmpty();
        assertThat(get("/ui/assets/vendor/htmx.org/dist/htmx.min.js", null).status())
                .isEqualTo(200);
        assertThat(get("/ui/assets/vendor/chart.js/dist/chart.umd.min.js", null).status())
                .isEqualTo(200);
    }

    @Test
    void signInNeedsTheCsrfTokenAndAWrongKeyIsRefused() {
        var form = get("/ui/sign-in", null);
        String cookie = sessionCookie(form);
        var noToken = postForm("/ui/sign-in", cookie, "key=" + URLEncoder.encode(ADMIN, StandardCharsets.UTF_8));
        assertThat(noToken.status()).isEqualTo(403);

        var m = CSRF.matcher(form.body());
        assertThat(m.find()).isTrue();
        var wrong = postForm("/ui/sign-in", cookie, "key=sb_wrong&_csrf=" + m.group(1));
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.body()).doesNotContain("sb_wrong");
    }

    @Test
    void aSignInKeyNeverReachesTheLogs() {
        var root = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        var logs = new ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent>();
        root.setLevel(ch.qos.logback.classic.Level.DEBUG);
        logs.start();
        root.addAppender(logs);
        try {
            String tenant = newTenant();
            String key = newKey(tenant, "admin");
            signIn(key);
            var form = get("/ui/sign-in", null);
            var m = CSRF.matcher(form.body());
            assertThat(m.find()).isTrue();
            postForm("/ui/sign-in", sessionCookie(form), "key=" + key + "x&_csrf=" + m.group(1));
            // A copy taken under the appender's lock: server threads are still appending.
            java.util.List<ch.qos.logback.classic.spi.ILoggingEvent> logged;
            synchronized (logs) {
                logged = java.util.List.copyOf(logs.list);
            }
            assertThat(logged).isNotEmpty();
            assertThat(logged.stream().map(e -> e.getFormattedMessage() + " " + e.getMDCPropertyMap()))
                    .noneMatch(line -> line.contains(key.substring(30)));
        } finally {
            root.detachAppender(logs);
            root.setLevel(ch.qos.logback.classic.Level.INFO);
        }
    }

    @Test
    void aDashboardSessionNeverAuthenticatesTheApi() {
        var session = signIn(ADMIN);
        assertThat(get("/", session.cookie()).status()).isEqualTo(200);
        // The session cookie (and its CSRF token) are no key for the API.
        var api1 = api.send(HttpRequest.newBuilder(URI.create(api.base() + "/api/v1/tenants"))
                .header("Cookie", session.cookie())
                .header("X-CSRF-TOKEN", session.csrf())
                .GET()
                .build());
        assertThat(api1.status()).isEqualTo(401);
        // The API still takes bearer keys with no CSRF token.
        assertThat(api.post("/api/v1/tenants", ADMIN, "{\"name\":\"bearer only\"}")
                        .status())
                .isEqualTo(201);
    }

    @Test
    void theTenantSwitcherOnlyRedirectsWithinTheSite() {
        assertThat(HubController.localPath("/ui/tenants")).isEqualTo("/ui/tenants");
        assertThat(HubController.localPath("//evil.example/")).isEqualTo("/");
        assertThat(HubController.localPath("https://evil.example/")).isEqualTo("/");
        assertThat(HubController.localPath("/\\evil.example")).isEqualTo("/");
        assertThat(HubController.localPath(null)).isEqualTo("/");

        var session = signIn(ADMIN);
        var r = postForm(
                "/ui/tenant",
                session.cookie(),
                "tenant=&back=" + URLEncoder.encode("//evil.example/", StandardCharsets.UTF_8) + "&_csrf="
                        + URLEncoder.encode(session.csrf(), StandardCharsets.UTF_8));
        assertThat(r.status()).isEqualTo(302);
        assertThat(r.headers().firstValue("Location").orElseThrow()).doesNotContain("evil");
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Test
    void webhookAndLogPagesRefuseForgedAndViewerWritesAndShowNoSecret() throws Exception {
        try (var receiver = new dev.switchboard.testing.Receiver()) {
            webhookPages(receiver.url("/hook/tok3n"));
        }
    }

    private void webhookPages(String receiverUrl) {
        String tenant = newTenant();
        String base = "/api/v1/tenants/" + tenant;
        var source = api.post(base + "/sources", ADMIN, "{\"name\":\"s\",\"provider\":\"standard-webhooks\"}");
        assertThat(source.status()).isEqualTo(201);
        String sourceId = source.json().get("id").asString();
        String sourceSecret = source.json().get("secret").asString();
        var endpoint = api.post(base + "/endpoints", ADMIN, "{\"url\":\"" + receiverUrl + "\"}");
        assertThat(endpoint.status()).isEqualTo(201);
        String endpointId = endpoint.json().get("id").asString();
        String endpointSecret = endpoint.json().get("secret").asString();
        String ui = "/ui/tenants/" + tenant;

        var admin = signIn(newKey(tenant, "admin"));
        var viewer = signIn(newKey(tenant, "viewer"));
        for (String page : new String[] {
            ui + "/sources",
            ui + "/sources/" + sourceId,
            ui + "/endpoints",
            ui + "/endpoints/" + endpointId,
            ui + "/events",
            ui + "/messages",
            ui + "/messages?type=x&status=failed",
            ui + "/deliveries",
            ui + "/deliveries?status="
        }) {
            for (var s : new Session[] {admin, viewer}) {
                var r = get(page, s.cookie());
                assertThat(r.status()).as(page).isEqualTo(200);
                assertThat(r.body()).as(page).doesNotContain(sourceSecret, endpointSecret);
                assertThat(r.body())
                        .as(page)
                        .doesNotContainPattern("<script(?![^>]*\\bsrc=)")
                        .doesNotContain(" style=");
            }
        }
        // A viewer sees the endpoint's origin only, and no write control.
        var viewerEndpoint =
                get(ui + "/endpoints/" + endpointId, viewer.cookie()).body();
        assertThat(viewerEndpoint).doesNotContain("tok3n").doesNotContain("/test\"");
        assertThat(get(ui + "/endpoints/" + endpointId, admin.cookie()).body()).contains("tok3n");

        // Without the CSRF token: refused, and nothing happens.
        var forged = postForm(ui + "/endpoints", admin.cookie(), "url=" + enc("https://forged.example/"));
        assertThat(forged.status()).isEqualTo(403);
        var forgedTest = postForm(ui + "/endpoints/" + endpointId + "/test", admin.cookie(), "");
        assertThat(forgedTest.status()).isEqualTo(403);
        // A viewer with a valid token: the role refuses it.
        for (String write : new String[] {
            ui + "/endpoints", ui + "/endpoints/" + endpointId + "/test", ui + "/endpoints/" + endpointId + "/secret",
            ui + "/endpoints/" + endpointId + "/status", ui + "/sources", ui + "/sources/" + sourceId + "/rotate"
        }) {
            var r = postForm(
                    write,
                    viewer.cookie(),
                    "url=" + enc("https://v.example/") + "&name=v&provider=none" + "&disabled=true&_csrf="
                            + enc(viewer.csrf()));
            assertThat(r.status()).as(write).isEqualTo(403);
            assertThat(r.body()).doesNotContain(sourceSecret, endpointSecret);
        }
        assertThat(api.get(base + "/endpoints", ADMIN).json().get("data").size())
                .isEqualTo(1);
        assertThat(api.get(base + "/sources", ADMIN).json().get("data").size()).isEqualTo(1);
        assertThat(api.get(base + "/endpoints/" + endpointId, ADMIN)
                        .json()
                        .get("disabled")
                        .asBoolean())
                .isFalse();

        // The one place a secret is shown: the answer to the admin's reveal, and only that answer.
        var reveal =
                postForm(ui + "/endpoints/" + endpointId + "/secret", admin.cookie(), "_csrf=" + enc(admin.csrf()));
        assertThat(reveal.status()).isEqualTo(200);
        assertThat(reveal.body()).contains(endpointSecret);
        assertThat(reveal.headers().firstValue("Cache-Control").orElse("")).contains("no-store");
        assertThat(get(ui + "/endpoints/" + endpointId, admin.cookie()).body()).doesNotContain(endpointSecret);

        // Another tenant's pages are not there: a page saying so, never its data.
        String other = newTenant();
        var elsewhere = get("/ui/tenants/" + other + "/endpoints", admin.cookie());
        assertThat(elsewhere.status()).isEqualTo(404);
        assertThat(elsewhere.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
    }

    @Test
    void aTenantAdminMakesAKeyShownOnceAndRevokesIt() {
        String tenant = newTenant();
        var admin = signIn(newKey(tenant, "admin"));
        var viewer = signIn(newKey(tenant, "viewer"));
        String page = "/ui/tenants/" + tenant;

        var made = postForm(page + "/keys", admin.cookie(), "name=ci&role=viewer&_csrf=" + enc(admin.csrf()));
        assertThat(made.status()).isEqualTo(200);
        var m = Pattern.compile("id=\"shown-key\">(sb_[^<]+)<").matcher(made.body());
        assertThat(m.find()).as(made.body()).isTrue();
        String key = m.group(1);
        assertThat(api.get("/api/v1/tenants/" + tenant, key).status()).isEqualTo(200);
        assertThat(get(page, admin.cookie()).body()).doesNotContain(key);

        var bad = postForm(page + "/keys", admin.cookie(), "name=&role=root&_csrf=" + enc(admin.csrf()));
        assertThat(bad.status()).isEqualTo(400);

        String keyId = null;
        for (var k :
                api.get("/api/v1/tenants/" + tenant + "/api-keys", ADMIN).json().get("data")) {
            if (k.get("name").asString().equals("ci")) keyId = k.get("id").asString();
        }
        assertThat(keyId).isNotNull();
        assertThat(postForm(page + "/keys", viewer.cookie(), "name=v&role=admin&_csrf=" + enc(viewer.csrf()))
                        .status())
                .isEqualTo(403);
        assertThat(postForm(page + "/keys/" + keyId + "/revoke", viewer.cookie(), "_csrf=" + enc(viewer.csrf()))
                        .status())
                .isEqualTo(403);
        assertThat(postForm(page + "/keys/" + keyId + "/revoke", admin.cookie(), "")
                        .status())
                .as("no CSRF token")
                .isEqualTo(403);
        assertThat(api.get("/api/v1/tenants/" + tenant, key).status()).isEqualTo(200);
        var revoked = postForm(page + "/keys/" + keyId + "/revoke", admin.cookie(), "_csrf=" + enc(admin.csrf()));
        assertThat(revoked.status()).isEqualTo(302);
        assertThat(api.get("/api/v1/tenants/" + tenant, key).status()).isEqualTo(401);
    }

    /**
     * The wizard's review: the secret is masked and not in the page, nothing is created until the
     * reviewed draft is posted, and a draft creates once (a second post is a 409 that says so).
     */
    @Test
    void theWizardsReviewCreatesNothingAndItsDraftIsUsedOnce() {
        String tenant = newTenant();
        var admin = signIn(newKey(tenant, "admin"));
        String providerKey = "rev-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        String definition = """
                {"key":"%s","name":"Review Pay","category":"payment","authType":"api_key",
                 "authorizationUrl":null,"tokenUrl":null,"defaultScopes":[],
                 "apiBaseUrl":"http://127.0.0.1:9/api","credentialFields":[{"name":"apiKey","label":"API key","secret":true}],
                 "configFields":[],"auth":{"in":"header","name":"X-Api-Key","prefix":"","field":"apiKey"},
                 "headers":{},"healthCheck":null,
                 "rateLimits":{"perSecond":null,"perMinute":null,"perHour":null,"perDay":null},
                 "webhookScheme":null,"docsUrl":null}""".formatted(providerKey);
        assertThat(api.post("/api/v1/providers", ADMIN, definition).status()).isEqualTo(201);
        try {
            String wizard = "/ui/tenants/" + tenant + "/connections/new/" + providerKey;
            var review = postForm(
                    wizard + "/review",
                    admin.cookie(),
                    "name=Billing&environment=test&credential.apiKey=very-secret-review-key&_csrf="
                            + enc(admin.csrf()));
            assertThat(review.status()).isEqualTo(200);
            assertThat(review.body()).doesNotContain("very-secret-review-key").contains("data-masked=\"true\"");
            assertThat(review.body()).contains("id=\"review-environment\">Test<");
            assertThat(api.get("/api/v1/tenants/" + tenant + "/connections", ADMIN)
                            .json()
                            .get("data"))
                    .isEmpty();
            var m = Pattern.compile("name=\"draft\" value=\"([0-9a-f]+)\"").matcher(review.body());
            assertThat(m.find()).isTrue();
            String draft = "draft=" + m.group(1) + "&_csrf=" + enc(admin.csrf());

            var created = postForm(wizard, admin.cookie(), draft);
            assertThat(created.status()).isEqualTo(200);
            assertThat(created.body()).doesNotContain("very-secret-review-key");
            var again = postForm(wizard, admin.cookie(), draft);
            assertThat(again.status()).isEqualTo(409);
            assertThat(again.body()).contains("no longer open");
            var connections = api.get("/api/v1/tenants/" + tenant + "/connections", ADMIN)
                    .json()
                    .get("data");
            assertThat(connections).hasSize(1);
            assertThat(connections.get(0).get("environment").asString()).isEqualTo("test");

            // Bad details are refused at the review, with the form again.
            var bad = postForm(wizard + "/review", admin.cookie(), "name=&_csrf=" + enc(admin.csrf()));
            assertThat(bad.status()).isEqualTo(400);
            assertThat(bad.body()).contains("id=\"connect-error\"");
        } finally {
            for (var c : api.get("/api/v1/tenants/" + tenant + "/connections", ADMIN)
                    .json()
                    .get("data")) {
                api.delete(
                        "/api/v1/tenants/" + tenant + "/connections/"
                                + c.get("id").asString(),
                        ADMIN);
            }
            api.delete("/api/v1/providers/" + providerKey, ADMIN);
        }
    }
}
