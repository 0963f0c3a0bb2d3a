package dev.switchboard.approvals;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.Browser;
import dev.switchboard.testing.RequiresChromium;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.support.ui.Select;

/**
 * The approvals page in a real browser against the real server: the queue with its redacted
 * previews, an approval made with the form (its CSRF token) that sends the job, a four-eyes refusal
 * said on the page, a viewer who sees the queue without a control and whose forged post is refused,
 * in English and Arabic, with axe and screenshots.
 */
@RequiresChromium
class ApprovalPagesTest extends ApprovalTestBase {

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

    @Test
    void anAdminApprovesFromTheQueueAndAViewerOnlyReadsIt() {
        var settings = api.send(
                "PUT",
                base + "/approval-settings",
                ADMIN,
                "application/json",
                "{\"fourEyes\":true}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(settings.status()).isEqualTo(200);
        String first = queue(
                        "{\"method\":\"POST\",\"path\":\"/v1/charges\",\"headers\":{\"X-Api-Key\":\"tok_page_hidden\"},"
                                + "\"body\":{\"amount\":120,\"secret\":\"s3cr3t_page_hidden\"}}",
                        "\"approval\":{\"required\":true,\"reason\":\"first order\"},\"metadata\":{\"order\":\"o-1\"}")
                .get("id")
                .asString();
        String second = queue(
                        "{\"method\":\"DELETE\",\"path\":\"/v1/customers/cus_9\"}", "\"approval\":{\"required\":true}")
                .get("id")
                .asString();
        String ui = "/ui/tenants/" + tenant;

        // The approver: both requests listed, previews redacted; approving the first sends it.
        browser.signIn(approver);
        browser.clickToLoad(".nav a[href='" + ui + "/approvals']");
        assertThat(browser.all("section[data-approval]")).hasSize(2);
        assertThat(browser.find("section[data-approval='" + first + "'] h2").getText())
                .contains("POST /v1/charges");
        assertThat(browser.find("section[data-approval='" + first + "'] [data-preview-body]")
                        .getText())
                .contains("[redacted]");
        checkPage("approvals", approver, "tok_page_hidden", "s3cr3t_page_hidden", "sk_test_approval_4242");
        browser.find("#reason-" + first).sendKeys("order checked");
        browser.clickToLoad("section[data-approval='" + first + "'] button[data-approve]");
        assertThat(browser.find("[role=status]").getText()).isEqualTo("Approved: the job is queued to be sent.");
        assertThat(browser.all("section[data-approval]")).hasSize(1);
        awaitStatus(first, "succeeded");
        var decided = approval(first).get("decision");
        assertThat(decided.get("by").asString()).isEqualTo(approverId);
        assertThat(decided.get("via").asString()).isEqualTo("dashboard");
        assertThat(decided.get("reason").asString()).isEqualTo("order checked");

        // The decided ones, filtered.
        new Select(browser.find("#f-status")).selectByValue("approved");
        browser.clickToLoad("form[role=search] button");
        assertThat(browser.all("section[data-approval='" + first + "'] [data-approval-status]"))
                .hasSize(1);
        assertThat(browser.all("section[data-approval] form[method=post]")).isEmpty();
        checkPage("approvals-approved", approver);

        // The key that queued the second cannot approve it under four eyes: said on the page.
        browser.signIn(requester);
        browser.open(ui + "/approvals");
        browser.clickToLoad("section[data-approval='" + second + "'] button[data-approve]");
        assertThat(browser.find("[role=alert]").getText()).contains("Four eyes");
        assertThat(approval(second).get("status").asString()).isEqualTo("pending");

        // A viewer reads the queue with no control; a forged post (with a valid CSRF token) is refused.
        browser.signIn(viewer);
        browser.open(ui + "/approvals");
        assertThat(browser.all("section[data-approval]")).hasSize(1);
        assertThat(browser.all("section[data-approval] form[method=post]")).isEmpty();
        checkPage("approvals-viewer", viewer);
        String csrf = browser.find("meta[name=csrf-token]").getAttribute("content");
        assertThat(browser.fetchStatus(
                        "POST", ui + "/approvals/" + second + "/deny", "application/x-www-form-urlencoded", "", csrf))
                .isEqualTo(403);
        // Without the CSRF token, even an admin's post is refused.
        browser.signIn(approver);
        browser.open(ui + "/approvals");
        assertThat(browser.fetchStatus(
                        "POST", ui + "/approvals/" + second + "/deny", "application/x-www-form-urlencoded", "", null))
                .isEqualTo(403);
        assertThat(approval(second).get("status").asString()).isEqualTo("pending");

        // Arabic: right to left, every message found.
        browser.open(ui + "/approvals?lang=ar");
        assertThat(browser.find("html").getAttribute("dir")).isEqualTo("rtl");
        assertThat(browser.html()).doesNotContain("??");
        checkPage("approvals-ar");
        browser.open(ui + "/approvals?lang=en");
    }
}
