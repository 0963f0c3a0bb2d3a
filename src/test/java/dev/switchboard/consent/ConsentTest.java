package dev.switchboard.consent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.switchboard.testing.Api;
import dev.switchboard.testing.Receiver;
import dev.switchboard.testing.ServerTest;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * Consent over HTTP, end to end: contacts sealed and masked, the outbox's check at enqueue and just
 * before send (a Resend connection whose API is a local receiver), the RFC 8058 one-click link and its
 * headers, preferences, export and erasure, tenant scoping, and the audit trail.
 */
class ConsentTest extends ServerTest {

    static final String EMAIL = "jenny.rosen@example.com";
    static final String PHONE = "+14155550142";
    static final String EXTERNAL = "crm-000042";

    Receiver resend;
    String tenant;
    String contacts;
    String connection;
    final ListAppender<ILoggingEvent> logs = new ListAppender<>();

    @BeforeEach
    void setUp() throws Exception {
        clock.reset();
        logs.start();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(logs);
        resend = new Receiver();
        tenant = newTenant();
        contacts = "/api/v1/tenants/" + tenant + "/contacts";
        var c = api.post(
                "/api/v1/tenants/" + tenant + "/connections",
                ADMIN,
                "{\"provider\":\"resend\",\"name\":\"Mail\",\"credentials\":{\"apiKey\":\"re_test_secret_4242\"},"
                        + "\"config\":{\"baseUrl\":\"" + resend.url("") + "\"}}");
        assertThat(c.status()).as(c.toString()).isEqualTo(201);
        connection = c.json().get("id").asString();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> api.get("/api/v1/tenants/" + tenant + "/connections/" + connection, ADMIN)
                        .json()
                        .get("state")
                        .asString()
                        .equals("active"));
        resend.requests.clear();
    }

    @AfterEach
    void tearDown() {
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
        // Nothing personal in any log line written while the test ran.
        for (ILoggingEvent e : logs.list) {
            String line = e.getFormattedMessage()
                    + (e.getThrowableProxy() == null
                            ? ""
                            : e.getThrowableProxy().getMessage());
            assertThat(line).doesNotContain(EMAIL).doesNotContain(PHONE).doesNotContain(EXTERNAL);
        }
        for (JsonNode j : api.get("/api/v1/tenants/" + tenant + "/outbox?limit=1000", ADMIN)
                .json()
                .get("data")) {
            if (j.get("status").asString().equals("queued")) {
                api.post("/api/v1/tenants/" + tenant + "/outbox/" + j.get("id").asString() + "/cancel", ADMIN, null);
            }
        }
        resend.close();
        clock.reset();
    }

    private String contact(String consents) {
        var r = api.post(
                contacts,
                ADMIN,
                "{\"externalId\":\"" + EXTERNAL + "\",\"email\":\"" + EMAIL + "\",\"phone\":\"" + PHONE
                        + "\",\"source\":\"signup-form\",\"consents\":" + consents + "}");
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.json().get("id").asString();
    }

    private static String granted(String channel, String purpose) {
        return "{\"channel\":\"" + channel + "\",\"purpose\":\"" + purpose
                + "\",\"status\":\"granted\",\"evidence\":\"checkbox on /signup\"}";
    }

    private Api.Response queue(String contact, String purpose, String extra) {
        return api.post(
                "/api/v1/tenants/" + tenant + "/outbox",
                ADMIN,
                "{\"connection\":\"" + connection + "\",\"request\":{\"method\":\"POST\",\"path\":\"/emails\","
                        + "\"body\":{\"from\":\"Acme <news@mail.acme.test>\",\"to\":[\"" + EMAIL
                        + "\"],\"subject\":\"Hello\",\"html\":\"<p>Hi</p>\"}},"
                        + "\"consent\":{\"contact\":\"" + contact + "\",\"channel\":\"email\",\"purpose\":\"" + purpose
                        + "\"}" + (extra == null ? "" : "," + extra) + "}");
    }

    private JsonNode awaitJob(String id, String status) {
        JsonNode[] last = new JsonNode[1];
        await().atMost(Duration.ofSeconds(15))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    last[0] = api.get("/api/v1/tenants/" + tenant + "/outbox/" + id, ADMIN)
                            .json();
                    return last[0].get("status").asString().equals(status);
                });
        return last[0];
    }

    private String consentStatus(String contact, String channel, String purpose) {
        return api.get(
                        "/api/v1/tenants/" + tenant + "/consent/can-send?contact=" + contact + "&channel=" + channel
                                + "&purpose=" + purpose,
                        ADMIN)
                .json()
                .get("consent")
                .asString();
    }

    @Test
    void contactsAreSealedAtRestAndMaskedInEveryView() {
        String id = contact("[" + granted("email", "marketing") + "]");
        var one = api.get(contacts + "/" + id, ADMIN);
        assertThat(one.json().get("email").asString()).isEqualTo("j***@example.com");
        assertThat(one.json().get("phone").asString()).isEqualTo("+*********42");
        assertThat(one.json().get("externalId").asString()).isEqualTo("cr***");
        var list = api.get(contacts, ADMIN);
        var found = api.get(contacts + "?externalId=" + EXTERNAL, ADMIN);
        var consent = api.get(contacts + "/" + id + "/consent", ADMIN);
        for (var r : java.util.List.of(one, list, found, consent)) {
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).doesNotContain(EMAIL).doesNotContain(PHONE).doesNotContain(EXTERNAL);
        }
        assertThat(found.json().get("data").get(0).get("id").asString()).isEqualTo(id);
        // The history: when, from where, and the evidence.
        JsonNode change = consent.json().get("history").get(0);
        assertThat(change.get("status").asString()).isEqualTo("granted");
        assertThat(change.get("source").asString()).isEqualTo("signup-form");
        assertThat(change.get("evidence").asString()).isEqualTo("checkbox on /signup");
        assertThat(change.get("at").asString()).isNotEmpty();
        // At rest: nothing readable in any column of the contact's row.
        var row = jdbc.sql("SELECT * FROM contacts WHERE id = :id")
                .param("id", id)
                .query()
                .singleRow();
        for (Object v : row.values()) {
            String s = v instanceof byte[] b ? new String(b, StandardCharsets.ISO_8859_1) : String.valueOf(v);
            assertThat(s)
                    .doesNotContain(EMAIL)
                    .doesNotContain("jenny")
                    .doesNotContain(PHONE)
                    .doesNotContain(EXTERNAL);
        }
        // The export of a data-subject request is the one readable view.
        var export = api.post(contacts + "/" + id + "/export", ADMIN, null);
        assertThat(export.status()).isEqualTo(200);
        assertThat(export.json().get("email").asString()).isEqualTo(EMAIL);
        assertThat(export.json().get("phone").asString()).isEqualTo(PHONE);
        assertThat(export.json().get("externalId").asString()).isEqualTo(EXTERNAL);
        assertThat(export.json().get("history").size()).isEqualTo(1);
        // A viewer reads masked contacts, but may not export or change them.
        String viewer = newKey(tenant, "viewer");
        assertThat(api.get(contacts + "/" + id, viewer).status()).isEqualTo(200);
        assertThat(api.post(contacts + "/" + id + "/export", viewer, null).status())
                .isEqualTo(403);
        // Another tenant's contact is not there at all.
        String other = newTenant();
        String otherKey = newKey(other, "admin");
        assertThat(api.get("/api/v1/tenants/" + other + "/contacts/" + id, otherKey)
                        .status())
                .isEqualTo(404);
        assertThat(api.get("/api/v1/tenants/" + other + "/contacts/" + id + "/consent", otherKey)
                        .status())
                .isEqualTo(404);
        assertThat(api.post("/api/v1/tenants/" + other + "/contacts/" + id + "/erase", otherKey, null)
                        .status())
                .isEqualTo(404);
        // A duplicate external id is refused; bad input is a 400 with the field named.
        assertThat(api.post(contacts, ADMIN, "{\"externalId\":\"" + EXTERNAL + "\"}")
                        .status())
                .isEqualTo(409);
        var bad = api.post(contacts, ADMIN, "{\"email\":\"not-an-address\"}");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body()).contains("email").doesNotContain("not-an-address");
        // Audited: the create and the export, by name, with no values.
        var audit = api.get("/api/v1/tenants/" + tenant + "/audit?action=contact", ADMIN);
        assertThat(audit.body())
                .contains("contact.create")
                .contains("contact.export")
                .doesNotContain(EMAIL);
    }

    @Test
    void aJobWithoutConsentIsRefusedAndNothingIsQueued() {
        String id = contact("[" + granted("email", "transactional") + "]");
        var refused = queue(id, "marketing", null);
        assertThat(refused.status()).as(refused.toString()).isEqualTo(403);
        assertThat(refused.json().get("code").asString()).isEqualTo("consent_missing");
        assertThat(api.get("/api/v1/tenants/" + tenant + "/outbox", ADMIN)
                        .json()
                        .get("data")
                        .size())
                .isZero();
        assertThat(queue("ct_nobody", "marketing", null).status()).isEqualTo(404);
        var malformed = api.post(
                "/api/v1/tenants/" + tenant + "/outbox",
                ADMIN,
                "{\"connection\":\"" + connection + "\",\"request\":{\"method\":\"POST\",\"path\":\"/emails\"},"
                        + "\"consent\":{\"contact\":\"" + id + "\",\"channel\":\"E-Mail\",\"purpose\":\"marketing\"}}");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.body()).contains("consent.channel");
        assertThat(api.get("/api/v1/tenants/" + tenant + "/outbox", ADMIN)
                        .json()
                        .get("data")
                        .size())
                .isZero();
        assertThat(sends()).isZero();
    }

    @Test
    void consentWithdrawnBetweenQueueAndSendBlocksTheJob() {
        String id = contact("[" + granted("email", "marketing") + "]");
        Instant later = clock.instant().plus(Duration.ofHours(1));
        var queued = queue(id, "marketing", "\"notBefore\":\"" + later + "\"");
        assertThat(queued.status()).as(queued.toString()).isEqualTo(202);
        String job = queued.json().get("id").asString();
        var withdrawn = api.post(
                contacts + "/" + id + "/consent",
                ADMIN,
                "{\"channel\":\"email\",\"purpose\":\"marketing\",\"status\":\"withdrawn\",\"source\":\"support-call\"}");
        assertThat(withdrawn.status()).as(withdrawn.toString()).isEqualTo(200);
        clock.advance(Duration.ofHours(2));
        JsonNode blocked = awaitJob(job, "blocked");
        assertThat(blocked.get("lastError").asString()).contains("withdrew the consent");
        assertThat(blocked.get("attempts").asInt()).isZero();
        // Health checks may run meanwhile (the clock moved two hours); no e-mail was sent.
        assertThat(sends()).as("e-mails sent at the provider").isZero();
        assertThat(api.get("/api/v1/tenants/" + tenant + "/outbox?status=blocked", ADMIN)
                        .json()
                        .get("data")
                        .size())
                .isEqualTo(1);
    }

    @Test
    void emailJobsCarryOneClickHeadersAndThePostWithdraws() throws Exception {
        String id = contact("[" + granted("email", "marketing") + "]");
        var queued = queue(id, "marketing", null);
        assertThat(queued.status()).as(queued.toString()).isEqualTo(202);
        awaitJob(queued.json().get("id").asString(), "succeeded");
        assertThat(sends()).isEqualTo(1);
        JsonNode sent = Api.JSON.readTree(resend.requests.stream()
                .filter(r -> r.path().endsWith("/emails"))
                .findFirst()
                .orElseThrow()
                .body());
        String listUnsubscribe = sent.get("headers").get("List-Unsubscribe").asString();
        assertThat(listUnsubscribe)
                .startsWith("<" + api.base() + "/unsubscribe/")
                .endsWith(">");
        assertThat(sent.get("headers").get("List-Unsubscribe-Post").asString()).isEqualTo("List-Unsubscribe=One-Click");
        assertThat(sent.get("subject").asString()).isEqualTo("Hello");
        String link = listUnsubscribe.substring(1, listUnsubscribe.length() - 1);

        // Opening the link shows a page and changes nothing (scanners open links).
        var page = api.send(HttpRequest.newBuilder(URI.create(link)).GET().build());
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.header("Content-Security-Policy")).contains("default-src 'self'");
        assertThat(page.body()).contains("List-Unsubscribe").contains("One-Click");
        assertThat(consentStatus(id, "email", "marketing")).isEqualTo("granted");

        // A POST without the one-click body changes nothing either.
        assertThat(oneClick(link, "List-Unsubscribe=Maybe").status()).isEqualTo(400);
        assertThat(consentStatus(id, "email", "marketing")).isEqualTo("granted");

        // RFC 8058: the mail client's POST, no login.
        var done = oneClick(link, "List-Unsubscribe=One-Click");
        assertThat(done.status()).isEqualTo(200);
        assertThat(done.body()).contains("unsubscribed");
        assertThat(consentStatus(id, "email", "marketing")).isEqualTo("withdrawn");
        assertThat(consentStatus(id, "email", "transactional")).isEqualTo("missing");
        JsonNode history =
                api.get(contacts + "/" + id + "/consent", ADMIN).json().get("history");
        assertThat(history.get(history.size() - 1).get("source").asString()).isEqualTo("unsubscribe-link");
        // No login, but audited: the public route is recorded by the controller itself.
        assertThat(jdbc.sql("SELECT count(*) FROM audit_log WHERE tenant_id = :t AND action = 'consent.unsubscribe'"
                                + " AND actor = 'unsubscribe-link' AND target_id = :c AND outcome = 'success'")
                        .param("t", tenant)
                        .param("c", id)
                        .query(Long.class)
                        .single())
                .isEqualTo(1L);
        // Repeating it is harmless and adds no history.
        assertThat(oneClick(link, "List-Unsubscribe=One-Click").status()).isEqualTo(200);
        assertThat(api.get(contacts + "/" + id + "/consent", ADMIN)
                        .json()
                        .get("history")
                        .size())
                .isEqualTo(history.size());

        // The second marketing e-mail is refused at the door.
        var second = queue(id, "marketing", null);
        assertThat(second.status()).isEqualTo(403);
        assertThat(second.json().get("code").asString()).isEqualTo("consent_missing");
        assertThat(sends()).isEqualTo(1);
    }

    @Test
    void tamperedAndExpiredLinksAreRefused() {
        String id = contact("[" + granted("email", "marketing") + "," + granted("sms", "marketing") + "]");
        var made = api.post(
                contacts + "/" + id + "/unsubscribe-links", ADMIN, "{\"channel\":\"sms\",\"purpose\":\"marketing\"}");
        assertThat(made.status()).as(made.toString()).isEqualTo(201);
        String link = made.json().get("url").asString();
        String token = link.substring(link.lastIndexOf('/') + 1);
        String payload = token.substring(0, token.indexOf('.'));
        String mac = token.substring(token.indexOf('.') + 1);

        // Another channel in the payload, the old MAC: refused.
        String forged = java.util.Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(new String(java.util.Base64.getUrlDecoder().decode(payload), StandardCharsets.UTF_8)
                        .replace("\nsms\n", "\nemail\n")
                        .getBytes(StandardCharsets.UTF_8));
        String base = link.substring(0, link.lastIndexOf('/') + 1);
        assertThat(oneClick(base + forged + "." + mac, "List-Unsubscribe=One-Click")
                        .status())
                .isEqualTo(404);
        // One character of the MAC changed: refused.
        String flipped = mac.substring(0, 10) + (mac.charAt(10) == 'A' ? 'B' : 'A') + mac.substring(11);
        assertThat(oneClick(base + payload + "." + flipped, "List-Unsubscribe=One-Click")
                        .status())
                .isEqualTo(404);
        assertThat(oneClick(base + "not-a-token", "List-Unsubscribe=One-Click").status())
                .isEqualTo(404);
        assertThat(consentStatus(id, "email", "marketing")).isEqualTo("granted");
        assertThat(consentStatus(id, "sms", "marketing")).isEqualTo("granted");

        // Past its expiry (60 days by default) the genuine link is refused too.
        clock.advance(Duration.ofDays(61));
        var expired = oneClick(link, "List-Unsubscribe=One-Click");
        assertThat(expired.status()).isEqualTo(410);
        assertThat(expired.header("Content-Security-Policy")).contains("default-src 'self'");
        assertThat(consentStatus(id, "sms", "marketing")).isEqualTo("granted");
        clock.reset();
        assertThat(oneClick(link, "List-Unsubscribe=One-Click").status()).isEqualTo(200);
        assertThat(consentStatus(id, "sms", "marketing")).isEqualTo("withdrawn");
        assertThat(consentStatus(id, "email", "marketing")).isEqualTo("granted");
    }

    @Test
    void preferencesChangeTogetherAndErasureShredsTheContact() {
        String id = contact("[" + granted("email", "marketing") + "]");
        var set = api.send(
                "PUT",
                contacts + "/" + id + "/preferences",
                ADMIN,
                "application/json",
                ("{\"choices\":[{\"channel\":\"email\",\"purpose\":\"marketing\",\"status\":\"withdrawn\"},"
                                + "{\"channel\":\"push\",\"purpose\":\"product-news\",\"status\":\"granted\","
                                + "\"source\":\"preference-center\"}]}")
                        .getBytes(StandardCharsets.UTF_8));
        assertThat(set.status()).as(set.toString()).isEqualTo(200);
        var prefs = api.get(contacts + "/" + id + "/preferences", ADMIN).json();
        assertThat(prefs.size()).isEqualTo(2);
        assertThat(prefs.toString()).contains("\"push\"").contains("product-news");
        assertThat(consentStatus(id, "email", "marketing")).isEqualTo("withdrawn");
        var canSend = api.get(
                "/api/v1/tenants/" + tenant + "/consent/can-send?contact=" + id + "&channel=push&purpose=product-news",
                ADMIN);
        assertThat(canSend.json().get("allowed").asBoolean()).isTrue();

        var erased = api.post(contacts + "/" + id + "/erase", ADMIN, null);
        assertThat(erased.status()).isEqualTo(200);
        assertThat(erased.json().get("erased").asBoolean()).isTrue();
        assertThat(erased.json().get("email").isNull()).isTrue();
        // The data key is gone: the sealed fields stay, unreadable by anyone.
        var row = jdbc.sql("SELECT data_key, email FROM contacts WHERE id = :id")
                .param("id", id)
                .query()
                .singleRow();
        assertThat(row.get("data_key")).isNull();
        assertThat(row.get("email")).isNotNull();
        var export = api.post(contacts + "/" + id + "/export", ADMIN, null).json();
        assertThat(export.get("email").isNull()).isTrue();
        assertThat(export.toString()).doesNotContain(EMAIL);
        assertThat(api.get(
                                "/api/v1/tenants/" + tenant + "/consent/can-send?contact=" + id
                                        + "&channel=push&purpose=product-news",
                                ADMIN)
                        .json()
                        .get("allowed")
                        .asBoolean())
                .isFalse();
        // Changing an erased contact's consent is a conflict; its external id is free again.
        assertThat(api.post(
                                contacts + "/" + id + "/consent",
                                ADMIN,
                                "{\"channel\":\"email\",\"purpose\":\"marketing\",\"status\":\"granted\"}")
                        .status())
                .isEqualTo(409);
        assertThat(api.post(contacts, ADMIN, "{\"externalId\":\"" + EXTERNAL + "\"}")
                        .status())
                .isEqualTo(201);
        assertThat(api.get("/api/v1/tenants/" + tenant + "/audit?action=contact.erase", ADMIN)
                        .body())
                .contains("contact.erase");
    }

    /** E-mails the provider received (its health checks aside). */
    private long sends() {
        return resend.requests.stream()
                .filter(r -> r.path().endsWith("/emails"))
                .count();
    }

    private Api.Response oneClick(String link, String body) {
        return api.send(HttpRequest.newBuilder(URI.create(link))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build());
    }
}
