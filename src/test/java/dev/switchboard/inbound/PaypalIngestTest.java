package dev.switchboard.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.PaypalDouble;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.Signature;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * PayPal transmissions over HTTP, signed here with a key pair and certificate made by the test
 * (a local CA the server trusts, and a local certificate host), never by the code under test.
 */
class PaypalIngestTest extends InboundTestBase {

    static final PaypalDouble PAYPAL = PaypalDouble.get();

    @AfterEach
    void realTime() {
        clock.reset();
    }

    static String body(String id) {
        return "{\"id\":\"" + id + "\",\"create_time\":\"2026-12-01T10:00:00.000Z\",\"resource_type\":\"capture\","
                + "\"event_type\":\"PAYMENT.CAPTURE.COMPLETED\",\"summary\":\"Payment completed for $ 7.47 USD\","
                + "\"resource\":{\"id\":\"42311647XV020574X\",\"status\":\"COMPLETED\",\"amount\":{\"currency_code\":"
                + "\"USD\",\"value\":\"7.47\"},\"payer\":{\"payer_id\":\"PAYER42\"}}}";
    }

    /** PayPal's documented input: {@code <id>|<time>|<webhook id>|<CRC32 of the body, decimal>}. */
    static Map<String, String> sign(KeyPair key, String certUrl, String webhookId, String body, String time) {
        try {
            String transmission = UUID.randomUUID().toString();
            CRC32 crc = new CRC32();
            crc.update(body.getBytes(StandardCharsets.UTF_8));
            Signature s = Signature.getInstance("SHA256withRSA");
            s.initSign(key.getPrivate());
            s.update((transmission + "|" + time + "|" + webhookId + "|" + crc.getValue())
                    .getBytes(StandardCharsets.UTF_8));
            return Map.of(
                    "PAYPAL-TRANSMISSION-ID", transmission,
                    "PAYPAL-TRANSMISSION-TIME", time,
                    "PAYPAL-TRANSMISSION-SIG", Base64.getEncoder().encodeToString(s.sign()),
                    "PAYPAL-CERT-URL", certUrl,
                    "PAYPAL-AUTH-ALGO", "SHA256withRSA");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void crc32IsTheStandardOne() {
        // The CRC-32 check value: what PayPal's SDKs compute, so the signed string above is theirs.
        CRC32 crc = new CRC32();
        crc.update("123456789".getBytes(StandardCharsets.US_ASCII));
        assertThat(crc.getValue()).isEqualTo(0xCBF43926L);
    }

    @Test
    void signedTransmissionsAreAcceptedForgeriesAreNot() {
        clock.freeze();
        String tenant = newTenant();
        String webhookId = "1JE4291016473214C";
        var src = source(tenant, "{\"name\":\"PayPal\",\"provider\":\"paypal\",\"secret\":\"" + webhookId + "\"}");
        String body = body("WH-" + UUID.randomUUID());
        String now = clock.instant().toString();
        String good = PAYPAL.certUrl("CERT-good");
        int fetchesBefore = PAYPAL.fetches.get();

        var ok = post(src.ingestPath(), "application/json", body, sign(PAYPAL.signingKey, good, webhookId, body, now));
        SignedIngestTest.accepted(ok);
        var e = event(tenant, ok.json().get("id").asString());
        assertThat(e.get("type").asString()).isEqualTo("paypal.PAYMENT.CAPTURE.COMPLETED");
        assertThat(e.get("subject").asString()).isEqualTo("PAYER42");
        assertThat(e.get("verification").asString()).isEqualTo("paypal-sha256withrsa");
        assertThat(e.get("headers").get("paypal-transmission-sig").asString()).isEqualTo("[redacted]");

        // PayPal's retry: a new transmission of the same event, collapsed; the certificate is cached.
        var again =
                post(src.ingestPath(), "application/json", body, sign(PAYPAL.signingKey, good, webhookId, body, now));
        assertThat(again.json().get("duplicate").asBoolean()).isTrue();
        assertThat(PAYPAL.fetches.get() - fetchesBefore).isLessThanOrEqualTo(1);

        // Another subscription's webhook id, a changed body, another key, a stale time.
        SignedIngestTest.rejected(
                post(src.ingestPath(), "application/json", body, sign(PAYPAL.signingKey, good, "OTHER", body, now)),
                "signature_invalid");
        SignedIngestTest.rejected(
                post(
                        src.ingestPath(),
                        "application/json",
                        body + " ",
                        sign(PAYPAL.signingKey, good, webhookId, body, now)),
                "signature_invalid");
        SignedIngestTest.rejected(
                post(src.ingestPath(), "application/json", body, sign(PAYPAL.rogueKey, good, webhookId, body, now)),
                "signature_invalid");
        String old = clock.instant().minusSeconds(3600).toString();
        SignedIngestTest.rejected(
                post(src.ingestPath(), "application/json", body, sign(PAYPAL.signingKey, good, webhookId, body, old)),
                "timestamp_out_of_tolerance");
        SignedIngestTest.rejected(post(src.ingestPath(), "application/json", body, Map.of()), "signature_missing");
    }

    @Test
    void certificatesComeOnlyFromPaypalsHostsAndMustChainToTheTrustAnchor() {
        clock.freeze();
        String tenant = newTenant();
        var src = source(tenant, "{\"name\":\"PayPal\",\"provider\":\"paypal\",\"secret\":\"WH-ID-1\"}");
        String body = body("WH-" + UUID.randomUUID());
        String now = clock.instant().toString();
        int before = PAYPAL.fetches.get();
        for (String url : List.of(
                "http://127.0.0.1:9/v1/notifications/certs/CERT-good",
                "https://evil.example/v1/notifications/certs/CERT-good",
                PAYPAL.prefix().replace("http://", "http://user@") + "CERT-good",
                PAYPAL.prefix() + "../CERT-good",
                "file:///etc/passwd")) {
            var r = post(
                    src.ingestPath(), "application/json", body, sign(PAYPAL.signingKey, url, "WH-ID-1", body, now));
            SignedIngestTest.rejected(r, "signature_invalid");
            assertThat(r.json().get("detail").asString()).contains("PayPal's certificate hosts");
        }
        // Refused before any fetch.
        assertThat(PAYPAL.fetches.get()).isEqualTo(before);

        // On the host, signed by its own key, but issued by nobody trusted.
        var rogue = post(
                src.ingestPath(),
                "application/json",
                body,
                sign(PAYPAL.rogueKey, PAYPAL.certUrl("CERT-rogue"), "WH-ID-1", body, now));
        SignedIngestTest.rejected(rogue, "signature_invalid");
        assertThat(rogue.json().get("detail").asString()).contains("trusted");
        var missing = post(
                src.ingestPath(),
                "application/json",
                body,
                sign(PAYPAL.signingKey, PAYPAL.certUrl("CERT-none"), "WH-ID-1", body, now));
        SignedIngestTest.rejected(missing, "signature_invalid");
    }

    @Test
    void allowListParsing() {
        var prefixes = List.of("https://api.paypal.com/", "https://api-m.sandbox.paypal.com/");
        assertThat(PaypalCertificates.allowed("https://api.paypal.com/v1/notifications/certs/CERT-1", prefixes))
                .isNotNull();
        assertThat(PaypalCertificates.allowed("HTTPS://API.PAYPAL.COM/v1/notifications/certs/CERT-1", prefixes))
                .isNotNull();
        for (String bad : List.of(
                "https://api.paypal.com.evil.example/x",
                "https://api.paypal.com@evil.example/x",
                "https://evil.example/https://api.paypal.com/",
                "http://api.paypal.com/x",
                "https://api.paypal.com:8443/x",
                "https://api.paypal.com/v1/%2e%2e/x",
                "https://api.paypal.com/x#y",
                "::",
                "")) {
            assertThat(PaypalCertificates.allowed(bad, prefixes)).as(bad).isNull();
        }
    }
}
