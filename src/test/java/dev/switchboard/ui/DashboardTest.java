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
}
