package dev.switchboard.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.Api;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.HexFormat;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * Meta, Microsoft Graph and Google push channels over HTTP, each sent as the provider's
 * documentation shows it: the subscription checks, the signed or token-carrying deliveries, and
 * what a wrong token or a disabled source gets.
 */
class SubscriptionSchemesTest extends InboundTestBase {

    Api.Response get(String pathAndQuery) {
        return api.send(HttpRequest.newBuilder(URI.create(api.base() + pathAndQuery))
                .GET()
                .build());
    }

    void disable(String tenant, Created src, boolean disabled) {
        var r = api.patch(
                "/api/v1/tenants/" + tenant + "/sources/" + src.id(), ADMIN, "{\"disabled\":" + disabled + "}");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
    }

    // ---- Meta

    static final String META_SECRET = "meta_app_secret_0123456789abcdef";
    static final String META_BODY = "{\"object\":\"page\",\"entry\":[{\"id\":\"102938475\",\"time\":1700000000,"
            + "\"changes\":[{\"field\":\"feed\",\"value\":{\"item\":\"status\",\"verb\":\"add\"}}]}]}";
    /** {@code printf '%s' "$META_BODY" | openssl dgst -sha256 -hmac "$META_SECRET"}. */
    static final String META_SIGNATURE = "2b07eb870f4891bd983a0787e1d9c0ae3c7a7d1a4cbb93d9b660fa37436bb8f6";

    @Test
    void metaHandshakeAnswersTheChallengeOnlyForTheSourcesVerifyToken() {
        String tenant = newTenant();
        var src = source(
                tenant,
                "{\"name\":\"Page\",\"provider\":\"meta\",\"secret\":\"" + META_SECRET
                        + "\",\"verifyToken\":\"meatyhamhock-0123456789\"}");
        // Chosen by the caller: not shown back.
        assertThat(src.json().has("verifyToken")).isFalse();

        // Meta's documented example, with this source's token.
        var ok = get(src.ingestPath()
                + "?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=meatyhamhock-0123456789");
        assertThat(ok.status()).as(ok.toString()).isEqualTo(200);
        assertThat(ok.contentType()).startsWith("text/plain");
        assertThat(ok.body()).isEqualTo("1158201444");

        var wrong =
                get(src.ingestPath() + "?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=meatyhamhock");
        assertThat(wrong.status()).isEqualTo(403);
        assertThat(wrong.json().get("code").asString()).isEqualTo("handshake_refused");
        assertThat(wrong.body()).doesNotContain("1158201444");
        assertThat(get(src.ingestPath()
                                + "?hub.mode=unsubscribe&hub.challenge=1&hub.verify_token=meatyhamhock-0123456789")
                        .status())
                .isEqualTo(403);
        assertThat(get(src.ingestPath()).status()).isEqualTo(403);

        disable(tenant, src, true);
        var disabled = get(src.ingestPath()
                + "?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=meatyhamhock-0123456789");
        assertThat(disabled.status()).isEqualTo(503);
        assertThat(disabled.body()).doesNotContain("1158201444");
    }

    @Test
    void metaGeneratesAVerifyTokenShownOnce() {
        String tenant = newTenant();
        var src = source(tenant, "{\"name\":\"IG\",\"provider\":\"meta\",\"secret\":\"" + META_SECRET + "\"}");
        String token = src.json().get("verifyToken").asString();
        assertThat(token).hasSizeGreaterThanOrEqualTo(16);
        var again = api.get("/api/v1/tenants/" + tenant + "/sources/" + src.id(), ADMIN);
        assertThat(again.json().has("verifyToken")).isFalse();
        assertThat(again.body()).doesNotContain(token);
        var ok = get(src.ingestPath() + "?hub.mode=subscribe&hub.challenge=42&hub.verify_token=" + token);
        assertThat(ok.body()).isEqualTo("42");
        // Only Meta takes one.
        var refused = api.post(
                "/api/v1/tenants/" + tenant + "/sources",
                ADMIN,
                "{\"name\":\"x\",\"provider\":\"token\",\"verifyToken\":\"abcdefghijklmnopq\"}");
        assertThat(refused.status()).isEqualTo(400);
    }

    @Test
    void metaPostsAreVerifiedAgainstAnIndependentVector() throws Exception {
        String tenant = newTenant();
        var src = source(tenant, "{\"name\":\"Page\",\"provider\":\"meta\",\"secret\":\"" + META_SECRET + "\"}");
        // The vector above, and the JDK's HMAC, agree before Switchboard is asked.
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(META_SECRET.getBytes(java.nio.charset.StandardCharsets.UTF_8), "HmacSHA256"));
        assertThat(HexFormat.of().formatHex(mac.doFinal(META_BODY.getBytes(java.nio.charset.StandardCharsets.UTF_8))))
                .isEqualTo(META_SIGNATURE);

        var ok = post(
                src.ingestPath(),
                "application/json",
                META_BODY,
                Map.of("X-Hub-Signature-256", "sha256=" + META_SIGNATURE));
        SignedIngestTest.accepted(ok);
        var e = event(tenant, ok.json().get("id").asString());
        assertThat(e.get("type").asString()).isEqualTo("meta.page.feed");
        assertThat(e.get("subject").asString()).isEqualTo("102938475");
        assertThat(e.get("verification").asString()).isEqualTo("meta-sha256");
        assertThat(e.get("headers").get("x-hub-signature-256").asString()).isEqualTo("[redacted]");

        // Meta's retry: the same entries and times collapse onto the first.
        var again = post(
                src.ingestPath(),
                "application/json",
                META_BODY,
                Map.of("X-Hub-Signature-256", "sha256=" + META_SIGNATURE));
        assertThat(again.json().get("duplicate").asBoolean()).isTrue();
        assertThat(again.json().get("id").asString())
                .isEqualTo(ok.json().get("id").asString());

        SignedIngestTest.rejected(
                post(
                        src.ingestPath(),
                        "application/json",
                        META_BODY + " ",
                        Map.of("X-Hub-Signature-256", "sha256=" + META_SIGNATURE)),
                "signature_invalid");
        SignedIngestTest.rejected(post(src.ingestPath(), "application/json", META_BODY, Map.of()), "signature_missing");
        // A POST is never a subscription check, whatever its query says.
        var posted = post(
                src.ingestPath() + "?hub.mode=subscribe&hub.challenge=1&hub.verify_token=x",
                "application/json",
                META_BODY,
                Map.of());
        assertThat(posted.status()).isEqualTo(401);
    }

    @Test
    void whatsappMessagesAreTypedAsMessagesAndStatusesApart() {
        String tenant = newTenant();
        var src = source(tenant, "{\"name\":\"WA\",\"provider\":\"meta\",\"secret\":\"" + META_SECRET + "\"}");
        String message = "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"WABA_ID\",\"changes\":[{"
                + "\"value\":{\"messaging_product\":\"whatsapp\",\"metadata\":{\"phone_number_id\":\"PHONE_ID\"},"
                + "\"messages\":[{\"from\":\"16315551181\",\"id\":\"wamid.ID\",\"timestamp\":\"1700000000\","
                + "\"text\":{\"body\":\"hi\"},\"type\":\"text\"}]},\"field\":\"messages\"}]}]}";
        String status = message.replace("\"messages\":[", "\"statuses\":[");
        var m = post(src.ingestPath(), "application/json", message, Map.of("X-Hub-Signature-256", sign(message)));
        var s = post(src.ingestPath(), "application/json", status, Map.of("X-Hub-Signature-256", sign(status)));
        assertThat(event(tenant, m.json().get("id").asString()).get("type").asString())
                .isEqualTo("meta.whatsapp_business_account.messages");
        assertThat(event(tenant, s.json().get("id").asString()).get("type").asString())
                .isEqualTo("meta.whatsapp_business_account.statuses");
    }

    static String sign(String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(META_SECRET.getBytes(java.nio.charset.StandardCharsets.UTF_8), "HmacSHA256"));
            return "sha256="
                    + HexFormat.of().formatHex(mac.doFinal(body.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- Microsoft Graph

    @Test
    void graphValidationIsAnsweredWithTheDecodedToken() {
        String tenant = newTenant();
        var src = source(tenant, "{\"name\":\"Calendar\",\"provider\":\"msgraph\"}");
        // As Graph sends it: POST, text/plain, an empty body, the token URL-encoded in the query.
        var r = post(
                src.ingestPath()
                        + "?validationToken=Validation%3a+Testing+client+application+reachability+for+subscription+Request-Id%3a+f3b1b1f1-0000-4000-8000-000000000000",
                "text/plain; charset=utf-8",
                "",
                Map.of());
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.contentType()).startsWith("text/plain");
        assertThat(r.body())
                .isEqualTo("Validation: Testing client application reachability for subscription Request-Id:"
                        + " f3b1b1f1-0000-4000-8000-000000000000");

        disable(tenant, src, true);
        assertThat(post(src.ingestPath() + "?validationToken=abc", "text/plain", "", Map.of())
                        .status())
                .isEqualTo(503);
    }

    static String graphItem(String clientState, String changeType, String eventId) {
        return "{\"subscriptionId\":\"7f105c7d-2dc5-4530-97cd-4e7ae6534c07\","
                + "\"subscriptionExpirationDateTime\":\"2026-12-05T18:23:45.9356913Z\",\"changeType\":\"" + changeType
                + "\",\"resource\":\"Users/{user}/Events/" + eventId + "\",\"resourceData\":{\"@odata.type\":"
                + "\"#Microsoft.Graph.Event\",\"@odata.id\":\"Users/{user}/Events/" + eventId + "\",\"id\":\"" + eventId
                + "\"},\"clientState\":\"" + clientState + "\",\"tenantId\":\"84bd8158-6d4d-4958-8b9f-9d6445542f95\"}";
    }

    @Test
    void graphBatchesBecomeOneEventPerItemAndOneBadClientStateRejectsAll() {
        String tenant = newTenant();
        var src = source(tenant, "{\"name\":\"Calendar\",\"provider\":\"msgraph\"}");
        String state = src.secret();
        String batch =
                "{\"value\":[" + graphItem(state, "created", "AAMk1") + "," + graphItem(state, "updated", "AAMk2")
                        + ",{\"subscriptionId\":\"7f105c7d\",\"lifecycleEvent\":\"reauthorizationRequired\",\"clientState\":\""
                        + state + "\",\"tenantId\":\"84bd8158\"}]}";
        var ok = post(src.ingestPath(), "application/json", batch, Map.of());
        assertThat(ok.status()).as(ok.toString()).isEqualTo(200);
        var events = ok.json().get("events");
        assertThat(events).hasSize(3);
        var first = event(tenant, events.get(0).get("id").asString());
        assertThat(first.get("type").asString()).isEqualTo("msgraph.event.created");
        assertThat(first.get("subject").asString()).isEqualTo("7f105c7d-2dc5-4530-97cd-4e7ae6534c07");
        assertThat(first.get("cloudEvent")
                        .get("data")
                        .get("resourceData")
                        .get("id")
                        .asString())
                .isEqualTo("AAMk1");
        assertThat(event(tenant, events.get(1).get("id").asString()).get("type").asString())
                .isEqualTo("msgraph.event.updated");
        assertThat(event(tenant, events.get(2).get("id").asString()).get("type").asString())
                .isEqualTo("msgraph.lifecycle.reauthorizationRequired");

        // Redelivered: every item a duplicate of its first delivery.
        var again = post(src.ingestPath(), "application/json", batch, Map.of());
        assertThat(again.json().get("events").get(1).get("duplicate").asBoolean())
                .isTrue();
        assertThat(again.json().get("events").get(1).get("id").asString())
                .isEqualTo(events.get(1).get("id").asString());

        String forged = "{\"value\":[" + graphItem(state, "created", "AAMk3") + ","
                + graphItem("not-the-state-0000", "deleted", "AAMk4") + "]}";
        SignedIngestTest.rejected(post(src.ingestPath(), "application/json", forged, Map.of()), "signature_invalid");
        String unstated =
                "{\"value\":[" + graphItem(state, "created", "AAMk5").replace("\"clientState\"", "\"x\"") + "]}";
        SignedIngestTest.rejected(post(src.ingestPath(), "application/json", unstated, Map.of()), "signature_missing");
        var none = api.get("/api/v1/tenants/" + tenant + "/events?source=" + src.id(), ADMIN);
        assertThat(none.json().get("data")).hasSize(3);
    }

    @Test
    void graphLifecycleNotificationsAreTyped() {
        String tenant = newTenant();
        var src = source(tenant, "{\"name\":\"Calendar\",\"provider\":\"msgraph\"}");
        for (String lifecycle : new String[] {"reauthorizationRequired", "subscriptionRemoved", "missed"}) {
            String body = "{\"value\":[{\"subscriptionId\":\"s1\",\"lifecycleEvent\":\"" + lifecycle
                    + "\",\"clientState\":\"" + src.secret() + "\",\"tenantId\":\"t\","
                    + "\"subscriptionExpirationDateTime\":\"2026-12-05T18:23:45Z\"}]}";
            var r = post(src.ingestPath(), "application/json", body, Map.of());
            SignedIngestTest.accepted(r);
            assertThat(event(tenant, r.json().get("id").asString()).get("type").asString())
                    .isEqualTo("msgraph.lifecycle." + lifecycle);
        }
    }

    // ---- Google push channels

    Map<String, String> google(String token, String state, String number) {
        return Map.of(
                "X-Goog-Channel-ID", "01234567-89ab-cdef-0123456789ab",
                "X-Goog-Channel-Token", token,
                "X-Goog-Channel-Expiration", "Tue, 19 Nov 2026 01:13:52 GMT",
                "X-Goog-Resource-ID", "ret08u3rv24htgh289g",
                "X-Goog-Resource-URI", "https://www.googleapis.com/calendar/v3/calendars/primary/events?alt=json",
                "X-Goog-Resource-State", state,
                "X-Goog-Message-Number", number);
    }

    @Test
    void googleChannelsCheckTheTokenStoreSyncAndDeduplicateOnTheMessageNumber() {
        String tenant = newTenant();
        var src = source(tenant, "{\"name\":\"Google Calendar\",\"provider\":\"google-channel\"}");
        String token = src.secret();

        var sync = post(src.ingestPath(), null, "", google(token, "sync", "1"));
        SignedIngestTest.accepted(sync);
        var e = event(tenant, sync.json().get("id").asString());
        assertThat(e.get("type").asString()).isEqualTo("google-channel.sync");
        assertThat(e.get("verification").asString()).isEqualTo("google-channel-token");
        assertThat(e.get("headers").get("x-goog-channel-token").asString()).isEqualTo("[redacted]");

        var change = post(src.ingestPath(), null, "", google(token, "exists", "2"));
        SignedIngestTest.accepted(change);
        assertThat(event(tenant, change.json().get("id").asString()).get("type").asString())
                .isEqualTo("google-channel.calendar.exists");
        var retry = post(src.ingestPath(), null, "", google(token, "exists", "2"));
        assertThat(retry.json().get("duplicate").asBoolean()).isTrue();
        assertThat(retry.json().get("id").asString())
                .isEqualTo(change.json().get("id").asString());

        SignedIngestTest.rejected(
                post(src.ingestPath(), null, "", google(token + "x", "exists", "3")), "signature_invalid");
        var noToken = new java.util.HashMap<>(google(token, "exists", "4"));
        noToken.remove("X-Goog-Channel-Token");
        SignedIngestTest.rejected(post(src.ingestPath(), null, "", noToken), "signature_missing");
    }

    // ---- Hostile input over HTTP: never a 5xx, every refusal problem+json

    @Test
    void hostileRequestsToTheNewSchemesAreNeverA5xx() {
        String tenant = newTenant();
        var sources = java.util.List.of(
                source(tenant, "{\"name\":\"m\",\"provider\":\"meta\",\"secret\":\"" + META_SECRET + "\"}"),
                source(tenant, "{\"name\":\"g\",\"provider\":\"msgraph\"}"),
                source(tenant, "{\"name\":\"c\",\"provider\":\"google-channel\"}"),
                source(tenant, "{\"name\":\"p\",\"provider\":\"paypal\",\"secret\":\"WH-1\"}"));
        var random = new java.util.Random(16);
        java.util.List<String> queries = java.util.List.of(
                "?hub.mode=subscribe&hub.challenge=%25zz&hub.verify_token=x%00",
                "?hub.mode=subscribe&hub.challenge=" + "1".repeat(3000) + "&hub.verify_token=",
                "?validationToken=%E0%A4",
                "?validationToken=" + "v".repeat(3000),
                "?hub.mode&hub.challenge&&=",
                "");
        java.util.List<String> bodies = java.util.List.of(
                "{\"value\":[{\"clientState\":null}]}",
                "{\"value\":[" + "{},".repeat(1200) + "{}]}",
                "{\"object\":\"page\",\"entry\":[{\"id\":{},\"time\":1e999}]}",
                "\u0000\uFFFF",
                "[");
        java.util.List<String> failures = new java.util.ArrayList<>();
        for (var src : sources) {
            for (String q : queries) {
                for (String method : new String[] {"GET", "POST"}) {
                    var b = HttpRequest.newBuilder(URI.create(api.base() + src.ingestPath() + q));
                    if (method.equals("GET")) b.GET();
                    else b.POST(HttpRequest.BodyPublishers.ofString(bodies.get(random.nextInt(bodies.size()))));
                    b.header("X-Goog-Channel-Token", "x").header("X-Goog-Resource-State", "sync");
                    check(failures, method + " " + q, api.send(b.build()));
                }
            }
            for (String body : bodies) {
                check(
                        failures,
                        body,
                        post(
                                src.ingestPath(),
                                "application/json",
                                body,
                                Map.of(
                                        "X-Hub-Signature-256",
                                        "sha256=" + "0".repeat(64),
                                        "X-Goog-Channel-Token",
                                        src.secret() == null ? "x" : src.secret(),
                                        "X-Goog-Channel-ID",
                                        "c",
                                        "X-Goog-Message-Number",
                                        "\u00ff",
                                        "X-Goog-Resource-State",
                                        "",
                                        "PAYPAL-TRANSMISSION-ID",
                                        "\u00e9|",
                                        "PAYPAL-TRANSMISSION-TIME",
                                        "2026-13-45T99:00:00Z",
                                        "PAYPAL-TRANSMISSION-SIG",
                                        "!!!",
                                        "PAYPAL-CERT-URL",
                                        dev.switchboard.testing.PaypalDouble.get()
                                                .certUrl("CERT-none"),
                                        "PAYPAL-AUTH-ALGO",
                                        "SHA256withRSA")));
                check(
                        failures,
                        "paypal signed " + body,
                        post(
                                src.ingestPath(),
                                "application/json",
                                body,
                                PaypalIngestTest.sign(
                                        dev.switchboard.testing.PaypalDouble.get().signingKey,
                                        dev.switchboard.testing.PaypalDouble.get()
                                                .certUrl("CERT-good"),
                                        "WH-1",
                                        body,
                                        clock.instant().toString())));
            }
        }
        assertThat(failures).isEmpty();
    }

    private static void check(java.util.List<String> failures, String what, Api.Response r) {
        if (r.status() >= 500) failures.add("5xx " + what + " → " + r);
        if (r.status() >= 400 && (r.contentType() == null || !r.contentType().startsWith("application/problem+json")))
            failures.add("not problem+json " + what + " → " + r);
    }
}
