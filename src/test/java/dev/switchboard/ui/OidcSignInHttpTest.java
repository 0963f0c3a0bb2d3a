package dev.switchboard.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.Api;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * OIDC sign-in over HTTP, against mock-oauth2-server: the whole redirect dance by hand, the claims
 * mapped to roles and tenants (and refused when they map to none), the session cookie's flags behind
 * https, sign-in and sign-out in the audit log, and the limit on failed sign-ins (per client address,
 * and per key id from many addresses). Each test plays a client at an address of its own, so the
 * limit one test provokes does not reach another.
 */
class OidcSignInHttpTest extends OidcServerTest {

    private static final Pattern CSRF = Pattern.compile("name=\"csrf-token\" content=\"([^\"]+)\"");
    private static final AtomicInteger ADDRESSES = new AtomicInteger(1);
    private final HttpClient atProvider =
            HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    /** A client: its address (as a proxy on loopback forwards it), https or not, and its cookie. */
    private final class Client {
        final String address = "198.51.100." + ADDRESSES.getAndIncrement();
        final boolean https;
        String cookie;

        Client(boolean https) {
            this.https = https;
        }

        Api.Response get(String path) {
            return send(HttpRequest.newBuilder(uri(path)).GET());
        }

        Api.Response post(String path, String form) {
            return send(HttpRequest.newBuilder(uri(path))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form)));
        }

        private URI uri(String pathOrUrl) {
            URI u = URI.create(pathOrUrl);
            return URI.create(api.base() + u.getRawPath() + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery()));
        }

        private Api.Response send(HttpRequest.Builder b) {
            b.header("X-Forwarded-For", address);
            if (https) b.header("X-Forwarded-Proto", "https");
            if (cookie != null) b.header("Cookie", cookie);
            var r = api.send(b.build());
            r.headers().allValues("Set-Cookie").stream()
                    .filter(c -> c.startsWith("JSESSIONID="))
                    .findFirst()
                    .ifPresent(c -> cookie = c.substring(0, c.indexOf(';')));
            return r;
        }

        String csrf(String path) {
            var m = CSRF.matcher(get(path).body());
            assertThat(m.find()).isTrue();
            return URLEncoder.encode(m.group(1), StandardCharsets.UTF_8);
        }

        /** Sign-in through the provider as this user; the answer of our callback. */
        Api.Response oidc(String subject, Map<String, Object> claims) throws Exception {
            assertThat(get("/ui/sign-in").body()).contains("Sign in with Example SSO");
            var start = get("/ui/sign-in/oidc");
            assertThat(start.status()).as(start.toString()).isEqualTo(302);
            var authorize = get(start.header("Location"));
            assertThat(authorize.status()).as(authorize.toString()).isEqualTo(302);
            URI provider = URI.create(authorize.header("Location"));
            assertThat(provider.toString()).startsWith(IDP.issuerUrl(ISSUER_ID).toString());
            assertThat(provider.getQuery()).contains("code_challenge=", "nonce=", "client_id=" + CLIENT_ID);
            nextUser(subject, claims);
            HttpResponse<String> back = atProvider.send(
                    HttpRequest.newBuilder(provider).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(back.statusCode()).isEqualTo(302);
            URI callback = URI.create(back.headers().firstValue("Location").orElseThrow());
            assertThat(callback.getPath()).isEqualTo("/ui/oauth2/code/oidc");
            if (https) assertThat(callback.getScheme()).isEqualTo("https");
            return get(callback.toString());
        }
    }

    private static String subject() {
        return "user-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private List<Map<String, Object>> audit(String actor) {
        return jdbc.sql("SELECT action, outcome, status, role, tenant_id, source_ip FROM audit_log WHERE actor = :a"
                        + " ORDER BY occurred_at, id")
                .param("a", actor)
                .query()
                .listOfRows();
    }

    @Test
    void aTenantAdminsClaimsMakeATenantAdminSessionThatWrites() throws Exception {
        String tenant = newTenant();
        var admin = new Client(false);
        String subject = subject();
        var done = admin.oidc(subject, Map.of("roles", List.of("tenant_admin"), "tenants", List.of(tenant)));
        assertThat(done.status()).as(done.toString()).isEqualTo(302);
        assertThat(done.header("Location")).endsWith("/");
        var hub = admin.get("/");
        assertThat(hub.status()).isEqualTo(200);
        assertThat(hub.body()).contains("class=\"badge role\">Admin</span>").contains(tenant);
        // Nothing of the provider's reaches the page: no token, no secret.
        assertThat(hub.body()).doesNotContain("ui-client-secret").doesNotContain("eyJ");

        var made = admin.post(
                "/ui/tenants/" + tenant + "/keys", "name=ci&role=viewer&_csrf=" + admin.csrf("/ui/tenants/" + tenant));
        assertThat(made.status()).as(made.toString()).isEqualTo(200);
        assertThat(made.body()).contains("id=\"shown-key\">sb_");
        // Another tenant does not exist for it.
        assertThat(admin.get("/ui/tenants/" + newTenant()).status()).isEqualTo(404);

        var signOut = admin.post("/ui/sign-out", "_csrf=" + admin.csrf("/"));
        assertThat(signOut.status()).isEqualTo(302);
        assertThat(admin.get("/").status()).isEqualTo(302);

        var entries = audit("oidc:" + subject);
        assertThat(entries).extracting(e -> (String) e.get("action")).first().isEqualTo("ui.sign-in.oidc");
        assertThat(entries).extracting(e -> (String) e.get("action")).last().isEqualTo("ui.sign-out");
        assertThat(entries).extracting(e -> (String) e.get("action")).anyMatch(a -> a.endsWith("key.create"));
        assertThat(entries.getFirst().get("outcome")).isEqualTo("success");
        assertThat(entries.getFirst().get("role")).isEqualTo("admin");
        assertThat(entries.getFirst().get("tenant_id")).isEqualTo(tenant);
        assertThat(entries.getFirst().get("source_ip")).isEqualTo("198.51.100.0/24");
    }

    @Test
    void aViewersClaimsMakeAReadOnlySessionAndAPlatformAdminsSeeEveryTenant() throws Exception {
        String tenant = newTenant();
        var viewer = new Client(false);
        // The first of the user's tenants that exists is the one: an unknown one is passed over.
        assertThat(viewer.oidc(subject(), Map.of("roles", "viewer", "tenants", "no-such-tenant " + tenant))
                        .status())
                .isEqualTo(302);
        var hub = viewer.get("/");
        assertThat(hub.body()).contains("Viewer (read-only)").contains(tenant);
        var refused = viewer.post(
                "/ui/tenants/" + tenant + "/keys", "name=ci&role=viewer&_csrf=" + viewer.csrf("/ui/tenants/" + tenant));
        assertThat(refused.status()).isEqualTo(403);
        assertThat(api.get("/api/v1/tenants/" + tenant + "/api-keys", ADMIN)
                        .json()
                        .get("data"))
                .isEmpty();

        var platform = new Client(false);
        assertThat(platform.oidc(subject(), Map.of("roles", List.of("viewer", "platform_admin")))
                        .status())
                .isEqualTo(302);
        assertThat(platform.get("/").body()).contains("Platform admin");
        assertThat(platform.get("/ui/tenants/" + tenant).status()).isEqualTo(200);
    }

    @Test
    void aUserGrantedSeveralTenantsSwitchesBetweenThemAndReachesNoOther() throws Exception {
        String first = newTenant();
        String second = newTenant();
        String disabled = newTenant();
        String other = newTenant();
        assertThat(api.patch("/api/v1/tenants/" + disabled, ADMIN, "{\"disabled\":true}")
                        .status())
                .isEqualTo(200);
        var user = new Client(false);
        String subject = subject();
        assertThat(user.oidc(subject, Map.of("roles", "tenant_admin", "tenants", List.of(first, second, disabled)))
                        .status())
                .isEqualTo(302);
        // The first granted tenant is the session's; the switcher offers the granted ones.
        var hub = user.get("/");
        assertThat(hub.body())
                .contains("id=\"tenant-switch\"")
                .contains("<option value=\"" + first + "\" selected=\"selected\">")
                .contains("<option value=\"" + second + "\">")
                .doesNotContain(other)
                .as("a disabled tenant is not offered")
                .doesNotContain("<option value=\"" + disabled + "\"");
        assertThat(user.get("/ui/tenants/" + first + "/endpoints").status()).isEqualTo(200);
        assertThat(user.get("/ui/tenants/" + second + "/endpoints").status()).isEqualTo(404);

        String csrf = user.csrf("/");
        var moved = user.post(
                "/ui/tenant",
                "tenant=" + second + "&back="
                        + URLEncoder.encode("/ui/tenants/" + first + "/endpoints", StandardCharsets.UTF_8) + "&_csrf="
                        + csrf);
        assertThat(moved.status()).as(moved.toString()).isEqualTo(302);
        assertThat(moved.header("Location")).endsWith("/ui/tenants/" + second + "/endpoints");
        assertThat(user.get("/ui/tenants/" + second + "/endpoints").status()).isEqualTo(200);
        assertThat(user.get("/ui/tenants/" + first + "/endpoints").status())
                .as("one tenant at a time: the session's current one")
                .isEqualTo(404);
        assertThat(user.get("/").body()).contains("<option value=\"" + second + "\" selected=\"selected\">");
        // It writes in the tenant it switched to, as a tenant admin.
        var made = user.post(
                "/ui/tenants/" + second + "/keys", "name=ci&role=viewer&_csrf=" + user.csrf("/ui/tenants/" + second));
        assertThat(made.status()).as(made.toString()).isEqualTo(200);

        // A tenant the claims did not grant, or one granted but disabled: 404, and the session stays put.
        for (String refused : List.of(other, disabled, "no-such-tenant")) {
            var r = user.post("/ui/tenant", "tenant=" + refused + "&_csrf=" + user.csrf("/"));
            assertThat(r.status()).as(refused).isEqualTo(404);
        }
        assertThat(user.get("/ui/tenants/" + second).status()).isEqualTo(200);
        assertThat(user.get("/ui/tenants/" + other).status()).isEqualTo(404);
        // Without the CSRF token the switch is refused.
        assertThat(user.post("/ui/tenant", "tenant=" + first).status()).isEqualTo(403);
        assertThat(audit("oidc:" + subject))
                .extracting(e -> (String) e.get("action"))
                .contains("ui.tenant");

        // A user granted one tenant sees no switcher, and cannot switch to another.
        var single = new Client(false);
        single.oidc(subject(), Map.of("roles", "tenant_admin", "tenants", List.of(first)));
        assertThat(single.get("/").body()).doesNotContain("id=\"tenant-switch\"");
        assertThat(single.post("/ui/tenant", "tenant=" + second + "&_csrf=" + single.csrf("/"))
                        .status())
                .as("nothing to switch to, as for a key's session")
                .isEqualTo(403);
    }

    @Test
    void aUserWithNoRoleOrNoTenantIsRefusedWithAPageThatSaysWhy() throws Exception {
        var nobody = new Client(false);
        String subject = subject();
        var done = nobody.oidc(subject, Map.of("roles", List.of("accountant"), "tenants", List.of(newTenant())));
        assertThat(done.status()).isEqualTo(302);
        assertThat(done.header("Location")).endsWith("/ui/sign-in/refused?reason=no-role");
        var page = nobody.get(done.header("Location"));
        assertThat(page.status()).isEqualTo(403);
        assertThat(page.body()).contains("no Switchboard role").contains("platform_admin");
        assertThat(nobody.get("/").status()).as("no session").isEqualTo(302);
        var entries = audit("oidc:" + subject);
        assertThat(entries).hasSize(1);
        assertThat(entries.getFirst().get("action")).isEqualTo("ui.sign-in.oidc");
        assertThat(entries.getFirst().get("outcome")).isEqualTo("failure");
        assertThat(entries.getFirst().get("status")).isEqualTo(403);

        String disabled = newTenant();
        assertThat(api.patch("/api/v1/tenants/" + disabled, ADMIN, "{\"disabled\":true}")
                        .status())
                .isEqualTo(200);
        var lost = new Client(false);
        var noTenant = lost.oidc(subject(), Map.of("roles", List.of("tenant_admin"), "tenants", List.of(disabled)));
        assertThat(noTenant.header("Location")).endsWith("/ui/sign-in/refused?reason=no-tenant");
        assertThat(lost.get(noTenant.header("Location")).body()).contains("none of the tenants");
        assertThat(lost.get("/").status()).isEqualTo(302);
    }

    @Test
    void theSessionCookieIsHttpOnlyLaxAndSecureBehindHttps() throws Exception {
        String tenant = newTenant();
        var client = new Client(true);
        var done = client.oidc(subject(), Map.of("roles", List.of("tenant_admin"), "tenants", List.of(tenant)));
        assertThat(done.status()).isEqualTo(302);
        String cookie = done.headers().allValues("Set-Cookie").stream()
                .filter(c -> c.startsWith("JSESSIONID="))
                .findFirst()
                .orElseThrow(() -> new AssertionError("a new session at sign-in: " + done.headers()));
        assertThat(cookie)
                .containsIgnoringCase("HttpOnly")
                .containsIgnoringCase("SameSite=Lax")
                .containsIgnoringCase("Secure");
        assertThat(client.get("/").body()).contains("class=\"badge role\">Admin</span>");
        // Plain http: no Secure (a browser would drop it), the other two stay.
        var plain = new Client(false).get("/ui/sign-in");
        String plainCookie = plain.headers().allValues("Set-Cookie").stream()
                .filter(c -> c.startsWith("JSESSIONID="))
                .findFirst()
                .orElseThrow();
        assertThat(plainCookie)
                .containsIgnoringCase("HttpOnly")
                .containsIgnoringCase("SameSite=Lax")
                .doesNotContainIgnoringCase("Secure");
    }

    @Test
    void aForgedOrFailedCallbackSignsNobodyIn() {
        var client = new Client(false);
        client.get("/ui/sign-in");
        var forged = client.get("/ui/oauth2/code/oidc?code=made-up&state=made-up");
        assertThat(forged.status()).isEqualTo(302);
        assertThat(forged.header("Location")).endsWith("/ui/sign-in?oidc-failed");
        assertThat(client.get("/ui/sign-in?oidc-failed").body()).contains("did not work");
        assertThat(client.get("/").status()).isEqualTo(302);
    }

    @Test
    void failedSignInsFromOneAddressAreLimitedAndTheLimitPasses() {
        var guesser = new Client(false);
        for (int i = 0; i < 3; i++) {
            var wrong = guesser.post("/ui/sign-in", "key=sb_wrong_" + i + "&_csrf=" + guesser.csrf("/ui/sign-in"));
            assertThat(wrong.status()).isEqualTo(401);
        }
        String csrf = guesser.csrf("/ui/sign-in");
        var limited = guesser.post(
                "/ui/sign-in", "key=" + URLEncoder.encode(ADMIN, StandardCharsets.UTF_8) + "&_csrf=" + csrf);
        assertThat(limited.status()).as("even the right key, while limited").isEqualTo(429);
        assertThat(limited.header("Retry-After")).matches("\\d+");
        assertThat(limited.body()).contains("Too many failed sign-ins from here.");
        assertThat(guesser.get("/").status()).isEqualTo(302);
        // The OIDC sign-in is limited too (a refused user counts as a failure).
        assertThat(guesser.get("/ui/sign-in/oidc").status()).isEqualTo(429);
        // Another address is not.
        var other = new Client(false);
        assertThat(other.post(
                                "/ui/sign-in",
                                "key=" + URLEncoder.encode(ADMIN, StandardCharsets.UTF_8) + "&_csrf="
                                        + other.csrf("/ui/sign-in"))
                        .status())
                .isEqualTo(302);
        // One failure a minute comes back.
        clock.advance(Duration.ofSeconds(61));
        var later = guesser.post(
                "/ui/sign-in", "key=" + URLEncoder.encode(ADMIN, StandardCharsets.UTF_8) + "&_csrf=" + csrf);
        assertThat(later.status()).isEqualTo(302);
    }

    @Test
    void guessesAtOneKeyFromManyAddressesAreLimitedPerKey() {
        String tenant = newTenant();
        String key = newKey(tenant, "viewer");
        String id = SignInLimits.keyId(key);
        assertThat(id).startsWith("sb_").doesNotContain(key.substring(id.length() + 1));
        for (int i = 0; i < 5; i++) {
            var c = new Client(false);
            assertThat(c.post("/ui/sign-in", "key=" + id + "_wrongsecret" + i + "&_csrf=" + c.csrf("/ui/sign-in"))
                            .status())
                    .isEqualTo(401);
        }
        var fresh = new Client(false);
        var limited = fresh.post("/ui/sign-in", "key=" + key + "&_csrf=" + fresh.csrf("/ui/sign-in"));
        assertThat(limited.status()).isEqualTo(429);
        // Other keys are not held up by it.
        var another = new Client(false);
        assertThat(another.post(
                                "/ui/sign-in",
                                "key=" + newKey(tenant, "viewer") + "&_csrf=" + another.csrf("/ui/sign-in"))
                        .status())
                .isEqualTo(302);
        clock.advance(Duration.ofSeconds(61));
        assertThat(fresh.post("/ui/sign-in", "key=" + key + "&_csrf=" + fresh.csrf("/ui/sign-in"))
                        .status())
                .isEqualTo(302);
    }
}
