package dev.switchboard.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import com.twilio.security.RequestValidator;
import dev.switchboard.testing.Api;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Webhooks signed by the providers' official SDKs are accepted over HTTP; forgeries are not. */
class SignedIngestTest extends InboundTestBase {

    static void rejected(Api.Response r, String code) {
        assertThat(r.status()).as(r.toString()).isEqualTo(401);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.json().get("code").asString()).isEqualTo(code);
    }

    static void accepted(Api.Response r) {
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.json().get("id").asString()).matches("evt_[0-9a-z]{26}");
        assertThat(r.json().get("duplicate").asBoolean()).isFalse();
    }

    @org.junit.jupiter.api.AfterEach
    void realTime() {
        clock.reset();
    }

    @Test
    void stripe() throws Exception {
        // Time stands still: the ±301 s checks below must not depend on how fast this machine answers.
        clock.freeze();
        String tenant = newTenant();
        String secret = "whsec_test_" + UUID.randomUUID().toString().replace("-", "");
        var src = source(tenant, "{\"name\":\"Stripe\",\"provider\":\"stripe\",\"secret\":\"" + secret + "\"}");
        String payload = "{\"id\":\"evt_" + UUID.randomUUID() + "\",\"type\":\"invoice.paid\",\"created\":1700000000,"
                + "\"data\":{\"object\":{\"id\":\"in_1\",\"customer\":\"cus_42\",\"amount_paid\":2999}}}";
        long now = now();

        var ok = post(
                src.ingestPath(),
                "application/json",
                payload,
                Map.of("Stripe-Signature", Signers.stripe(payload, secret, now)));
        accepted(ok);
        var e = event(tenant, ok.json().get("id").asString());
        assertThat(e.get("type").asString()).isEqualTo("stripe.invoice.paid");
        assertThat(e.get("subject").asString()).isEqualTo("cus_42");
        assertThat(e.get("verification").asString()).isEqualTo("stripe-v1");
        assertThat(e.get("headers").get("stripe-signature").asString()).isEqualTo("[redacted]");
        assertThat(e.get("cloudEvent").get("time").asString()).isEqualTo("2023-11-14T22:13:20Z");

        // The same event again (Stripe retries): collapsed onto the first.
        var again = post(
                src.ingestPath(),
                "application/json",
                payload,
                Map.of("Stripe-Signature", Signers.stripe(payload, secret, now + 5)));
        assertThat(again.json().get("duplicate").asBoolean()).isTrue();
        assertThat(again.json().get("id").asString())
                .isEqualTo(ok.json().get("id").asString());

        String other = payload.replace("evt_", "evt_x");
        rejected(
                post(
                        src.ingestPath(),
                        "application/json",
                        other + " ",
                        Map.of("Stripe-Signature", Signers.stripe(other, secret, now))),
                "signature_invalid");
        rejected(
                post(
                        src.ingestPath(),
                        "application/json",
                        other,
                        Map.of("Stripe-Signature", Signers.stripe(other, secret + "x", now))),
                "signature_invalid");
        rejected(
                post(
                        src.ingestPath(),
                        "application/json",
                        other,
                        Map.of("Stripe-Signature", Signers.stripe(other, secret, now - 301))),
                "timestamp_out_of_tolerance");
        rejected(
                post(
                        src.ingestPath(),
                        "application/json",
                        other,
                        Map.of("Stripe-Signature", Signers.stripe(other, secret, now + 301))),
                "timestamp_out_of_tolerance");
        rejected(post(src.ingestPath(), "application/json", other, Map.of()), "signature_missing");
        rejected(
                post(src.ingestPath(), "application/json", other, Map.of("Stripe-Signature", "t=not_a_number")),
                "signature_invalid");
        rejected(
                post(src.ingestPath(), "application/json", other, Map.of("Stripe-Signature", "t,v1")),
                "signature_invalid");

        // Every rejection is recorded, without its body.
        var rejections = api.get("/api/v1/tenants/" + tenant + "/sources/" + src.id() + "/rejections", ADMIN);
        assertThat(rejections.json().get("data").size()).isEqualTo(7);
        assertThat(rejections.body()).doesNotContain("in_1").doesNotContain(secret);
    }

    @Test
    void ourStripeVerdictsMatchStripeJava() throws Exception {
        String secret = "whsec_differential";
        String payload = "{\"id\":\"evt_1\"}";
        long t = 1_700_000_000L;
        String good = Signers.stripe(payload, secret, t);
        String sig = good.substring(good.indexOf("v1=") + 3);
        String[] headers = {
            good,
            "t=" + t + ",v1=" + sig + ",v0=abc",
            "t=" + t + ",v1=deadbeef,v1=" + sig,
            "t=" + t + ", v1=" + sig,
            "v1=" + sig,
            "t=" + t,
            "t=" + (t - 10) + ",v1=" + sig,
            "t=" + t + ",v1=" + sig.toUpperCase(),
            "",
            "t=abc,v1=" + sig,
            "t=" + t + ",v1=" + sig.substring(1)
        };
        for (String h : headers) {
            boolean theirs;
            try {
                theirs = com.stripe.net.Webhook.Signature.verifyHeader(
                        payload,
                        h,
                        secret,
                        300,
                        java.time.Clock.fixed(java.time.Instant.ofEpochSecond(t + 1), java.time.ZoneOffset.UTC));
            } catch (com.stripe.exception.SignatureVerificationException | RuntimeException e) {
                // stripe-java throws NumberFormatException on "t=abc" (a parser bug we do not share): a rejection.
                theirs = false;
            }
            var request = VerifierVectorsTest.request(
                    h.isEmpty() ? Map.of() : Map.of("Stripe-Signature", h),
                    payload,
                    "application/json",
                    java.time.Instant.ofEpochSecond(t + 1));
            boolean ours = new StripeScheme().verify(request, VerifierVectorsTest.secret(secret), SourceOptions.NONE)
                    instanceof Verification.Verified;
            assertThat(ours).as("header '%s': stripe-java says %s", h, theirs).isEqualTo(theirs);
        }
    }

    @Test
    void standardWebhooksAndSvixNames() throws Exception {
        String tenant = newTenant();
        var src = source(tenant, "{\"name\":\"Std\",\"provider\":\"standard-webhooks\"}");
        assertThat(src.secret()).startsWith("whsec_");
        String payload = "{\"type\":\"invoice.paid\",\"subject\":\"cus_9\",\"data\":{}}";
        String id = "msg_" + UUID.randomUUID();
        long now = now();
        String signature = Signers.standardWebhooks(src.secret(), id, now, payload);
        var ok = post(
                src.ingestPath(),
                "application/json",
                payload,
                Map.of("webhook-id", id, "webhook-timestamp", String.valueOf(now), "webhook-signature", signature));
        accepted(ok);
        assertThat(event(tenant, ok.json().get("id").asString()).get("type").asString())
                .isEqualTo("standard-webhooks.invoice.paid");

        String id2 = "msg_" + UUID.randomUUID();
        var svix = post(
                src.ingestPath(),
                "application/json",
                payload,
                Map.of(
                        "svix-id",
                        id2,
                        "svix-timestamp",
                        String.valueOf(now),
                        "svix-signature",
                        Signers.standardWebhooks(src.secret(), id2, now, payload)));
        accepted(svix);

        String id3 = "msg_" + UUID.randomUUID();
        rejected(
                post(
                        src.ingestPath(),
                        "application/json",
                        payload,
                        Map.of(
                                "webhook-id",
                                id3,
                                "webhook-timestamp",
                                String.valueOf(now - 400),
                                "webhook-signature",
                                Signers.standardWebhooks(src.secret(), id3, now - 400, payload))),
                "timestamp_out_of_tolerance");
        rejected(
                post(
                        src.ingestPath(),
                        "application/json",
                        payload,
                        Map.of(
                                "webhook-id",
                                id3,
                                "webhook-timestamp",
                                String.valueOf(now),
                                "webhook-signature",
                                signature)),
                "signature_invalid");
        rejected(post(src.ingestPath(), "application/json", payload, Map.of("webhook-id", id3)), "signature_missing");
    }

    @Test
    void twilioFormAndJson() throws Exception {
        String tenant = newTenant();
        String token = "twilio-auth-token-" + UUID.randomUUID();
        var src = source(tenant, "{\"name\":\"Twilio\",\"provider\":\"twilio\",\"secret\":\"" + token + "\"}");
        String url = api.base() + src.ingestPath();
        Map<String, String> params = new LinkedHashMap<>();
        params.put("MessageSid", "SM" + UUID.randomUUID().toString().replace("-", ""));
        params.put("From", "+14155550100");
        params.put("To", "+14155550199");
        params.put("Body", "Hello & good day");
        params.put("SmsStatus", "received");
        String signature = Signers.twilio(token, url, params);
        assertThat(new RequestValidator(token).validate(url, params, signature))
                .as("Twilio's SDK agrees")
                .isTrue();
        String form = params.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        var ok = post(
                src.ingestPath(), "application/x-www-form-urlencoded", form, Map.of("X-Twilio-Signature", signature));
        accepted(ok);
        var e = event(tenant, ok.json().get("id").asString());
        assertThat(e.get("type").asString()).isEqualTo("twilio.sms.received");
        assertThat(e.get("subject").asString()).isEqualTo("+14155550100");

        rejected(
                post(
                        src.ingestPath(),
                        "application/x-www-form-urlencoded",
                        form + "&Extra=1",
                        Map.of("X-Twilio-Signature", signature)),
                "signature_invalid");

        // JSON: the URL carries the body's hash and only the URL is signed.
        String json = "{\"event\":\"status\",\"n\":" + System.nanoTime() + "}";
        String jsonUrl = url + "?bodySHA256=" + TwilioScheme.bodyHash(json.getBytes(StandardCharsets.UTF_8));
        String jsonSignature = Signers.twilio(token, jsonUrl, Map.of());
        assertThat(new RequestValidator(token).validate(jsonUrl, json, jsonSignature))
                .isTrue();
        accepted(post(
                src.ingestPath() + jsonUrl.substring(jsonUrl.indexOf('?')),
                "application/json",
                json,
                Map.of("X-Twilio-Signature", jsonSignature)));
        rejected(
                post(
                        src.ingestPath() + jsonUrl.substring(jsonUrl.indexOf('?')),
                        "application/json",
                        json + " ",
                        Map.of("X-Twilio-Signature", jsonSignature)),
                "signature_invalid");
    }

    @Test
    void githubPingAndPush() {
        String tenant = newTenant();
        var src = source(tenant, "{\"name\":\"GitHub\",\"provider\":\"github\"}");
        assertThat(src.secret()).hasSizeGreaterThanOrEqualTo(32);
        String ping = "{\"zen\":\"Keep it logically awesome.\",\"hook_id\":1}";
        var ok = post(
                src.ingestPath(),
                "application/json",
                ping,
                Map.of(
                        "X-GitHub-Event",
                        "ping",
                        "X-GitHub-Delivery",
                        UUID.randomUUID().toString(),
                        "X-Hub-Signature-256",
                        Signers.github(src.secret(), ping)));
        accepted(ok);
        assertThat(event(tenant, ok.json().get("id").asString()).get("type").asString())
                .isEqualTo("github.ping");

        String push = "{\"ref\":\"refs/heads/main\",\"repository\":{\"full_name\":\"acme/app\"}}";
        String delivery = UUID.randomUUID().toString();
        var headers = Map.of(
                "X-GitHub-Event",
                "push",
                "X-GitHub-Delivery",
                delivery,
                "X-Hub-Signature-256",
                Signers.github(src.secret(), push));
        var first = post(src.ingestPath(), "application/json", push, headers);
        accepted(first);
        assertThat(event(tenant, first.json().get("id").asString())
                        .get("subject")
                        .asString())
                .isEqualTo("acme/app");
        // GitHub signs no timestamp: a replayed delivery is caught by its delivery id.
        assertThat(post(src.ingestPath(), "application/json", push, headers)
                        .json()
                        .get("duplicate")
                        .asBoolean())
                .isTrue();
        rejected(
                post(src.ingestPath(), "application/json", push, Map.of("X-Hub-Signature-256", "sha256=00")),
                "signature_invalid");
        rejected(
                post(src.ingestPath(), "application/json", push, Map.of("X-Hub-Signature", "sha1=00")),
                "signature_missing");
    }

    @Test
    void slackHandshakeAndEvents() {
        String tenant = newTenant();
        String secret = "slack-signing-" + UUID.randomUUID();
        var src = source(tenant, "{\"name\":\"Slack\",\"provider\":\"slack\",\"secret\":\"" + secret + "\"}");
        long now = now();
        String challenge =
                "{\"token\":\"x\",\"challenge\":\"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P\",\"type\":\"url_verification\"}";
        var hello = post(
                src.ingestPath(),
                "application/json",
                challenge,
                Map.of(
                        "X-Slack-Request-Timestamp",
                        String.valueOf(now),
                        "X-Slack-Signature",
                        Signers.slack(secret, now, challenge)));
        assertThat(hello.status()).isEqualTo(200);
        assertThat(hello.json().get("challenge").asString())
                .isEqualTo("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P");

        String callback = "{\"type\":\"event_callback\",\"team_id\":\"T1\",\"event_id\":\"Ev" + System.nanoTime()
                + "\",\"event_time\":1700000000,\"event\":{\"type\":\"message\"}}";
        var ok = post(
                src.ingestPath(),
                "application/json",
                callback,
                Map.of(
                        "X-Slack-Request-Timestamp",
                        String.valueOf(now),
                        "X-Slack-Signature",
                        Signers.slack(secret, now, callback)));
        accepted(ok);
        var e = event(tenant, ok.json().get("id").asString());
        assertThat(e.get("type").asString()).isEqualTo("slack.event_callback");
        assertThat(e.get("subject").asString()).isEqualTo("T1");
        rejected(
                post(
                        src.ingestPath(),
                        "application/json",
                        callback,
                        Map.of(
                                "X-Slack-Request-Timestamp", String.valueOf(now - 600),
                                "X-Slack-Signature", Signers.slack(secret, now - 600, callback))),
                "timestamp_out_of_tolerance");
    }

    @Test
    void shopifyHmacTokenAndNone() {
        String tenant = newTenant();
        String secret = "shpss_" + UUID.randomUUID();
        var shop = source(tenant, "{\"name\":\"Shop\",\"provider\":\"shopify\",\"secret\":\"" + secret + "\"}");
        String order = "{\"id\":820982911946154500}";
        var ok = post(
                shop.ingestPath(),
                "application/json",
                order,
                Map.of(
                        "X-Shopify-Hmac-Sha256",
                        Signers.shopify(secret, order),
                        "X-Shopify-Topic",
                        "orders/create",
                        "X-Shopify-Event-Id",
                        UUID.randomUUID().toString(),
                        "X-Shopify-Shop-Domain",
                        "acme.myshopify.com"));
        accepted(ok);
        assertThat(event(tenant, ok.json().get("id").asString()).get("type").asString())
                .isEqualTo("shopify.orders.create");

        var hmac = source(
                tenant,
                "{\"name\":\"Generic\",\"provider\":\"hmac\",\"secret\":\"generic-secret-123456\",\"options\":"
                        + "{\"header\":\"X-Sig\",\"prefix\":\"sha512=\",\"algorithm\":\"sha512\",\"encoding\":\"base64\","
                        + "\"timestampHeader\":\"X-Ts\",\"signedContent\":\"{timestamp}:{body}\"}}");
        long now = now();
        String body = "{\"type\":\"thing.happened\"}";
        String sig = java.util.Base64.getEncoder()
                .encodeToString(Signers.hmac("HmacSHA512", "generic-secret-123456", now + ":" + body));
        accepted(post(
                hmac.ingestPath(),
                "application/json",
                body,
                Map.of("X-Sig", "sha512=" + sig, "X-Ts", String.valueOf(now))));
        rejected(
                post(
                        hmac.ingestPath(),
                        "application/json",
                        body,
                        Map.of("X-Sig", "sha512=" + sig, "X-Ts", String.valueOf(now + 1))),
                "signature_invalid");

        var token = source(tenant, "{\"name\":\"Internal\",\"provider\":\"token\"}");
        accepted(post(
                token.ingestPath(),
                "application/json",
                "{\"type\":\"invoice.paid\",\"n\":1}",
                Map.of("Authorization", "Bearer " + token.secret())));
        rejected(
                post(
                        token.ingestPath(),
                        "application/json",
                        "{}",
                        Map.of("Authorization", "Bearer " + token.secret() + "x")),
                "signature_invalid");
        rejected(post(token.ingestPath(), "application/json", "{}", Map.of()), "signature_missing");

        var none = source(tenant, "{\"name\":\"Open\",\"provider\":\"none\"}");
        assertThat(none.json().get("verified").asBoolean()).isFalse();
        var open = post(none.ingestPath(), "text/plain", "anything at all", Map.of());
        accepted(open);
        var e = event(tenant, open.json().get("id").asString());
        assertThat(e.get("verified").asBoolean()).isFalse();
        assertThat(e.get("verification").asString()).isEqualTo("none");
        assertThat(e.get("cloudEvent").get("verification").asString()).isEqualTo("none");

        // Providers send whatever Accept they like; ingest answers JSON to all of them, and an error too.
        for (String accept : new String[] {"text/html", "application/xml", "*/*;q=abc", "text/plain, */*"}) {
            var r = post(none.ingestPath(), "text/plain", "accept " + accept, Map.of("Accept", accept));
            accepted(r);
            assertThat(r.header("Content-Type")).startsWith("application/json");
            var missing = post("/webhooks/src_unknown", "text/plain", "x", Map.of("Accept", accept));
            assertThat(missing.status()).isEqualTo(404);
            assertThat(missing.header("Content-Type")).startsWith("application/problem+json");
        }
    }

    @Test
    void aRotatedOutSecretWorksThroughItsGracePeriodOnly() throws Exception {
        String tenant = newTenant();
        String old = "whsec_old_" + UUID.randomUUID();
        var src = source(tenant, "{\"name\":\"Stripe\",\"provider\":\"stripe\",\"secret\":\"" + old + "\"}");
        String fresh = "whsec_new_" + UUID.randomUUID();
        var rotated = api.post(
                "/api/v1/tenants/" + tenant + "/sources/" + src.id() + "/secret/rotate",
                ADMIN,
                "{\"secret\":\"" + fresh + "\",\"graceSeconds\":3600}");
        assertThat(rotated.status()).as(rotated.toString()).isEqualTo(200);
        assertThat(rotated.body()).doesNotContain(fresh).doesNotContain(old);
        assertThat(rotated.json().get("previousSecretExpiresAt").isNull()).isFalse();

        accepted(post(
                src.ingestPath(),
                "application/json",
                "{\"id\":\"evt_a\"}",
                Map.of("Stripe-Signature", Signers.stripe("{\"id\":\"evt_a\"}", old, now()))));
        accepted(post(
                src.ingestPath(),
                "application/json",
                "{\"id\":\"evt_b\"}",
                Map.of("Stripe-Signature", Signers.stripe("{\"id\":\"evt_b\"}", fresh, now()))));

        clock.advance(Duration.ofSeconds(3601));
        rejected(
                post(
                        src.ingestPath(),
                        "application/json",
                        "{\"id\":\"evt_c\"}",
                        Map.of("Stripe-Signature", Signers.stripe("{\"id\":\"evt_c\"}", old, now()))),
                "signature_invalid");
        accepted(post(
                src.ingestPath(),
                "application/json",
                "{\"id\":\"evt_d\"}",
                Map.of("Stripe-Signature", Signers.stripe("{\"id\":\"evt_d\"}", fresh, now()))));
    }
}
