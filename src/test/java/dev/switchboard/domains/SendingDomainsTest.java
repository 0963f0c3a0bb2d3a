package dev.switchboard.domains;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.testing.Api;
import dev.switchboard.testing.DnsDouble;
import dev.switchboard.testing.Receiver;
import dev.switchboard.testing.ServerTest;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Sending domains over HTTP against a local UDP DNS responder: each SPF, DKIM and DMARC verdict,
 * the check-failed event, the scheduled check, and deliverability rates from webhook events.
 */
class SendingDomainsTest extends ServerTest {

    final DnsDouble dns = DnsDouble.get();
    Receiver events;
    String tenant;
    String domains;
    String zone;

    @BeforeEach
    void setUp() throws Exception {
        clock.reset();
        events = new Receiver();
        tenant = newTenant();
        domains = "/api/v1/tenants/" + tenant + "/domains";
        zone = "t" + UUID.randomUUID().toString().substring(0, 8) + ".example";
        var ep = api.post(
                "/api/v1/tenants/" + tenant + "/endpoints",
                ADMIN,
                "{\"url\":\"" + events.url("/events") + "\",\"eventTypes\":[\"" + SendingDomains.CHECK_FAILED + "\",\""
                        + Deliverability.RATE_EXCEEDED + "\"]}");
        assertThat(ep.status()).as(ep.toString()).isEqualTo(201);
    }

    @AfterEach
    void tearDown() {
        disableEndpoints(tenant);
        events.close();
        clock.reset();
    }

    private String add(String domain, String dmarcPolicy, String... selectors) {
        var r = api.post(
                domains,
                ADMIN,
                "{\"domain\":\"" + domain + "\",\"spfInclude\":\"_spf.resend.com\",\"dkimSelectors\":"
                        + Api.JSON.writeValueAsString(selectors) + ",\"dmarcPolicy\":\"" + dmarcPolicy + "\"}");
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.json().get("id").asString();
    }

    private Map<String, JsonNode> check(String id) {
        var r = api.post(domains + "/" + id + "/check", ADMIN, null);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        Map<String, JsonNode> byRecord = new HashMap<>();
        for (JsonNode rec : r.json().get("records"))
            byRecord.put(rec.get("record").asString(), rec);
        byRecord.put("_status", r.json().get("status"));
        return byRecord;
    }

    @Test
    void aWellConfiguredDomainPassesEveryRecord() {
        String d = "mail." + zone;
        dns.txt(d, "v=spf1 include:_spf.resend.com ~all", "google-site-verification=abc");
        dns.txt("resend._domainkey." + d, "p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC");
        dns.txt("s1._domainkey." + d, "v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOC");
        dns.txt("_dmarc." + d, "v=DMARC1; p=reject; rua=mailto:dmarc@" + d);
        String id = add(d, "quarantine", "resend", "s1");
        var result = check(id);
        assertThat(result.get("_status").asString()).isEqualTo("pass");
        assertThat(result.get("spf").get("pass").asBoolean()).isTrue();
        assertThat(result.get("spf").get("found").asString()).isEqualTo("v=spf1 include:_spf.resend.com ~all");
        assertThat(result.get("dkim:resend").get("pass").asBoolean()).isTrue();
        assertThat(result.get("dkim:s1").get("found").asString()).startsWith("v=DKIM1");
        assertThat(result.get("dmarc").get("pass").asBoolean()).isTrue();
        assertThat(result.get("dmarc").get("found").asString()).startsWith("v=DMARC1; p=reject");
        var stored = api.get(domains + "/" + id, ADMIN).json();
        assertThat(stored.get("status").asString()).isEqualTo("pass");
        assertThat(stored.get("checkedAt").asString()).isNotEmpty();
        assertThat(events.requests).isEmpty();
    }

    @Test
    void eachBrokenRecordFailsWithWhatWasFound() {
        // SPF without the expected include, a revoked DKIM key, a missing selector, a weak DMARC policy.
        String a = "a." + zone;
        dns.txt(a, "v=spf1 include:_spf.google.com -all");
        dns.txt("s1._domainkey." + a, "v=DKIM1; k=rsa; p=");
        dns.txt("_dmarc." + a, "v=DMARC1; p=none");
        var r = check(add(a, "quarantine", "s1", "s2"));
        assertThat(r.get("_status").asString()).isEqualTo("fail");
        assertThat(r.get("spf").get("pass").asBoolean()).isFalse();
        assertThat(r.get("spf").get("found").asString()).isEqualTo("v=spf1 include:_spf.google.com -all");
        assertThat(r.get("spf").get("reason").asString()).contains("_spf.resend.com");
        assertThat(r.get("dkim:s1").get("pass").asBoolean()).isFalse();
        assertThat(r.get("dkim:s1").get("reason").asString()).contains("revoked");
        assertThat(r.get("dkim:s2").get("pass").asBoolean()).isFalse();
        assertThat(r.get("dkim:s2").get("found").isNull()).isTrue();
        assertThat(r.get("dmarc").get("pass").asBoolean()).isFalse();
        assertThat(r.get("dmarc").get("reason").asString()).contains("weaker");

        // Two SPF records, '+all', no DMARC at all, and a resolver failure.
        String b = "b." + zone;
        dns.txt(b, "v=spf1 include:_spf.resend.com -all", "v=spf1 a -all");
        dns.fail("s1._domainkey." + b);
        var r2 = check(add(b, "none", "s1"));
        assertThat(r2.get("spf").get("reason").asString()).contains("more than one");
        assertThat(r2.get("dkim:s1").get("reason").asString()).startsWith("lookup failed");
        assertThat(r2.get("dmarc").get("reason").asString()).contains("no DMARC record");
        String c = "c." + zone;
        dns.txt(c, "v=spf1 include:_spf.resend.com +all");
        dns.txt("_dmarc." + c, "v=DMARC1; p=quarantine");
        var r3 = check(add(c, "none"));
        assertThat(r3.get("spf").get("reason").asString()).contains("+all");
        assertThat(r3.get("dmarc").get("pass").asBoolean())
                .as("stricter than expected passes")
                .isTrue();

        // Each failed check is a switchboard.domain.check_failed event naming the failed records.
        // (The scheduled loop may check these new domains too: each of its failures is reported as well.)
        await().atMost(Duration.ofSeconds(15)).until(() -> events.requests.size() >= 3);
        JsonNode first = events.requests.stream()
                .map(e -> Api.JSON.readTree(e.body()))
                .filter(e -> e.get("data").get("domain").asString().equals(a))
                .findFirst()
                .orElseThrow();
        assertThat(first.get("type").asString()).isEqualTo("switchboard.domain.check_failed");
        assertThat(first.get("data").get("domain").asString()).isEqualTo(a);
        assertThat(first.get("data").get("failed").toString()).contains("spf", "dkim:s1", "dkim:s2", "dmarc");
    }

    @Test
    void domainsAreCheckedOnScheduleAndScopedToTheirTenant() {
        String d = "sched." + zone;
        dns.txt(d, "v=spf1 include:_spf.resend.com -all");
        dns.txt("_dmarc." + d, "v=DMARC1; p=reject");
        String id = add(d, "reject");
        // A new domain is due at once: the scheduled loop checks it without being asked.
        await().atMost(Duration.ofSeconds(15))
                .until(() -> api.get(domains + "/" + id, ADMIN)
                        .json()
                        .get("status")
                        .asString()
                        .equals("pass"));
        String firstCheck =
                api.get(domains + "/" + id, ADMIN).json().get("checkedAt").asString();
        // The record breaks; a day later the loop checks again and reports it.
        dns.txt("_dmarc." + d, "v=DMARC1; p=none");
        clock.advance(Duration.ofHours(25));
        await().atMost(Duration.ofSeconds(15))
                .until(() -> api.get(domains + "/" + id, ADMIN)
                        .json()
                        .get("status")
                        .asString()
                        .equals("fail"));
        assertThat(api.get(domains + "/" + id, ADMIN).json().get("checkedAt").asString())
                .isNotEqualTo(firstCheck);
        await().atMost(Duration.ofSeconds(15)).until(() -> !events.requests.isEmpty());

        String other = newTenant();
        String otherKey = newKey(other, "admin");
        assertThat(api.get("/api/v1/tenants/" + other + "/domains/" + id, otherKey)
                        .status())
                .isEqualTo(404);
        assertThat(api.post("/api/v1/tenants/" + other + "/domains/" + id + "/check", otherKey, null)
                        .status())
                .isEqualTo(404);
        String viewer = newKey(tenant, "viewer");
        assertThat(api.post(domains + "/" + id + "/check", viewer, null).status())
                .isEqualTo(403);
        assertThat(api.post(domains, ADMIN, "{\"domain\":\"not a domain\"}").status())
                .isEqualTo(400);
        assertThat(api.post(domains, ADMIN, "{\"domain\":\"" + d + "\"}").status())
                .isEqualTo(409);
        assertThat(api.get("/api/v1/tenants/" + tenant + "/audit?action=domain", ADMIN)
                        .body())
                .contains("domain.create")
                .contains("domain.check");
        assertThat(api.delete(domains + "/" + id, ADMIN).status()).isEqualTo(204);
        assertThat(api.get(domains + "/" + id, ADMIN).status()).isEqualTo(404);
    }

    @Test
    void bounceRatesFromWebhookEventsCrossTheThreshold() throws Exception {
        String d = "news." + zone;
        String id = add(d, "none");
        var source = api.post(
                "/api/v1/tenants/" + tenant + "/sources", ADMIN, "{\"name\":\"resend\",\"provider\":\"token\"}");
        assertThat(source.status()).as(source.toString()).isEqualTo(201);
        String ingest = api.base() + "/webhooks/" + source.json().get("id").asString();
        String secret = source.json().get("secret").asString();
        // 20 delivered, then one bounce (4.8 % ≥ 2 %, over the test servers' volume floor of 20);
        // an event for a domain the tenant did not register counts nowhere.
        for (int i = 0; i < 20; i++) post(ingest, secret, resend("email.delivered", d, i));
        post(ingest, secret, resend("email.delivered", "elsewhere.example", 99));
        await().atMost(Duration.ofSeconds(20))
                .until(() -> api.get(domains + "/" + id + "/deliverability", ADMIN)
                                .json()
                                .get("delivered")
                                .asLong()
                        == 20);
        // (The scheduled DNS check of this domain, with no records published, reports its own failure.)
        assertThat(rateEvents()).isEmpty();
        post(ingest, secret, resend("email.bounced", d, 100));
        // SendGrid's shape: one spam report, counted under its sending_domain custom argument.
        post(ingest, secret, "{\"event\":\"spamreport\",\"email\":\"x@example.org\",\"sending_domain\":\"" + d + "\"}");
        await().atMost(Duration.ofSeconds(20))
                .until(() -> api.get(domains + "/" + id + "/deliverability", ADMIN)
                                .json()
                                .get("spam")
                                .asLong()
                        == 1);
        var rates = api.get(domains + "/" + id + "/deliverability", ADMIN).json();
        assertThat(rates.get("bounced").asLong()).isEqualTo(1);
        assertThat(rates.get("bounceRate").asDouble()).isCloseTo(1.0 / 21, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(rates.get("over").toString()).contains("bounce").contains("spam");
        await().atMost(Duration.ofSeconds(15)).until(() -> rateEvents().size() >= 2);
        var metrics = rateEvents().stream()
                .map(e -> e.get("data").get("metric").asString())
                .toList();
        assertThat(metrics).containsExactlyInAnyOrder("bounce", "spam");
        // Once over, another bounce does not raise it again.
        post(ingest, secret, resend("email.bounced", d, 101));
        await().atMost(Duration.ofSeconds(20))
                .until(() -> api.get(domains + "/" + id + "/deliverability", ADMIN)
                                .json()
                                .get("bounced")
                                .asLong()
                        == 2);
        assertThat(rateEvents()).hasSize(2);
    }

    private java.util.List<JsonNode> rateEvents() {
        return events.requests.stream()
                .map(r -> Api.JSON.readTree(r.body()))
                .filter(e -> e.get("type").asString().equals(Deliverability.RATE_EXCEEDED))
                .toList();
    }

    private static String resend(String type, String domain, int n) {
        return "{\"type\":\"" + type + "\",\"created_at\":\"2026-12-01T10:00:00Z\",\"data\":{\"email_id\":\"em_" + n
                + "\",\"from\":\"Acme <news@" + domain + ">\",\"to\":[\"r" + n + "@example.org\"]}}";
    }

    private void post(String url, String secret, String body) {
        var r = api.send(HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Bearer " + secret)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build());
        assertThat(r.status()).as(r.toString()).isBetween(200, 299);
    }
}
