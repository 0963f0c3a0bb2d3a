package dev.switchboard.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.Browser;
import dev.switchboard.testing.Receiver;
import dev.switchboard.testing.RequiresChromium;
import dev.switchboard.testing.ServerTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.support.ui.Select;

/**
 * The operations pages in a real browser against the real server, one browser for the class: the
 * provider API outbox (cancel and retry against a local provider), the call log, alerts (a channel
 * created and tested against a local receiver, a rule), the audit log (tenant and platform) and the
 * job log, each for an admin and a viewer, in English and Arabic, with axe and screenshots. Also
 * writes the README's hub screenshot when asked ({@code -Dswitchboard.docs.hub=docs/images/hub.png}).
 */
@RequiresChromium
class OperationsPagesTest extends ServerTest {

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
        assertThat(html).as("missing messages on " + name).doesNotContain("??");
        assertThat(browser.seriousAccessibilityViolations())
                .as("axe-core serious/critical violations on " + name)
                .isEmpty();
        assertThat(browser.console())
                .as("browser console on " + name)
                .noneMatch(line -> line.contains("Content Security Policy") || line.contains("Uncaught"));
        browser.screenshots(name);
    }

    /** The same page in Arabic: right to left, every message found; then back to English. */
    private void inArabic(String path) {
        browser.open(path + (path.contains("?") ? "&" : "?") + "lang=ar");
        assertThat(browser.find("html").getAttribute("dir")).isEqualTo("rtl");
        assertThat(browser.html()).as("missing Arabic messages on " + path).doesNotContain("??");
        browser.open(path + (path.contains("?") ? "&" : "?") + "lang=en");
    }

    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for " + what);
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /** An API-key connection to a provider whose API is the given local receiver. */
    private String connect(String tenant, Receiver providerApi) {
        String providerKey = "ops-" + UUID.randomUUID().toString().substring(0, 8);
        String definition = """
                {"key":"%s","name":"Ops API","category":"infrastructure","authType":"api_key",
                 "authorizationUrl":null,"tokenUrl":null,"defaultScopes":[],
                 "apiBaseUrl":"%s","credentialFields":[{"name":"apiKey","label":"API key","secret":true}],
                 "configFields":[],"auth":{"in":"header","name":"Authorization","prefix":"Bearer ","field":"apiKey"},
                 "headers":{},"healthCheck":null,
                 "rateLimits":{"perSecond":null,"perMinute":null,"perHour":null,"perDay":null},
                 "webhookScheme":null,"docsUrl":null,"idempotencyHeader":"Idempotency-Key"}""".formatted(providerKey, providerApi.url("/v1"));
        var added = api.post("/api/v1/providers", ADMIN, definition);
        assertThat(added.status()).as(added.toString()).isEqualTo(201);
        var c = api.post(
                "/api/v1/tenants/" + tenant + "/connections",
                ADMIN,
                "{\"provider\":\"" + providerKey
                        + "\",\"name\":\"Ops\",\"credentials\":{\"apiKey\":\"sk_test_ops_secret_77\"}}");
        assertThat(c.status()).as(c.toString()).isEqualTo(201);
        return c.json().get("id").asString();
    }

    private String jobStatus(String tenant, String job) {
        return api.get("/api/v1/tenants/" + tenant + "/outbox/" + job, ADMIN)
                .json()
                .get("status")
                .asString();
    }

    @Test
    void theOutboxCancelsAndRetriesJobsAndTheCallLogShowsTheCalls() throws Exception {
        String tenant = newTenant();
        String key = newKey(tenant, "admin");
        String ui = "/ui/tenants/" + tenant;
        try (var providerApi = new Receiver()) {
            String connection = connect(tenant, providerApi);
            String outbox = "/api/v1/tenants/" + tenant + "/outbox";
            // One job waits an hour (cancellable); one fails at its only attempt (retryable).
            var later = api.post(
                    outbox,
                    key,
                    "{\"connection\":\"" + connection + "\",\"request\":{\"method\":\"GET\",\"path\":\"/later\"},"
                            + "\"notBefore\":\"" + clock.instant().plus(Duration.ofHours(1)) + "\"}");
            assertThat(later.status()).as(later.toString()).isEqualTo(202);
            String waiting = later.json().get("id").asString();
            providerApi.then(Receiver.Answer.of(500));
            var failing = api.post(
                    outbox,
                    key,
                    "{\"connection\":\"" + connection + "\",\"request\":{\"method\":\"POST\",\"path\":\"/refunds\","
                            + "\"body\":{\"amount\":5}},\"maxAttempts\":1,\"priority\":2}");
            assertThat(failing.status()).as(failing.toString()).isEqualTo(202);
            String failed = failing.json().get("id").asString();
            await("the job to fail", () -> jobStatus(tenant, failed).equals("failed"));

            browser.signIn(key);
            browser.clickToLoad(".nav a[href='" + ui + "/outbox']");
            assertThat(browser.all("tr[data-job]")).hasSize(2);
            new Select(browser.find("#f-status")).selectByValue("failed");
            browser.clickToLoad("form[role=search] button");
            assertThat(browser.all("tr[data-job]")).hasSize(1);
            assertThat(browser.find("tr[data-job] .badge").getText()).isEqualTo("Failed");
            checkPage("outbox", key);
            new Select(browser.find("#f-status")).selectByValue("");
            new Select(browser.find("#f-priority")).selectByValue("2");
            browser.clickToLoad("form[role=search] button");
            assertThat(browser.all("tr[data-job='" + failed + "']")).hasSize(1);
            assertThat(browser.all("tr[data-job]")).hasSize(1);

            // The failed job, with its attempt: retried, it reaches the provider and succeeds.
            browser.clickToLoad("tr[data-job='" + failed + "'] a");
            assertThat(browser.all("tr[data-attempt]")).hasSize(1);
            assertThat(browser.all("form[action$='/cancel']")).isEmpty();
            checkPage("outbox-job", key, "sk_test_ops_secret_77");
            browser.clickToLoad("form[action$='/retry'] button");
            assertThat(browser.find("[role=status]").getText()).isEqualTo("The job is queued again.");
            await("the retried job to succeed", () -> jobStatus(tenant, failed).equals("succeeded"));
            assertThat(providerApi.requests).hasSize(2);

            // The waiting job: cancelled from its page.
            browser.open(ui + "/outbox/" + waiting);
            assertThat(browser.all("form[action$='/retry']")).isEmpty();
            browser.clickToLoad("form[action$='/cancel'] button");
            assertThat(browser.find("[data-job-status]").getText()).isEqualTo("Cancelled");
            assertThat(jobStatus(tenant, waiting)).isEqualTo("cancelled");
            inArabic(ui + "/outbox/" + waiting);

            // The call log has both calls to the provider; the path search finds one, and its page.
            browser.open(ui + "/events");
            browser.clickToLoad("a[href='" + ui + "/calls']");
            assertThat(browser.find(".nav a[aria-current=page]").getAttribute("href"))
                    .endsWith(ui + "/events");
            assertThat(browser.all("tr[data-call]")).hasSize(2);
            checkPage("calls", key, "sk_test_ops_secret_77");
            browser.find("#f-q").sendKeys("refunds");
            new Select(browser.find("#f-status")).selectByValue("2xx");
            browser.clickToLoad("form[role=search] button");
            assertThat(browser.all("tr[data-call]")).hasSize(1);
            // The list refreshes in place (every 10 s on the page; asked for at once here), keeping its filters.
            assertThat(browser.htmx("GET", ui + "/calls?q=refunds&status=2xx", "#log", "#log", java.util.Map.of()))
                    .isEqualTo(200);
            assertThat(browser.all("tr[data-call]")).hasSize(1);
            browser.clickToLoad("tr[data-call] a");
            assertThat(browser.find("h1").getText()).isEqualTo("Provider call");
            checkPage("call", key, "sk_test_ops_secret_77");
            inArabic(ui + "/calls");

            // A viewer sees the same pages with no write control, and a forged cancel is refused.
            String viewer = newKey(tenant, "viewer");
            browser.signIn(viewer);
            for (String page : new String[] {ui + "/outbox", ui + "/outbox/" + failed, ui + "/calls"}) {
                browser.open(page);
                assertThat(browser.all("form[method=post]")).as(page).hasSize(1);
            }
            browser.open(ui + "/outbox/" + failed);
            checkPage("outbox-job-viewer", viewer);
            String csrf = browser.find("meta[name=csrf-token]").getAttribute("content");
            assertThat(browser.fetchStatus(
                            "POST", ui + "/outbox/" + failed + "/retry", "application/x-www-form-urlencoded", "", csrf))
                    .isEqualTo(403);
        }
    }

    @Test
    void anAlertChannelIsCreatedAndTestedAgainstALocalReceiverAndARuleAdded() throws Exception {
        String tenant = newTenant();
        String key = newKey(tenant, "admin");
        String ui = "/ui/tenants/" + tenant;
        try (var receiver = new Receiver()) {
            String url = receiver.url("/alerts/hook-secret-path");
            browser.signIn(key);
            browser.clickToLoad(".nav a[href='" + ui + "/alerts']");
            assertThat(browser.all("tr[data-channel]")).isEmpty();
            browser.find("#channel-name").sendKeys("On call");
            new Select(browser.find("#channel-kind")).selectByValue("webhook");
            browser.find("#channel-url").sendKeys(url);
            browser.clickToLoad("#channel-form button");
            assertThat(browser.find("[role=status]").getText()).isEqualTo("Channel On call added.");
            assertThat(browser.all("tr[data-channel]")).hasSize(1);
            // The URL is a hint only: its path is not on the page.
            assertThat(browser.find("tr[data-channel] code").getText()).endsWith("…path");

            browser.clickToLoad("form[action$='/test'] button");
            assertThat(browser.find("[role=status]").getText()).isEqualTo("A test alert is on its way to On call.");
            await("the test alert at the receiver", () -> !receiver.requests.isEmpty());
            assertThat(new String(receiver.requests.getFirst().body(), StandardCharsets.UTF_8))
                    .contains("switchboard.alert");
            await("the send to be marked sent", () -> {
                browser.open(ui + "/alerts");
                return browser.all("[data-send] .badge.send-sent").size() == 1;
            });
            assertThat(browser.all("tr[data-alert]")).hasSize(1);

            new Select(browser.find("#rule-kind")).selectByValue("endpoint_disabled");
            browser.clickToLoad("#rule-form button");
            assertThat(browser.find("[role=status]").getText()).isEqualTo("Rule added.");
            assertThat(browser.find("tr[data-rule] td").getText()).isEqualTo("An endpoint is disabled");
            checkPage("alerts", key, "hook-secret-path");

            // A refused channel keeps what was typed, except the URL.
            browser.find("#channel-name").sendKeys("Bad");
            browser.find("#channel-url").sendKeys("http://example.invalid/x");
            new Select(browser.find("#channel-kind")).selectByValue("slack");
            browser.clickToLoad("#channel-form button");
            assertThat(browser.all("[role=alert]")).hasSize(1);
            assertThat(browser.find("#channel-name").getAttribute("value")).isEqualTo("Bad");
            assertThat(browser.find("#channel-url").getAttribute("value")).isEmpty();
            inArabic(ui + "/alerts");

            String viewer = newKey(tenant, "viewer");
            browser.signIn(viewer);
            browser.open(ui + "/alerts");
            assertThat(browser.all("tr[data-channel]")).hasSize(1);
            assertThat(browser.all("form[method=post]")).hasSize(1);
            assertThat(browser.all("main input, main select")).isEmpty();
            checkPage("alerts-viewer", viewer, "hook-secret-path");
        }
    }

    @Test
    void aPlatformAdminManagesThePlatformsChannelsAndRulesAndNoTenantCallerReachesThem() throws Exception {
        String tenant = newTenant();
        String key = newKey(tenant, "admin");
        String name = "Platform on call " + UUID.randomUUID().toString().substring(0, 6);
        try (var receiver = new Receiver()) {
            String url = receiver.url("/platform/hook-secret-path");
            browser.signIn(ADMIN);
            browser.clickToLoad(".nav a[href='/ui/alerts']");
            assertThat(browser.find("h1").getText()).isEqualTo("Platform alerts");
            browser.find("#channel-name").sendKeys(name);
            new Select(browser.find("#channel-kind")).selectByValue("webhook");
            browser.find("#channel-url").sendKeys(url);
            browser.clickToLoad("#channel-form button");
            assertThat(browser.find("[role=status]").getText()).isEqualTo("Channel " + name + " added.");
            String channel = api.get("/api/v1/alert-channels?limit=1000", ADMIN)
                    .json()
                    .get("data")
                    .valueStream()
                    .filter(c -> c.get("name").asString().equals(name))
                    .findFirst()
                    .orElseThrow()
                    .get("id")
                    .asString();
            String row = "tr[data-channel='" + channel + "']";
            assertThat(browser.find(row + " code").getText()).endsWith("…path");
            // Not a tenant's channel: the tenant's API does not list it.
            assertThat(api.get("/api/v1/tenants/" + tenant + "/alert-channels", key)
                            .json()
                            .get("data"))
                    .isEmpty();

            browser.clickToLoad(row + " form[action$='/test'] button");
            assertThat(browser.find("[role=status]").getText())
                    .isEqualTo("A test alert is on its way to " + name + ".");
            await("the platform's test alert at the receiver", () -> !receiver.requests.isEmpty());

            // A platform-only kind is offered here (and only here).
            new Select(browser.find("#rule-kind")).selectByValue("job_failed");
            browser.clickToLoad("#rule-form button");
            assertThat(browser.find("[role=status]").getText()).isEqualTo("Rule added.");
            String rule = api.get("/api/v1/alert-rules?limit=1000", ADMIN)
                    .json()
                    .get("data")
                    .valueStream()
                    .filter(r -> r.get("kind").asString().equals("job_failed"))
                    .findFirst()
                    .orElseThrow()
                    .get("id")
                    .asString();
            assertThat(browser.find("tr[data-rule='" + rule + "'] td").getText())
                    .isEqualTo("A background job fails");
            checkPage("alerts-platform", ADMIN, "hook-secret-path");
            inArabic("/ui/alerts");
            // A form post without the CSRF token is refused.
            assertThat(browser.fetchStatus(
                            "POST",
                            "/ui/alerts/rules/" + rule + "/delete",
                            "application/x-www-form-urlencoded",
                            "",
                            null))
                    .isEqualTo(403);
            assertThat(jdbc.sql("SELECT count(*) FROM audit_log WHERE action LIKE 'ui.alerts.%' AND outcome = 'success'"
                                    + " AND target_id IN (:ids)")
                            .param("ids", java.util.List.of(channel, rule))
                            .query(Long.class)
                            .single())
                    .as("the test and the platform's writes are audited")
                    .isGreaterThanOrEqualTo(1);

            // Tenant callers, admin or viewer: no link, a refused page, refused writes.
            for (String tenantKey : new String[] {key, newKey(tenant, "viewer")}) {
                browser.signIn(tenantKey);
                assertThat(browser.all(".nav a[href='/ui/alerts']")).isEmpty();
                browser.open("/ui/alerts");
                assertThat(browser.find("h1").getText()).isNotEqualTo("Platform alerts");
                assertThat(browser.html()).doesNotContain(name);
                String csrf = browser.find("meta[name=csrf-token]").getAttribute("content");
                assertThat(browser.fetchStatus(
                                "POST",
                                "/ui/alerts/channels/" + channel + "/delete",
                                "application/x-www-form-urlencoded",
                                "",
                                csrf))
                        .isEqualTo(403);
            }

            // Deleted from the page, so the platform's channels are as they were for other tests.
            browser.signIn(ADMIN);
            browser.open("/ui/alerts");
            browser.clickToLoad("tr[data-rule='" + rule + "'] form[action$='/delete'] button");
            assertThat(browser.find("[role=status]").getText()).isEqualTo("Rule deleted.");
            browser.clickToLoad(row + " form[action$='/delete'] button");
            assertThat(browser.find("[role=status]").getText()).isEqualTo("Channel deleted.");
            assertThat(browser.all(row)).isEmpty();
        }
    }

    @Test
    void theAuditLogAndTheJobLogShowWhatHappenedToTheRightPeople() {
        String tenant = newTenant();
        String key = newKey(tenant, "admin");
        String ui = "/ui/tenants/" + tenant;
        assertThat(api.post("/api/v1/tenants/" + tenant + "/sources", key, "{\"name\":\"s\",\"provider\":\"none\"}")
                        .status())
                .isEqualTo(201);

        browser.signIn(key);
        browser.clickToLoad(".nav a[href='" + ui + "/audit']");
        assertThat(browser.all("tr[data-entry]")).isNotEmpty();
        browser.find("#f-action").sendKeys("source");
        new Select(browser.find("#f-outcome")).selectByValue("success");
        browser.clickToLoad("form[role=search] button");
        assertThat(browser.all("tr[data-entry]")).hasSize(1);
        assertThat(browser.find("tr[data-entry] td:nth-child(2) code").getText())
                .startsWith("source");
        checkPage("audit", key);
        inArabic(ui + "/audit");
        // The platform's pages are not a tenant's.
        browser.open("/ui/jobs");
        assertThat(browser.find("h1").getText()).isNotEqualTo("Job log");
        assertThat(browser.all(".nav a[href='/ui/jobs']")).isEmpty();

        String viewer = newKey(tenant, "viewer");
        browser.signIn(viewer);
        browser.open(ui + "/audit");
        assertThat(browser.all("tr[data-entry]")).isNotEmpty();
        assertThat(browser.all("form[method=post]")).hasSize(1);
        checkPage("audit-viewer", viewer);

        browser.signIn(ADMIN);
        browser.clickToLoad(".nav a[href='/ui/audit']");
        browser.find("#f-tenant").sendKeys(tenant);
        browser.clickToLoad("form[role=search] button");
        assertThat(browser.all("tr[data-entry]")).isNotEmpty();
        assertThat(browser.all("tr[data-entry] td:nth-child(2)"))
                .allMatch(td -> td.getText().equals(tenant));
        checkPage("audit-platform", ADMIN);
        browser.clickToLoad(".nav a[href='/ui/jobs']");
        assertThat(browser.find("h1").getText()).isEqualTo("Job log");
        new Select(browser.find("#f-failed")).selectByValue("true");
        browser.clickToLoad("form[role=search] button");
        assertThat(browser.all("tr[data-run] .badge.ok")).isEmpty();
        checkPage("jobs", ADMIN);
        inArabic("/ui/jobs");
    }

    /**
     * The hub of a tenant with some traffic, at desktop width. With
     * {@code -Dswitchboard.docs.hub=docs/images/hub.png} it is also written there, for the README.
     */
    @Test
    void theHubOfATenantWithTraffic() throws Exception {
        String tenant = "acme-" + UUID.randomUUID().toString().substring(0, 6);
        assertThat(api.post("/api/v1/tenants", ADMIN, "{\"id\":\"" + tenant + "\",\"name\":\"Acme Inc\"}")
                        .status())
                .isEqualTo(201);
        String key = newKey(tenant, "admin");
        try (var providerApi = new Receiver();
                var customer = new Receiver()) {
            connect(tenant, providerApi);
            // The customer's endpoint first, so that it receives the events ingested below (unverified
            // events go only to endpoints that name their type).
            assertThat(api.post(
                                    "/api/v1/tenants/" + tenant + "/endpoints",
                                    key,
                                    "{\"url\":\"" + customer.url("/hooks")
                                            + "\",\"description\":\"Customer app\",\"eventTypes\":[\"none.order.paid\"]}")
                            .status())
                    .isEqualTo(201);
            for (String name : new String[] {"Payments", "Repositories"}) {
                var s = api.post(
                        "/api/v1/tenants/" + tenant + "/sources",
                        key,
                        "{\"name\":\"" + name + "\",\"provider\":\"none\"}");
                String source = s.json().get("id").asString();
                for (int i = 0; i < 3; i++) {
                    assertThat(api.send(
                                            "POST",
                                            "/webhooks/" + source,
                                            null,
                                            "application/json",
                                            ("{\"type\":\"order.paid\",\"n\":" + i + "}")
                                                    .getBytes(StandardCharsets.UTF_8))
                                    .status())
                            .isLessThan(300);
                }
            }
            org.awaitility.Awaitility.await("six deliveries")
                    .atMost(java.time.Duration.ofSeconds(60))
                    .until(() -> customer.requests.size() == 6);
            // The platform admin's view of the tenant: every card, and the whole navigation.
            browser.signIn(ADMIN);
            new Select(browser.find("#tenant-switch")).selectByValue(tenant);
            browser.clickToLoad(".switcher button");
            browser.open("/");
            assertThat(browser.find("h1").getText()).isEqualTo("Overview");
            assertThat(browser.find("[data-stat=sources] .figure").getText()).isEqualTo("2");
            // Today's cards once the rollup job's next run (its own poll) has the six events and their deliveries.
            org.awaitility.Awaitility.await("today's cards")
                    .atMost(java.time.Duration.ofSeconds(120))
                    .pollInterval(java.time.Duration.ofSeconds(2))
                    .until(() -> {
                        browser.open("/");
                        return browser.find("[data-stat=events-today] .figure")
                                        .getText()
                                        .equals("6")
                                && browser.find("[data-stat=deliveries-today] .figure")
                                        .getText()
                                        .equals("6");
                    });
            assertThat(browser.find("[data-stat=dead-letters] .figure").getText())
                    .isEqualTo("0");
            checkPage("hub-traffic", key, ADMIN);
            String target = System.getProperty("switchboard.docs.hub");
            if (target != null && !target.isBlank()) {
                browser.resize(Browser.DESKTOP_WIDTH);
                Path file = Path.of(target);
                Files.createDirectories(file.toAbsolutePath().getParent());
                Files.copy(
                        browser.driver()
                                .getScreenshotAs(org.openqa.selenium.OutputType.FILE)
                                .toPath(),
                        file,
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                assertThat(Files.size(file)).isLessThan(300_000);
            }
            disableEndpoints(tenant);
        }
    }
}
