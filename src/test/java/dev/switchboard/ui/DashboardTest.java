package dev.switchboard.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.Browser;
import dev.switchboard.testing.RequiresChromium;
import dev.switchboard.testing.ServerTest;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Keys;
import org.openqa.selenium.support.ui.Select;

/**
 * The dashboard in a real browser (Chromium, headless) against the real server: sign-in with an
 * API key, the hub, the tenants page, sign-out, roles, CSRF, revocation, accessibility, languages
 * and phone widths. Screenshots of every page go to target/screenshots/.
 */
@RequiresChromium
class DashboardTest extends ServerTest {

    private static Browser browser;

    @BeforeEach
    void startBrowser() {
        if (browser == null) browser = new Browser(port);
        browser.console(); // start each test with an empty console
    }

    @AfterAll
    static void closeBrowser() {
        if (browser != null) browser.close();
        browser = null;
    }

    private static String uniqueId() {
        return "ui-" + UUID.randomUUID().toString().substring(0, 12);
    }

    /** Every page the tests visit passes these: no secret in its HTML, 0 serious axe findings, nothing blocked. */
    private void checkPage(String name, String... secrets) {
        String html = browser.html();
        for (String secret : secrets)
            assertThat(html).as("page HTML of " + name).doesNotContain(secret);
        assertThat(browser.seriousAccessibilityViolations())
                .as("axe-core serious/critical violations on " + name)
                .isEmpty();
        // Refused requests (a 401 or 403 a test provoked) are logged too; look for blocked or failing scripts.
        assertThat(browser.console())
                .as("browser console on " + name)
                .noneMatch(line -> line.contains("Content Security Policy") || line.contains("Uncaught"));
        browser.screenshots(name);
    }

    @Test
    void anAdminSignsInCreatesATenantThroughThePageAndSignsOut() {
        browser.signIn(ADMIN);
        assertThat(browser.path()).isEqualTo("/");
        assertThat(browser.find("[data-stat=tenants] .figure").getText()).matches("\\d+");
        assertThat(browser.find(".badge.role").getText()).isEqualTo("Platform admin");
        var session = browser.driver().manage().getCookieNamed("JSESSIONID");
        assertThat(session.isHttpOnly()).isTrue();
        assertThat(session.getSameSite()).isEqualTo("Lax");
        checkPage("hub", ADMIN);

        browser.clickToLoad(".nav a[href='/ui/tenants']");
        assertThat(browser.path()).isEqualTo("/ui/tenants");
        String id = uniqueId();
        browser.find("#tenant-name").sendKeys("Acme Tailoring");
        browser.find("#tenant-id").sendKeys(id);
        browser.clickToLoad("form[action='/ui/tenants'] button");
        assertThat(browser.path()).isEqualTo("/ui/tenants");
        assertThat(browser.find("[role=status]").getText()).contains(id);
        assertThat(browser.all("tr[data-tenant='" + id + "']")).hasSize(1);
        var created = api.get("/api/v1/tenants/" + id, ADMIN);
        assertThat(created.status()).isEqualTo(200);
        assertThat(created.json().get("name").asString()).isEqualTo("Acme Tailoring");
        checkPage("tenants", ADMIN);

        // The same id again: the page says why, keeps what was typed, and creates nothing.
        browser.find("#tenant-name").sendKeys("Again");
        browser.find("#tenant-id").sendKeys(id);
        browser.clickToLoad("form[action='/ui/tenants'] button");
        assertThat(browser.find("[role=alert]").getText()).contains("already exists");
        assertThat(browser.find("#tenant-name").getAttribute("value")).isEqualTo("Again");

        // Switch to the new tenant: the hub shows its cards.
        new Select(browser.find("#tenant-switch")).selectByValue(id);
        browser.clickToLoad(".switcher button");
        assertThat(browser.path()).isEqualTo("/ui/tenants");
        browser.open("/");
        assertThat(browser.find("[data-stat=connections] .figure").getText()).isEqualTo("0");
        assertThat(browser.find("[data-stat=endpoints] .figure").getText()).isEqualTo("0");
        checkPage("hub-tenant", ADMIN);

        // An htmx POST carries the CSRF token in its header (app.js): back to the platform-wide view.
        assertThat(browser.htmx("POST", "/ui/tenant", "#cards", "#cards", java.util.Map.of("tenant", "")))
                .isEqualTo(200);
        assertThat(browser.all("[data-stat=connections]")).isEmpty();
        assertThat(browser.all("[data-stat=tenants]")).hasSize(1);

        browser.clickToLoad(".signout button");
        assertThat(browser.path()).isEqualTo("/ui/sign-in");
        assertThat(browser.find("[role=status]").getText()).isEqualTo("You are signed out.");
        browser.open("/ui/tenants");
        assertThat(browser.path()).isEqualTo("/ui/sign-in");
    }

    @Test
    void theHubCountsWhatTheTenantHas() {
        String tenant = newTenant();
        String key = newKey(tenant, "admin");
        assertThat(api.post("/api/v1/tenants/" + tenant + "/sources", key, "{\"name\":\"s\",\"provider\":\"none\"}")
                        .status())
                .isEqualTo(201);
        browser.signIn(key);
        assertThat(browser.find("[data-stat=sources] .figure").getText()).isEqualTo("1");
        assertThat(browser.find("[data-stat=endpoints] .figure").getText()).isEqualTo("0");
        assertThat(browser.all("[data-stat=tenants]")).isEmpty();
        assertThat(browser.find(".tenant-name").getText()).contains(tenant);

        // The cards refresh in place (htmx, every 30 s on the page; asked for at once here).
        assertThat(api.post("/api/v1/tenants/" + tenant + "/sources", key, "{\"name\":\"t\",\"provider\":\"none\"}")
                        .status())
                .isEqualTo(201);
        assertThat(browser.htmx("GET", "/", "#cards", "#cards", java.util.Map.of()))
                .isEqualTo(200);
        assertThat(browser.find("[data-stat=sources] .figure").getText()).isEqualTo("2");
        assertThat(browser.find("h1").getText()).isEqualTo("Overview");
    }

    /**
     * The pages a refusal lands on pass axe too: the error page (a tenant that does not exist), the
     * denied page, and the public unsubscribe page (a link that is not valid).
     */
    @Test
    void theErrorDeniedAndUnsubscribePagesHaveNoSeriousAccessibilityFindings() {
        browser.signIn(ADMIN);
        browser.open("/ui/tenants/no-such-tenant-" + uniqueId() + "/connections");
        assertThat(browser.all("main")).hasSize(1);
        checkPage("error-unknown-tenant", ADMIN);
        browser.open("/ui/denied");
        assertThat(browser.all("main")).hasSize(1);
        checkPage("denied", ADMIN);
        browser.forgetSession();
        browser.open("/unsubscribe/not-a-valid-token");
        assertThat(browser.all("main")).hasSize(1);
        checkPage("unsubscribe-invalid");
    }

    /**
     * The hub shows the connections page's table: by category, with state, health, environment, the
     * last check and its response time (a check against a local provider double), and the quick
     * actions for an admin, which act from the hub; a viewer sees the same rows and no action.
     */
    @Test
    void theHubShowsConnectionsByCategoryWithTheirLastCheckAndActionsForWritersOnly() throws Exception {
        String tenant = newTenant();
        String key = newKey(tenant, "admin");
        String providerKey = "hub-" + UUID.randomUUID().toString().substring(0, 8);
        try (var provider = new dev.switchboard.testing.Receiver()) {
            String definition = """
                    {"key":"%s","name":"Hub Pay","category":"payment","authType":"api_key",
                     "authorizationUrl":null,"tokenUrl":null,"defaultScopes":[],
                     "apiBaseUrl":"%s","credentialFields":[{"name":"apiKey","label":"API key","secret":true}],
                     "configFields":[],"auth":{"in":"header","name":"X-Api-Key","prefix":"","field":"apiKey"},
                     "headers":{},"healthCheck":{"method":"GET","path":"/ping","expect":[200]},
                     "rateLimits":{"perSecond":null,"perMinute":null,"perHour":null,"perDay":null},
                     "webhookScheme":null,"docsUrl":null}""".formatted(providerKey, provider.url("/api"));
            assertThat(api.post("/api/v1/providers", ADMIN, definition).status())
                    .isEqualTo(201);
            try {
                var created = api.post(
                        "/api/v1/tenants/" + tenant + "/connections",
                        key,
                        "{\"provider\":\"" + providerKey
                                + "\",\"name\":\"Billing\",\"environment\":\"test\","
                                + "\"credentials\":{\"apiKey\":\"sk_hub_secret_4242\"}}");
                assertThat(created.status()).as(created.toString()).isEqualTo(201);
                String id = created.json().get("id").asString();

                browser.signIn(key);
                browser.open("/");
                String row = "#connections-board tr[data-connection='" + id + "']";
                assertThat(browser.find("#connections-board h3").getText()).isEqualTo("Payments");
                assertThat(browser.find(row + " .badge.state-active").isDisplayed())
                        .isTrue();
                assertThat(browser.find(row).getText()).contains("Billing", "Hub Pay", "test");
                // Check now, from the hub: the provider is asked, and the hub shows the check's response time.
                int asked = provider.requests.size();
                browser.clickToLoad(row + " form[action$='/check'] button");
                assertThat(provider.requests).hasSize(asked + 1);
                browser.open("/");
                assertThat(browser.find(row + " .badge.health-healthy").isDisplayed())
                        .isTrue();
                assertThat(browser.find(row + " time").getAttribute("datetime")).isNotBlank();
                assertThat(browser.find(row + " [data-latency]").getText()).matches("[\\d,]+ ms");
                assertThat(browser.all(row + " form[action$='/suspend']")).hasSize(1);
                assertThat(browser.all(row + " form[action$='/delete']")).hasSize(1);
                checkPage("hub-connections", "sk_hub_secret_4242", key);
                // An open "Disconnect" confirmation is not swapped away by the hub's 30 s refresh: a
                // refresh of #cards (as its timer issues it) is skipped while the user is inside it.
                browser.find(row + " details.confirm summary").click();
                Object stillOpen = browser.driver().executeAsyncScript("""
                                var done = arguments[arguments.length - 1];
                                htmx.ajax('GET', '/', {source: '#cards', target: '#cards', select: '#cards',
                                    swap: 'outerHTML'}).then(function () {
                                  done(document.querySelector('#cards details.confirm[open]') !== null);
                                });""");
                assertThat(stillOpen).isEqualTo(true);
                browser.open("/");
                browser.clickToLoad(row + " form[action$='/suspend'] button");
                browser.open("/");
                assertThat(browser.all(row + " .badge.state-suspended")).hasSize(1);
                assertThat(browser.all(row + " form[action$='/resume']")).hasSize(1);

                browser.signIn(newKey(tenant, "viewer"));
                browser.open("/");
                assertThat(browser.all(row)).hasSize(1);
                assertThat(browser.find(row + " [data-latency]").getText()).matches("[\\d,]+ ms");
                assertThat(browser.all("#connections-board form")).isEmpty();
                assertThat(browser.all("#connections-board details")).isEmpty();
                checkPage("hub-connections-viewer", "sk_hub_secret_4242", key);
            } finally {
                api.delete("/api/v1/providers/" + providerKey, ADMIN);
            }
        }
    }

    /**
     * Today's cards after real traffic: a delivery exhausted at a receiver that answers 503 (time moved
     * past each wait, then a day on, so none of its attempts is today's), then two events ingested and
     * delivered to a local receiver. The figures come from the rollups, which catch up on their own
     * poll; each card links to its page, the dead letters to the failed deliveries. Admin and viewer.
     */
    @Test
    void theHubCountsTodaysEventsDeliveriesAndDeadLetters() throws Exception {
        String tenant = newTenant();
        String key = newKey(tenant, "admin");
        String api1 = "/api/v1/tenants/" + tenant;
        String ui = "/ui/tenants/" + tenant;
        try (var down = new dev.switchboard.testing.Receiver();
                var up = new dev.switchboard.testing.Receiver()) {
            for (int i = 0; i < 8; i++) down.then(dev.switchboard.testing.Receiver.Answer.of(503));
            assertThat(api.post(
                                    api1 + "/endpoints",
                                    key,
                                    "{\"url\":\"" + down.url("/down") + "\",\"eventTypes\":[\"hub.down\"]}")
                            .status())
                    .isEqualTo(201);
            var sent = api.post(api1 + "/messages", key, "{\"eventType\":\"hub.down\",\"payload\":{}}");
            assertThat(sent.status()).isEqualTo(202);
            String message = api1 + "/messages/" + sent.json().get("id").asString();
            java.util.function.Supplier<tools.jackson.databind.JsonNode> delivery =
                    () -> api.get(message, key).json().get("deliveries").get(0);
            for (int attempt = 1; attempt < 8; attempt++) {
                int seen = attempt;
                await("attempt " + seen, () -> delivery.get().get("attempts").asInt() == seen);
                // Past the longest wait (10 h + 20 % jitter); any write wakes the engine.
                clock.advance(java.time.Duration.ofHours(13));
                api.post(api1 + "/messages", key, "{\"eventType\":\"nudge\",\"payload\":{}}");
            }
            org.awaitility.Awaitility.await("the dead letter")
                    .atMost(java.time.Duration.ofSeconds(30))
                    .pollInterval(java.time.Duration.ofMillis(200))
                    .untilAsserted(() -> assertThat(delivery.get().get("status").asString())
                            .as(() -> delivery.get().toString())
                            .isEqualTo("failed"));
            assertThat(down.requests).hasSize(8);
            clock.advance(java.time.Duration.ofDays(1));
            // Not across midnight while the test runs: "today" must stay one day.
            long toMidnight = 86_400 - clock.instant().getEpochSecond() % 86_400;
            if (toMidnight < 900) clock.advance(java.time.Duration.ofSeconds(toMidnight + 60));

            assertThat(api.post(
                                    api1 + "/endpoints",
                                    key,
                                    "{\"url\":\"" + up.url("/up") + "\",\"eventTypes\":[\"none.hub.up\"]}")
                            .status())
                    .isEqualTo(201);
            String source = api.post(api1 + "/sources", key, "{\"name\":\"Open\",\"provider\":\"none\"}")
                    .json()
                    .get("id")
                    .asString();
            for (int i = 0; i < 2; i++) {
                var ingest = api.send(
                        java.net.http.HttpRequest.newBuilder(java.net.URI.create(api.base() + "/webhooks/" + source))
                                .header("Content-Type", "application/json")
                                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                                        "{\"type\":\"hub.up\",\"n\":" + i + "}"))
                                .build());
                assertThat(ingest.status()).isEqualTo(200);
            }
            await("both delivered", () -> up.requests.size() == 2);

            browser.signIn(key);
            // The rollup job runs on its own poll (3 s in the tests, 30 s by default): wait for it, reloading the hub.
            org.awaitility.Awaitility.await("today's cards")
                    .atMost(java.time.Duration.ofSeconds(120))
                    .pollInterval(java.time.Duration.ofSeconds(2))
                    .until(() -> {
                        browser.open("/");
                        return browser.find("[data-stat=events-today] .figure")
                                        .getText()
                                        .equals("2")
                                && browser.find("[data-stat=deliveries-today] .figure")
                                        .getText()
                                        .equals("2");
                    });
            assertThat(browser.find("[data-stat=deliveries-today] [data-rate]").getText())
                    .isEqualTo("100.0%");
            assertThat(browser.find("[data-stat=dead-letters] .figure").getText())
                    .isEqualTo("1");
            assertThat(browser.find("[data-stat=events-today] a").getAttribute("href"))
                    .endsWith(ui + "/events");
            assertThat(browser.find("[data-stat=deliveries-today] a").getAttribute("href"))
                    .endsWith(ui + "/messages");
            checkPage("hub-today", key);
            fitsAPhone("hub-today");

            browser.clickToLoad("[data-stat=dead-letters] a");
            assertThat(browser.path()).isEqualTo(ui + "/deliveries");
            assertThat(browser.all("tr[data-delivery]")).hasSize(1);
            assertThat(browser.find("tr[data-delivery] .badge").getText()).isEqualTo("failed");
            assertThat(browser.find("tr[data-delivery]").getText()).contains("hub.down", "503");
            checkPage("deliveries", key);
            fitsAPhone("deliveries");
            browser.clickToLoad("tr[data-delivery] td:last-child a");
            assertThat(browser.path()).startsWith(ui + "/messages/msg_");

            // The outbound log searched: the message whose delivery failed, then by event type.
            browser.open(ui + "/messages");
            assertThat(browser.all("tr[data-message]")).hasSizeGreaterThanOrEqualTo(10);
            new Select(browser.find("#f-status")).selectByValue("failed");
            browser.clickToLoad("form[role=search] button");
            assertThat(browser.all("tr[data-message]")).hasSize(1);
            assertThat(browser.find("tr[data-message] .badge").getText()).isEqualTo("failed");
            checkPage("messages-failed", key);
            browser.open(ui + "/messages?type=none.hub.up");
            assertThat(browser.all("tr[data-message]")).hasSize(2);
            browser.open(ui + "/messages?type=no.such.type");
            assertThat(browser.find("#log .notice").getText()).isEqualTo("No message matches these filters.");

            String viewer = newKey(tenant, "viewer");
            browser.signIn(viewer);
            assertThat(browser.find("[data-stat=events-today] .figure").getText())
                    .isEqualTo("2");
            assertThat(browser.find("[data-stat=deliveries-today] .figure").getText())
                    .isEqualTo("2");
            assertThat(browser.find("[data-stat=dead-letters] .figure").getText())
                    .isEqualTo("1");
            checkPage("hub-today-viewer", viewer, key);
            browser.open(ui + "/deliveries");
            assertThat(browser.all("tr[data-delivery]")).hasSize(1);
            assertThat(browser.all("form[method=post]")).as("only sign-out").hasSize(1);
            checkPage("deliveries-viewer", viewer, key);
        } finally {
            disableEndpoints(tenant);
        }
    }

    @Test
    void aViewerSeesNoWriteControlsAndAForgedPostIsRefused() {
        String tenant = newTenant();
        String viewer = newKey(tenant, "viewer");
        browser.signIn(viewer);
        assertThat(browser.path()).isEqualTo("/");
        assertThat(browser.find(".badge.role").getText()).isEqualTo("Viewer (read-only)");
        assertThat(browser.all("form")).as("only sign-out").hasSize(1);
        checkPage("hub-viewer", viewer, ADMIN);

        browser.open("/ui/tenants");
        assertThat(browser.all("tr[data-tenant='" + tenant + "']")).hasSize(1);
        assertThat(browser.all("form")).as("only sign-out").hasSize(1);
        assertThat(browser.all("input:not([type=hidden]), select, textarea")).isEmpty();
        checkPage("tenants-viewer", viewer, ADMIN);

        // Its API keys: recognisable by their start, never shown whole.
        browser.clickToLoad("tr[data-tenant='" + tenant + "'] a");
        assertThat(browser.path()).isEqualTo("/ui/tenants/" + tenant);
        assertThat(browser.all("tr[data-key]")).hasSize(1);
        assertThat(browser.find("tr[data-key] code").getText()).startsWith(viewer.substring(0, 13));
        assertThat(browser.all("form")).as("only sign-out").hasSize(1);
        checkPage("tenant-viewer", viewer, viewer.substring(30), ADMIN);

        // Another tenant is not there at all.
        String other = newTenant();
        browser.open("/ui/tenants/" + other);
        assertThat(browser.find("[role=alert]").getText()).isEqualTo("No such tenant.");
        assertThat(browser.all("h1")).isEmpty();
        browser.open("/ui/tenants");

        // With a valid CSRF token, so it is the role that refuses it.
        String id = uniqueId();
        String token = browser.find("meta[name=csrf-token]").getAttribute("content");
        assertThat(browser.fetchStatus(
                        "POST", "/ui/tenants", "application/x-www-form-urlencoded", "name=forged&id=" + id, token))
                .isEqualTo(403);
        assertThat(browser.fetchStatus("POST", "/ui/tenant", "application/x-www-form-urlencoded", "tenant=x", token))
                .isEqualTo(403);
        assertThat(api.get("/api/v1/tenants/" + id, ADMIN).status()).isEqualTo(404);
    }

    @Test
    void aFormPostWithoutTheCsrfTokenIsRefused() {
        browser.signIn(ADMIN);
        String refused = uniqueId();
        assertThat(browser.fetchStatus(
                        "POST", "/ui/tenants", "application/x-www-form-urlencoded", "name=n&id=" + refused, null))
                .isEqualTo(403);
        assertThat(api.get("/api/v1/tenants/" + refused, ADMIN).status()).isEqualTo(404);

        // The same request with the page's token goes through (0: fetch's opaque view of the redirect).
        String accepted = uniqueId();
        String token = browser.find("meta[name=csrf-token]").getAttribute("content");
        assertThat(browser.fetchStatus(
                        "POST", "/ui/tenants", "application/x-www-form-urlencoded", "name=n&id=" + accepted, token))
                .isZero();
        assertThat(api.get("/api/v1/tenants/" + accepted, ADMIN).status()).isEqualTo(200);

        // Signing out needs the token too, so another site cannot sign a user out.
        assertThat(browser.fetchStatus("POST", "/ui/sign-out", "application/x-www-form-urlencoded", "", null))
                .isEqualTo(403);
        browser.open("/");
        assertThat(browser.path()).isEqualTo("/");
    }

    @Test
    void aRevokedKeysSessionEndsAtItsNextRequestAndTheKeyCannotSignInAgain() {
        String tenant = newTenant();
        String key = newKey(tenant, "admin");
        browser.signIn(key);
        assertThat(browser.path()).isEqualTo("/");
        String keyId = api.get("/api/v1/tenants/" + tenant + "/api-keys", ADMIN)
                .json()
                .get("data")
                .get(0)
                .get("id")
                .asString();
        assertThat(api.delete("/api/v1/tenants/" + tenant + "/api-keys/" + keyId, ADMIN)
                        .status())
                .isEqualTo(204);

        browser.open("/ui/tenants");
        assertThat(browser.path()).isEqualTo("/ui/sign-in");

        browser.signIn(key);
        assertThat(browser.path()).isEqualTo("/ui/sign-in");
        assertThat(browser.find("[role=alert]").getText()).isEqualTo("That key is not valid, or was revoked.");
        assertThat(browser.html()).doesNotContain(key);
    }

    @Test
    void aWrongKeyIsRefusedAndNotEchoed() {
        String wrong = "sb_" + "0".repeat(26) + "_not-a-real-secret-but-long-enough-to-look-real";
        browser.signIn(wrong);
        assertThat(browser.path()).isEqualTo("/ui/sign-in");
        assertThat(browser.find("[role=alert]").isDisplayed()).isTrue();
        assertThat(browser.find("#key").getAttribute("value")).isEmpty();
        checkPage("sign-in-failed", wrong);
        browser.forgetSession();
        browser.open("/ui/sign-in");
        checkPage("sign-in");
    }

    @Test
    void arabicIsRightToLeftAndRemembered() {
        browser.signIn(ADMIN);
        browser.open("/?lang=ar");
        assertThat(browser.find("html").getAttribute("dir")).isEqualTo("rtl");
        assertThat(browser.find("html").getAttribute("lang")).isEqualTo("ar");
        assertThat(browser.find("h1").getText()).isEqualTo("نظرة عامة");
        checkPage("hub-ar", ADMIN);
        browser.open("/ui/tenants");
        assertThat(browser.find("html").getAttribute("dir")).isEqualTo("rtl");
        checkPage("tenants-ar", ADMIN);
        browser.open("/ui/tenants?lang=en");
        assertThat(browser.find("html").getAttribute("dir")).isEqualTo("ltr");
        assertThat(browser.find("h1").getText()).isEqualTo("Tenants");
    }

    @Test
    void pagesFitAPhoneAndTheKeyboardShowsWhereItIs() {
        browser.signIn(ADMIN);
        for (String page : new String[] {"/", "/ui/tenants"}) {
            browser.open(page);
            browser.resize(Browser.PHONE_WIDTH);
            assertThat(browser.horizontalOverflow()).as(page + " at 390 px").isLessThanOrEqualTo(0);
            browser.resize(Browser.DESKTOP_WIDTH);
        }
        browser.open("/");
        browser.find("body").sendKeys(Keys.TAB);
        var focused = browser.driver().switchTo().activeElement();
        assertThat(focused.getAttribute("class")).isEqualTo("skip");
        assertThat(focused.getCssValue("outline-style")).isEqualTo("solid");
        assertThat(focused.getRect().getY())
                .as("the skip link shows when focused")
                .isGreaterThanOrEqualTo(0);
    }

    private static void await(String what, java.util.function.BooleanSupplier condition) {
        org.awaitility.Awaitility.await(what)
                .atMost(java.time.Duration.ofSeconds(30))
                .pollInterval(java.time.Duration.ofMillis(200))
                .until(condition::getAsBoolean);
    }

    private void fitsAPhone(String name) {
        browser.resize(Browser.PHONE_WIDTH);
        assertThat(browser.horizontalOverflow()).as(name + " at 390 px").isLessThanOrEqualTo(0);
        browser.resize(Browser.DESKTOP_WIDTH);
    }

    /**
     * Stage 2 end to end, as a tenant admin: a source with its secret shown once and rotated; an
     * endpoint created with the picker that receives a test event at a local receiver; the secret
     * revealed on demand; an inbound event in the logs replayed to the endpoint; a resend.
     */
    @Test
    void webhooksAndLogsWorkEndToEnd() throws Exception {
        String tenant = newTenant();
        String key = newKey(tenant, "admin");
        String ui = "/ui/tenants/" + tenant;
        try (var receiver = new dev.switchboard.testing.Receiver()) {
            browser.signIn(key);
            browser.clickToLoad(".nav a[href='" + ui + "/sources']");
            assertThat(browser.path()).isEqualTo(ui + "/sources");
            browser.find("#source-name").sendKeys("Billing");
            new Select(browser.find("#source-provider")).selectByValue("standard-webhooks");
            browser.clickToLoad("#source-form button");
            String first = browser.find("#shown-secret").getText();
            assertThat(first).startsWith("whsec_");
            assertThat(browser.find("#ingest-url").getText()).contains("/webhooks/src_");
            checkPage("source-created", key);
            browser.clickToLoad("form[action$='/rotate'] button");
            String second = browser.find("#shown-secret").getText();
            assertThat(second).startsWith("whsec_").isNotEqualTo(first);
            browser.clickToLoad("main > p > a");
            assertThat(browser.all("tr[data-source]")).hasSize(1);
            checkPage("sources", key, first, second);
            fitsAPhone("sources");

            // An endpoint for the test event and for the inbound event replayed below.
            browser.clickToLoad(".nav a[href='" + ui + "/endpoints']");
            browser.find("#endpoint-url").sendKeys(receiver.url("/hook"));
            browser.find("#endpoint-other").sendKeys("switchboard.test, none.order.created");
            browser.clickToLoad("#endpoint-form button[type=submit]");
            assertThat(browser.path()).startsWith(ui + "/endpoints/ep_");
            String endpointPath = browser.path();
            assertThat(browser.find("[role=status]").getText()).contains("Endpoint created");
            browser.clickToLoad("#send-test");
            assertThat(browser.find("[role=status]").getText()).contains("Test event");
            await(
                    "the test event",
                    () -> receiver.requests.stream().anyMatch(r -> r.text().contains("A test event")));
            browser.clickToLoad("#reveal-secret");
            String signing = browser.find("#shown-secret").getText();
            assertThat(signing).startsWith("whsec_");
            browser.open(endpointPath);
            assertThat(browser.html()).doesNotContain(signing);
            await("the attempt in the log", () -> {
                browser.open(endpointPath);
                return !browser.all("tr[data-attempt]").isEmpty();
            });
            checkPage("endpoint", key, signing);
            fitsAPhone("endpoint");

            // An unverified inbound event, routed to the endpoint that names its type.
            String open = api.post(
                            "/api/v1/tenants/" + tenant + "/sources", key, "{\"name\":\"Open\",\"provider\":\"none\"}")
                    .json()
                    .get("id")
                    .asString();
            var ingest = api.send(java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create(api.base() + "/webhooks/" + open))
                    .header("Content-Type", "application/json")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"type\":\"order.created\",\"n\":1}"))
                    .build());
            assertThat(ingest.status()).isEqualTo(200);
            String eventId = ingest.json().get("id").asString();
            await(
                    "the inbound event delivered",
                    () -> receiver.requests.stream()
                                    .filter(r -> r.text().contains(eventId))
                                    .count()
                            == 1);

            browser.clickToLoad(".nav a[href='" + ui + "/events']");
            assertThat(browser.all("tr[data-event='" + eventId + "']")).hasSize(1);
            checkPage("events", key, signing);
            fitsAPhone("events");
            browser.clickToLoad("tr[data-event='" + eventId + "'] a");
            assertThat(browser.find("#cloud-event").getText()).contains(eventId);
            assertThat(browser.find("#raw-body").getText()).contains("order.created");
            browser.clickToLoad("#replay");
            assertThat(browser.find("[role=status]").getText()).contains("run 2");
            await(
                    "the replay delivered",
                    () -> receiver.requests.stream()
                                    .filter(r -> r.text().contains(eventId))
                                    .count()
                            == 2);
            checkPage("event", key, signing);

            // The outbound log: the test message, then a resend of one delivery.
            browser.open(ui + "/messages");
            assertThat(browser.all("tr[data-message]")).hasSizeGreaterThanOrEqualTo(3);
            assertThat(browser.all("tr[data-message] .badge.status-succeeded")).isNotEmpty();
            checkPage("messages", key, signing);
            int before = receiver.requests.size();
            browser.clickToLoad("tr[data-message] a");
            browser.clickToLoad("form[action$='/resend'] button");
            assertThat(browser.find("[role=status]").isDisplayed()).isTrue();
            await("the resend", () -> receiver.requests.size() == before + 1);
            checkPage("message", key, signing);
            fitsAPhone("message");

            // A viewer of the same tenant: every page, no write control, no secret.
            String viewer = newKey(tenant, "viewer");
            browser.signIn(viewer);
            for (String page : new String[] {
                ui + "/sources",
                ui + "/endpoints",
                ui + "/events",
                ui + "/messages",
                endpointPath,
                ui + "/events/" + eventId
            }) {
                browser.open(page);
                assertThat(browser.all("form[method=post]"))
                        .as(page + ": only sign-out")
                        .hasSize(1);
                assertThat(browser.html()).as(page).doesNotContain(signing, first, second, "/hook");
            }
            checkPage("event-viewer", viewer, key);
            browser.open(ui + "/endpoints");
            checkPage("endpoints-viewer", viewer, key);
        }
    }

    /**
     * The setup wizard against a local provider double: a refused key shows the provider's answer and
     * keeps nothing secret in the page; the right key connects; the offered inbound source shows its
     * URL and secret once. Then the connections page's quick actions, and the analytics page.
     */
    @Test
    void theWizardConnectsAProviderAndTheConnectionsPageActsOnIt() throws Exception {
        String tenant = newTenant();
        String key = newKey(tenant, "admin");
        String ui = "/ui/tenants/" + tenant;
        String providerKey = "wiz-" + UUID.randomUUID().toString().substring(0, 8);
        try (var provider = new dev.switchboard.testing.Receiver()) {
            String definition = """
                    {"key":"%s","name":"Wizard Pay","category":"payment","authType":"api_key",
                     "authorizationUrl":null,"tokenUrl":null,"defaultScopes":[],
                     "apiBaseUrl":"%s","credentialFields":[{"name":"apiKey","label":"API key","secret":true},
                       {"name":"account","label":"Account","secret":false}],
                     "configFields":[],"auth":{"in":"header","name":"X-Api-Key","prefix":"","field":"apiKey"},
                     "headers":{},
                     "healthCheck":{"method":"GET","path":"/accounts/{account}/ping","expect":[200]},
                     "rateLimits":{"perSecond":5,"perMinute":null,"perHour":null,"perDay":null},
                     "webhookScheme":"standard-webhooks","docsUrl":null}""".formatted(providerKey, provider.url("/api"));
            assertThat(api.post("/api/v1/providers", ADMIN, definition).status())
                    .isEqualTo(201);
            try {
                browser.signIn(key);
                browser.clickToLoad(".nav a[href='" + ui + "/connections']");
                browser.clickToLoad("#connect-provider");
                // Typing narrows the list at once (app.js); the search form works without script too.
                browser.find("#provider-search").sendKeys(providerKey);
                assertThat(browser.all(".provider:not([hidden])")).hasSize(1);
                checkPage("wizard-providers", key);
                browser.clickToLoad(".provider[data-provider='" + providerKey + "'] a");

                provider.then(dev.switchboard.testing.Receiver.Answer.of(401));
                browser.find("#cred-apiKey").sendKeys("wrong-key-0123456789");
                browser.find("#cred-account").sendKeys("acc1");
                browser.clickToLoad("#connect-submit");
                // The review: what will be created, the secret masked, nothing saved yet.
                assertThat(browser.find("#review-provider").getText()).isEqualTo("Wizard Pay");
                assertThat(browser.find("#review-environment").getText()).isEqualTo("Live");
                assertThat(browser.find("[data-masked=true]").getText()).contains("hidden");
                assertThat(browser.find("#review").getText()).contains("acc1");
                assertThat(provider.requests).isEmpty();
                checkPage("wizard-review", "wrong-key-0123456789", key);
                fitsAPhone("wizard-review");
                // Back to change a detail: what was typed is there, except the secret.
                browser.clickToLoad("#review-change");
                assertThat(browser.find("#cred-account").getAttribute("value")).isEqualTo("acc1");
                assertThat(browser.find("#cred-apiKey").getAttribute("value")).isEmpty();
                browser.find("#cred-apiKey").sendKeys("wrong-key-0123456789");
                browser.clickToLoad("#connect-submit");
                browser.clickToLoad("#create-submit");
                assertThat(browser.find("#connect-error").getText()).contains("401");
                assertThat(browser.find("#cred-account").getAttribute("value")).isEqualTo("acc1");
                checkPage("wizard-refused", "wrong-key-0123456789", key);

                browser.find("#cred-apiKey").sendKeys("right-key-abcdef012345");
                browser.clickToLoad("#connect-submit");
                assertThat(browser.html()).doesNotContain("right-key-abcdef012345");
                browser.clickToLoad("#create-submit");
                assertThat(browser.find("[role=status]").getText()).contains("Wizard Pay");
                assertThat(provider.requests.getLast().header("X-Api-Key")).isEqualTo("right-key-abcdef012345");
                assertThat(provider.requests.getLast().path()).endsWith("/accounts/acc1/ping");
                checkPage("wizard-connected", "right-key-abcdef012345", key);

                // The offer: the provider's inbound source, its URL and secret shown once.
                browser.clickToLoad("#offer-source button");
                assertThat(browser.find("#shown-secret").getText()).startsWith("whsec_");
                assertThat(browser.find("#ingest-url").getText()).contains("/webhooks/src_");

                browser.open(ui + "/connections");
                assertThat(browser.all("tr[data-connection]")).hasSize(1);
                assertThat(browser.find("tr[data-connection] .badge.state-active")
                                .isDisplayed())
                        .isTrue();
                checkPage("connections", "right-key-abcdef012345", key);
                fitsAPhone("connections");
                browser.clickToLoad("form[action$='/check'] button");
                assertThat(browser.find("[role=status]").getText()).contains("healthy");
                browser.clickToLoad("form[action$='/suspend'] button");
                assertThat(browser.all("tr[data-connection] .badge.state-suspended"))
                        .hasSize(1);
                browser.clickToLoad("form[action$='/resume'] button");
                assertThat(browser.all("tr[data-connection] .badge.state-active"))
                        .hasSize(1);
                // Reconnecting a key-based connection takes new credentials, tried with the provider first.
                browser.clickToLoad("form[action$='/reconnect'] button");
                browser.find("#cred-apiKey").sendKeys("newer-key-abcdef012345");
                browser.find("#cred-account").sendKeys("acc1");
                browser.clickToLoad("#reconnect-submit");
                assertThat(browser.find("[role=status]").getText()).contains("reconnected");
                assertThat(provider.requests.getLast().header("X-Api-Key")).isEqualTo("newer-key-abcdef012345");
                assertThat(browser.html()).doesNotContain("newer-key-abcdef012345");
                // Disconnecting asks first: the button is inside a closed disclosure until opened.
                assertThat(browser.find("form[action$='/delete'] button").isDisplayed())
                        .isFalse();
                browser.find("details.confirm summary").click();
                browser.clickToLoad("form[action$='/delete'] button");
                assertThat(browser.all("tr[data-connection]")).isEmpty();
                assertThat(api.get("/api/v1/tenants/" + tenant + "/connections", key)
                                .json()
                                .get("data")
                                .size())
                        .isZero();

                browser.clickToLoad(".nav a[href='" + ui + "/analytics']");
                assertThat(browser.find("[data-stat=volume] .figure").getText()).matches("\\d+");
                assertThat(browser.all("canvas[data-chart]")).hasSizeGreaterThanOrEqualTo(2);
                checkPage("analytics", key);
                fitsAPhone("analytics");
                browser.clickToLoad(".tabs a[href$='period=quarter']");
                assertThat(browser.find(".tabs a[aria-current=page]").getText()).isEqualTo("Quarter");

                // A viewer sees the pages and no write control.
                browser.signIn(newKey(tenant, "viewer"));
                for (String page : new String[] {ui + "/connections", ui + "/analytics"}) {
                    browser.open(page);
                    assertThat(browser.all("form[method=post]")).as(page).hasSize(1);
                }
                checkPage("analytics-viewer");
            } finally {
                api.delete("/api/v1/providers/" + providerKey, ADMIN);
            }
        }
    }

    /**
     * The "done when", in one go, as a newcomer would: sign in with the admin key, create a
     * tenant, switch to it, connect a provider through the wizard, create an endpoint, send it a test
     * event, find the event in the logs, and see it counted in the analytics. No API call drives the
     * pages; the API is used only to look at what they did (and to declare the local provider double).
     */
    @Test
    void aNewcomerGoesFromSignInToATestEventInTheLogsAndTheAnalytics() throws Exception {
        String tenant = uniqueId();
        String ui = "/ui/tenants/" + tenant;
        String providerKey = "new-" + UUID.randomUUID().toString().substring(0, 8);
        try (var provider = new dev.switchboard.testing.Receiver();
                var receiver = new dev.switchboard.testing.Receiver()) {
            String definition = """
                    {"key":"%s","name":"Newcomer Pay","category":"payment","authType":"api_key",
                     "authorizationUrl":null,"tokenUrl":null,"defaultScopes":[],
                     "apiBaseUrl":"%s","credentialFields":[{"name":"apiKey","label":"API key","secret":true}],
                     "configFields":[],"auth":{"in":"header","name":"X-Api-Key","prefix":"","field":"apiKey"},
                     "headers":{},"healthCheck":{"method":"GET","path":"/ping","expect":[200]},
                     "rateLimits":{"perSecond":5,"perMinute":null,"perHour":null,"perDay":null},
                     "webhookScheme":"standard-webhooks","docsUrl":null}""".formatted(providerKey, provider.url("/api"));
            assertThat(api.post("/api/v1/providers", ADMIN, definition).status())
                    .isEqualTo(201);
            try {
                browser.signIn(ADMIN);
                browser.clickToLoad(".nav a[href='/ui/tenants']");
                browser.find("#tenant-name").sendKeys("Newcomer Ltd");
                browser.find("#tenant-id").sendKeys(tenant);
                browser.clickToLoad("form[action='/ui/tenants'] button");
                new Select(browser.find("#tenant-switch")).selectByValue(tenant);
                browser.clickToLoad(".switcher button");

                browser.open(ui + "/connections");
                browser.clickToLoad("#connect-provider");
                browser.find("#provider-search").sendKeys(providerKey);
                browser.clickToLoad(".provider[data-provider='" + providerKey + "'] a");
                browser.find("#cred-apiKey").sendKeys("newcomer-key-0123456789");
                browser.clickToLoad("#connect-submit");
                browser.clickToLoad("#create-submit");
                assertThat(browser.find("[role=status]").getText()).contains("Newcomer Pay");
                assertThat(provider.requests.getLast().header("X-Api-Key")).isEqualTo("newcomer-key-0123456789");

                browser.clickToLoad(".nav a[href='" + ui + "/endpoints']");
                browser.find("#endpoint-url").sendKeys(receiver.url("/hook"));
                browser.find("#endpoint-other").sendKeys("switchboard.test");
                browser.clickToLoad("#endpoint-form button[type=submit]");
                assertThat(browser.path()).startsWith(ui + "/endpoints/ep_");
                browser.clickToLoad("#send-test");
                await(
                        "the test event",
                        () -> receiver.requests.stream().anyMatch(r -> r.text().contains("A test event")));

                // Logs: the inbound log first, and from it the outbound one.
                browser.clickToLoad(".nav a[href='" + ui + "/events']");
                browser.clickToLoad("main a[href='" + ui + "/messages']");
                // The test event, beside the operational events the tenant's own actions emitted.
                assertThat(browser.all("tr[data-message]")).isNotEmpty();
                assertThat(browser.find("main table").getText()).contains("switchboard.test");
                await("the delivery shown as succeeded", () -> {
                    browser.open(ui + "/messages");
                    return !browser.all("tr[data-message] .badge.status-succeeded")
                            .isEmpty();
                });
                checkPage("newcomer-messages", ADMIN, "newcomer-key-0123456789");

                // The analytics are built from rollups on their own poll (3 s in the tests): reload until
                // the test event's attempt is counted (the wizard's health check is a provider call, which
                // the volume counts too, so the success rate of deliveries is the figure to wait for).
                org.awaitility.Awaitility.await("the test event in the analytics")
                        .atMost(java.time.Duration.ofSeconds(120))
                        .pollInterval(java.time.Duration.ofSeconds(2))
                        .until(() -> {
                            browser.open(ui + "/analytics?period=week");
                            return browser.find("[data-stat=success] .figure")
                                    .getText()
                                    .startsWith("100");
                        });
                assertThat(Long.parseLong(browser.find("[data-stat=volume] .figure")
                                .getText()
                                .replace(",", "")))
                        .isGreaterThanOrEqualTo(1);
                checkPage("newcomer-analytics", ADMIN, "newcomer-key-0123456789");
            } finally {
                api.delete("/api/v1/providers/" + providerKey, ADMIN);
            }
        }
    }
}
