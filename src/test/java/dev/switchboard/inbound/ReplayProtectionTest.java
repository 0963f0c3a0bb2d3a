package dev.switchboard.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.Api;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A captured request replayed with fresh unsigned headers is the same event: dedupe keys come only
 * from what the signature covers.
 */
class ReplayProtectionTest extends InboundTestBase {

    private static final String SECRET = "generic-secret-123456";

    @Test
    void anHmacTimestampHeaderMustBeSigned() {
        String tenant = newTenant();
        for (String options : new String[] {
            "{\"header\":\"X-Sig\",\"timestampHeader\":\"X-Ts\"}",
            "{\"header\":\"X-Sig\",\"timestampHeader\":\"X-Ts\",\"signedContent\":\"v1:{body}\"}"
        }) {
            var r = api.post(
                    "/api/v1/tenants/" + tenant + "/sources",
                    ADMIN,
                    "{\"name\":\"h\",\"provider\":\"hmac\",\"secret\":\"" + SECRET + "\",\"options\":" + options + "}");
            assertThat(r.status()).as(r.toString()).isEqualTo(400);
            assertThat(r.json().get("code").asString()).isEqualTo("validation_failed");
            assertThat(r.json().get("errors").toString()).contains("options.signedContent", "{timestamp}");
        }
        var src = source(
                tenant,
                "{\"name\":\"h\",\"provider\":\"hmac\",\"secret\":\"" + SECRET
                        + "\",\"options\":{\"header\":\"X-Sig\"}}");
        var patch = api.patch(
                "/api/v1/tenants/" + tenant + "/sources/" + src.id(),
                ADMIN,
                "{\"options\":{\"header\":\"X-Sig\",\"timestampHeader\":\"X-Ts\"}}");
        assertThat(patch.status()).as(patch.toString()).isEqualTo(400);
    }

    @Test
    void anUnsignedTimestampStoredBeforeTheCheckDoesNotMakeAReplayNew() {
        String tenant = newTenant();
        var src = source(
                tenant,
                "{\"name\":\"h\",\"provider\":\"hmac\",\"secret\":\"" + SECRET
                        + "\",\"options\":{\"header\":\"X-Sig\"}}");
        // A source saved before such options were refused: its timestamp header is not signed.
        jdbc.sql("UPDATE sources SET options = :o WHERE id = :id")
                .param("o", "{\"header\":\"X-Sig\",\"timestampHeader\":\"X-Ts\"}")
                .param("id", src.id())
                .update();
        String body = "{\"type\":\"thing.happened\",\"n\":1}";
        String sig = hex(Signers.hmac("HmacSHA256", SECRET, body));
        var first =
                post(src.ingestPath(), "application/json", body, Map.of("X-Sig", sig, "X-Ts", String.valueOf(now())));
        SignedIngestTest.accepted(first);
        var replay = post(
                src.ingestPath(), "application/json", body, Map.of("X-Sig", sig, "X-Ts", String.valueOf(now() + 7)));
        duplicateOf(replay, first);
    }

    @Test
    void anUnsignedIdHeaderIsAnAttributeNotTheKey() {
        String tenant = newTenant();
        var src = source(
                tenant,
                "{\"name\":\"h\",\"provider\":\"hmac\",\"secret\":\"" + SECRET
                        + "\",\"options\":{\"header\":\"X-Sig\",\"idHeader\":\"X-Id\"}}");
        String body = "{\"type\":\"thing.happened\",\"n\":2}";
        String sig = hex(Signers.hmac("HmacSHA256", SECRET, body));
        var first = post(src.ingestPath(), "application/json", body, Map.of("X-Sig", sig, "X-Id", "id-1"));
        SignedIngestTest.accepted(first);
        duplicateOf(post(src.ingestPath(), "application/json", body, Map.of("X-Sig", sig, "X-Id", "id-2")), first);
        assertThat(event(tenant, id(first)).get("providerEventId").asString()).isEqualTo("id-1");
    }

    @Test
    void aSignedIdDeduplicatesAcrossReSignedRetries() {
        String tenant = newTenant();
        var src = source(
                tenant,
                "{\"name\":\"h\",\"provider\":\"hmac\",\"secret\":\"" + SECRET
                        + "\",\"options\":{\"header\":\"X-Sig\",\"idHeader\":\"X-Id\",\"timestampHeader\":\"X-Ts\","
                        + "\"signedContent\":\"{id}.{timestamp}.{body}\"}}");
        String body = "{\"type\":\"thing.happened\",\"n\":3}";
        long t = now();
        var first = post(src.ingestPath(), "application/json", body, signedWithId(body, "id-1", t));
        SignedIngestTest.accepted(first);
        // The sender retries, signing the same id with a new timestamp: the same event.
        duplicateOf(post(src.ingestPath(), "application/json", body, signedWithId(body, "id-1", t + 30)), first);
        // A new id needs a new signature; with it, it is another event.
        SignedIngestTest.accepted(post(src.ingestPath(), "application/json", body, signedWithId(body, "id-2", t)));
        var forged = signedWithId(body, "id-1", t);
        forged.put("X-Id", "id-3");
        SignedIngestTest.rejected(post(src.ingestPath(), "application/json", body, forged), "signature_invalid");
    }

    @Test
    void aGithubBodyReplayedWithANewDeliveryIdIsTheSameEvent() {
        String tenant = newTenant();
        var src = source(tenant, "{\"name\":\"GitHub\",\"provider\":\"github\"}");
        String push = "{\"ref\":\"refs/heads/main\",\"after\":\"" + UUID.randomUUID() + "\"}";
        String delivery = UUID.randomUUID().toString();
        var first = post(src.ingestPath(), "application/json", push, github(src.secret(), push, delivery));
        SignedIngestTest.accepted(first);
        duplicateOf(
                post(
                        src.ingestPath(),
                        "application/json",
                        push,
                        github(src.secret(), push, UUID.randomUUID().toString())),
                first);
        var e = event(tenant, id(first));
        assertThat(e.get("providerEventId").asString()).isEqualTo(delivery);
        var list =
                api.get("/api/v1/tenants/" + tenant + "/events", ADMIN).json().get("data");
        assertThat(list.size()).isEqualTo(1);
        assertThat(list.get(0).get("providerEventId").asString()).isEqualTo(delivery);
    }

    @Test
    void aShopifyBodyReplayedWithANewEventIdIsTheSameEvent() {
        String tenant = newTenant();
        String secret = "shpss_" + UUID.randomUUID();
        var shop = source(tenant, "{\"name\":\"Shop\",\"provider\":\"shopify\",\"secret\":\"" + secret + "\"}");
        String order = "{\"id\":" + System.nanoTime() + "}";
        var first = post(shop.ingestPath(), "application/json", order, shopify(secret, order, "ev-1"));
        SignedIngestTest.accepted(first);
        duplicateOf(post(shop.ingestPath(), "application/json", order, shopify(secret, order, "ev-2")), first);
        assertThat(event(tenant, id(first)).get("providerEventId").asString()).isEqualTo("ev-1");
    }

    @Test
    void aTwilioFormReplayedWithANewIdempotencyTokenIsTheSameEvent() {
        String tenant = newTenant();
        String token = "twilio-auth-token-" + UUID.randomUUID();
        var src = source(tenant, "{\"name\":\"Twilio\",\"provider\":\"twilio\",\"secret\":\"" + token + "\"}");
        Map<String, String> params = new LinkedHashMap<>();
        params.put("MessageSid", "SM" + UUID.randomUUID().toString().replace("-", ""));
        params.put("From", "+14155550100");
        params.put("Body", "hi");
        String form = params.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        String signature = Signers.twilio(token, api.base() + src.ingestPath(), params);
        var first = post(
                src.ingestPath(),
                "application/x-www-form-urlencoded",
                form,
                Map.of("X-Twilio-Signature", signature, "I-Twilio-Idempotency-Token", "tok-1"));
        SignedIngestTest.accepted(first);
        duplicateOf(
                post(
                        src.ingestPath(),
                        "application/x-www-form-urlencoded",
                        form,
                        Map.of("X-Twilio-Signature", signature, "I-Twilio-Idempotency-Token", "tok-2")),
                first);
    }

    private static Map<String, String> github(String secret, String body, String delivery) {
        return Map.of(
                "X-GitHub-Event",
                "push",
                "X-GitHub-Delivery",
                delivery,
                "X-Hub-Signature-256",
                Signers.github(secret, body));
    }

    private static Map<String, String> shopify(String secret, String body, String eventId) {
        return Map.of(
                "X-Shopify-Hmac-Sha256",
                Signers.shopify(secret, body),
                "X-Shopify-Topic",
                "orders/create",
                "X-Shopify-Event-Id",
                eventId);
    }

    private static Map<String, String> signedWithId(String body, String id, long t) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("X-Sig", hex(Signers.hmac("HmacSHA256", SECRET, id + "." + t + "." + body)));
        h.put("X-Id", id);
        h.put("X-Ts", String.valueOf(t));
        return h;
    }

    private static void duplicateOf(Api.Response replay, Api.Response first) {
        assertThat(replay.status()).as(replay.toString()).isEqualTo(200);
        assertThat(replay.json().get("duplicate").asBoolean())
                .as(replay.toString())
                .isTrue();
        assertThat(id(replay)).isEqualTo(id(first));
    }

    private static String id(Api.Response r) {
        return r.json().get("id").asString();
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }
}
