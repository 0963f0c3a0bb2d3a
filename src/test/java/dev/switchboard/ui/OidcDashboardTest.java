package dev.switchboard.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.Browser;
import dev.switchboard.testing.RequiresChromium;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * OIDC sign-in in a real browser (Chromium, headless) against mock-oauth2-server: the claims decide
 * the role (a tenant admin writes, a viewer sees no write control and a forged write is refused, an
 * unknown role is refused with a page that says why); and the setup wizard's OAuth path, to the
 * provider and back, with its review step. Screenshots at desktop and phone widths, axe clean.
 */
@RequiresChromium
class OidcDashboardTest extends OidcServerTest {

    private static Browser browser;

    @BeforeEach
    void startBrowser() {
        if (browser == null) browser = new Browser(port);
        browser.console();
    }

    @AfterAll
    static void closeBrowser() {
        if (browser != null) browser.close();
        browser = null;
    }

    private void checkPage(String name, String... secrets) {
        String html = browser.html();
        for (String secret : secrets)
            assertThat(html).as("page HTML of " + name).doesNotContain(secret);
        assertThat(browser.seriousAccessibilityViolations())
                .as("axe-core serious/critical violations on " + name)
                .isEmpty();
        assertThat(browser.console())
                .as("browser console on " + name)
                .noneMatch(line -> line.contains("Content Security Policy") || line.contains("Uncaught"));
        browser.screenshots(name);
        browser.resize(Browser.PHONE_WIDTH);
        assertThat(browser.horizontalOverflow()).as(name + " at 390 px").isLessThanOrEqualTo(0);
        browser.resize(Browser.DESKTOP_WIDTH);
    }

    private void signInWithOidc(Map<String, Object> claims) {
        browser.forgetSession();
        browser.open("/ui/sign-in");
        nextUser("user-" + UUID.randomUUID().toString().substring(0, 8), claims);
        browser.clickToLoad("#oidc-sign-in");
    }

    @Test
    void claimsDecideTheRoleAndAnUnknownRoleIsRefused() {
        String tenant = newTenant();
        String ui = "/ui/tenants/" + tenant;
        browser.forgetSession();
        browser.open("/ui/sign-in");
        assertThat(browser.find("#oidc-sign-in").getText()).isEqualTo("Sign in with Example SSO");
        checkPage("sign-in-oidc", "ui-client-secret");

        signInWithOidc(Map.of("roles", List.of("tenant_admin"), "tenants", List.of(tenant)));
        assertThat(browser.path()).isEqualTo("/");
        assertThat(browser.find(".badge.role").getText()).isEqualTo("Admin");
        var session = browser.driver().manage().getCookieNamed("JSESSIONID");
        assertThat(session.isHttpOnly()).isTrue();
        assertThat(session.getSameSite()).isEqualTo("Lax");
        checkPage("hub-oidc-admin", "ui-client-secret");
        browser.open(ui + "/connections");
        assertThat(browser.all("#connect-provider")).hasSize(1);

        signInWithOidc(Map.of("roles", List.of("viewer"), "tenants", List.of(tenant)));
        assertThat(browser.find(".badge.role").getText()).isEqualTo("Viewer (read-only)");
        browser.open(ui + "/connections");
        assertThat(browser.all("#connect-provider")).isEmpty();
        assertThat(browser.all("form")).as("only sign-out").hasSize(1);
        checkPage("connections-oidc-viewer");
        String token = browser.find("meta[name=csrf-token]").getAttribute("content");
        assertThat(browser.fetchStatus(
                        "POST", ui + "/keys", "application/x-www-form-urlencoded", "name=forged&role=admin", token))
                .isEqualTo(403);
        assertThat(api.get("/api/v1/tenants/" + tenant + "/api-keys", ADMIN)
                        .json()
                        .get("data"))
                .isEmpty();

        signInWithOidc(Map.of("roles", List.of("accountant"), "tenants", List.of(tenant)));
        assertThat(browser.path()).isEqualTo("/ui/sign-in/refused");
        assertThat(browser.find("#refused-reason").getText()).contains("no Switchboard role", "roles");
        checkPage("sign-in-refused");
        browser.open("/");
        assertThat(browser.path()).isEqualTo("/ui/sign-in");

        browser.open("/ui/sign-in/refused?lang=ar");
        assertThat(browser.find("html").getAttribute("dir")).isEqualTo("rtl");
        checkPage("sign-in-refused-ar");
        browser.open("/ui/sign-in?lang=en");
    }

    /**
     * The wizard's OAuth path: a provider whose authorization server is mock-oauth2-server; the review
     * shows the client secret masked; "Create and connect with OAuth" goes to the provider and the
     * provider sends the browser back to the connections page, where the connection is active.
     */
    @Test
    void theWizardConnectsAnOAuthProviderThroughTheProviderAndBack() {
        String tenant = newTenant();
        String ui = "/ui/tenants/" + tenant;
        String providerKey = "oauthwiz-" + UUID.randomUUID().toString().substring(0, 8);
        String definition = """
                {"key":"%s","name":"Wizard Calendar","category":"calendar","authType":"oauth2",
                 "authorizationUrl":"%s","tokenUrl":"%s","defaultScopes":["openid","calendar.read"],
                 "apiBaseUrl":"%s","credentialFields":[],"configFields":[],
                 "auth":{"in":"header","name":"Authorization","prefix":"Bearer ","field":"accessToken"},
                 "headers":{},"healthCheck":null,
                 "rateLimits":{"perSecond":null,"perMinute":null,"perHour":null,"perDay":null},
                 "webhookScheme":null,"docsUrl":null}""".formatted(
                providerKey, IDP.authorizationEndpointUrl("provider"), IDP.tokenEndpointUrl("provider"), IDP.baseUrl());
        var created = api.post("/api/v1/providers", ADMIN, definition);
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        try {
            signInWithOidc(Map.of("roles", "tenant_admin", "tenants", tenant));
            browser.open(ui + "/connections");
            browser.clickToLoad("#connect-provider");
            browser.find("#provider-search").sendKeys(providerKey);
            browser.clickToLoad(".provider[data-provider='" + providerKey + "'] a");
            browser.find("#c-name").clear();
            browser.find("#c-name").sendKeys("Team calendar");
            browser.find("#c-client").sendKeys("switchboard-app");
            browser.find("#c-client-secret").sendKeys("app-secret-value-123");
            checkPage("wizard-oauth-details", "app-secret-value-123");
            browser.clickToLoad("#connect-submit");

            assertThat(browser.find("#review-provider").getText()).isEqualTo("Wizard Calendar");
            assertThat(browser.find("#review-name").getText()).isEqualTo("Team calendar");
            assertThat(browser.find("#review-client").getText()).isEqualTo("switchboard-app");
            assertThat(browser.find("[data-masked=true]").getText()).contains("hidden");
            assertThat(browser.find("#create-submit").getText()).isEqualTo("Create and connect with OAuth");
            assertThat(api.get("/api/v1/tenants/" + tenant + "/connections", ADMIN)
                            .json()
                            .get("data"))
                    .as("nothing saved before the review is confirmed")
                    .isEmpty();
            checkPage("wizard-oauth-review", "app-secret-value-123");

            browser.clickToLoad("#create-submit");
            assertThat(browser.path()).isEqualTo(ui + "/connections");
            assertThat(browser.all("tr[data-connection]")).hasSize(1);
            assertThat(browser.all("tr[data-connection] .badge.state-active")).hasSize(1);
            checkPage("wizard-oauth-connected", "app-secret-value-123");
            var connections = api.get("/api/v1/tenants/" + tenant + "/connections", ADMIN)
                    .json()
                    .get("data");
            assertThat(connections).hasSize(1);
            assertThat(connections.get(0).get("state").asString()).isEqualTo("active");
            assertThat(connections.get(0).get("name").asString()).isEqualTo("Team calendar");
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
