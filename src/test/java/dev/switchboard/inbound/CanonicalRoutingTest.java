package dev.switchboard.inbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.testing.Api;
import dev.switchboard.testing.PaypalDouble;
import dev.switchboard.testing.Receiver;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * An endpoint subscribed to {@code payment.succeeded} receives a Stripe and a PayPal payment, each
 * signed as its provider signs, at a local receiver; the events keep their provider types and carry
 * the canonical one as the CloudEvents extension {@code canonicaltype}.
 */
class CanonicalRoutingTest extends InboundTestBase {

    @AfterEach
    void realTime() {
        clock.reset();
    }

    @Test
    void anEndpointSubscribedToPaymentSucceededReceivesStripeAndPaypalPayments() throws Exception {
        clock.freeze();
        String tenant = newTenant();
        String base = "/api/v1/tenants/" + tenant;
        String stripeSecret = "whsec_" + UUID.randomUUID().toString().replace("-", "");
        var stripe =
                source(tenant, "{\"name\":\"Stripe\",\"provider\":\"stripe\",\"secret\":\"" + stripeSecret + "\"}");
        String webhookId = "8PT597110X687430LKGECATA";
        var paypal = source(tenant, "{\"name\":\"PayPal\",\"provider\":\"paypal\",\"secret\":\"" + webhookId + "\"}");

        try (Receiver payments = new Receiver();
                Receiver stripeOnly = new Receiver()) {
            var ep = api.post(
                    base + "/endpoints",
                    ADMIN,
                    "{\"url\":\"" + payments.url("/payments") + "\",\"eventTypes\":[\"payment.succeeded\"]}");
            assertThat(ep.status()).as(ep.toString()).isEqualTo(201);
            api.post(
                    base + "/endpoints",
                    ADMIN,
                    "{\"url\":\"" + stripeOnly.url("/stripe")
                            + "\",\"eventTypes\":[\"stripe.payment_intent.succeeded\"]}");

            String stripeBody = "{\"id\":\"evt_" + UUID.randomUUID().toString().replace("-", "")
                    + "\",\"object\":\"event\",\"type\":\"payment_intent.succeeded\",\"created\":" + now()
                    + ",\"data\":{\"object\":{\"id\":\"pi_3MtwBwLkdIwHu7ix28a3tqPa\",\"object\":\"payment_intent\","
                    + "\"amount\":2000,\"currency\":\"usd\",\"customer\":\"cus_NffrFeUfNV2Hib\"}}}";
            var s = post(
                    stripe.ingestPath(),
                    "application/json",
                    stripeBody,
                    Map.of("Stripe-Signature", Signers.stripe(stripeBody, stripeSecret, now())));
            SignedIngestTest.accepted(s);

            String paypalBody = PaypalIngestTest.body("WH-" + UUID.randomUUID());
            PaypalDouble double_ = PaypalIngestTest.PAYPAL;
            var p = post(
                    paypal.ingestPath(),
                    "application/json",
                    paypalBody,
                    PaypalIngestTest.sign(
                            double_.signingKey,
                            double_.certUrl("CERT-good"),
                            webhookId,
                            paypalBody,
                            clock.instant().toString()));
            SignedIngestTest.accepted(p);

            // A refund is not a payment that succeeded: it goes nowhere.
            String refund = stripeBody
                    .replace("payment_intent.succeeded", "charge.refunded")
                    .replace("\"id\":\"evt_", "\"id\":\"evt_r");
            SignedIngestTest.accepted(post(
                    stripe.ingestPath(),
                    "application/json",
                    refund,
                    Map.of("Stripe-Signature", Signers.stripe(refund, stripeSecret, now()))));

            await().atMost(Duration.ofSeconds(20)).until(() -> payments.requests.size() >= 2);
            await().atMost(Duration.ofSeconds(20)).until(() -> stripeOnly.requests.size() >= 1);
            Set<String> types = payments.requests.stream()
                    .map(r -> Api.JSON.readTree(r.body()))
                    .peek(m -> assertThat(m.get("data").get("canonicaltype").asString())
                            .isEqualTo("payment.succeeded"))
                    .map(m -> m.get("type").asString())
                    .collect(Collectors.toSet());
            // One message per event, under the provider's own type.
            assertThat(types)
                    .containsExactlyInAnyOrder("stripe.payment_intent.succeeded", "paypal.PAYMENT.CAPTURE.COMPLETED");
            assertThat(stripeOnly.requests).hasSize(1);
            // Signed as every other message: checked with the Standard Webhooks library.
            var verifier =
                    new com.standardwebhooks.Webhook(ep.json().get("secret").asString());
            for (Receiver.Request r : payments.requests) {
                verifier.verify(
                        r.text(),
                        Map.of(
                                "webhook-id", java.util.List.of(r.header("webhook-id")),
                                "webhook-timestamp", java.util.List.of(r.header("webhook-timestamp")),
                                "webhook-signature", java.util.List.of(r.header("webhook-signature"))));
            }

            // The events API: each keeps its type, shows the canonical one, and filters on it.
            JsonNode stripeEvent = event(tenant, s.json().get("id").asString());
            assertThat(stripeEvent.get("type").asString()).isEqualTo("stripe.payment_intent.succeeded");
            assertThat(stripeEvent.get("canonicalType").asString()).isEqualTo("payment.succeeded");
            assertThat(stripeEvent.get("cloudEvent").get("canonicaltype").asString())
                    .isEqualTo("payment.succeeded");
            var listed = api.get(base + "/events?canonicalType=payment.succeeded", ADMIN);
            assertThat(listed.status()).isEqualTo(200);
            assertThat(listed.json()
                            .get("data")
                            .valueStream()
                            .map(e -> e.get("id").asString()))
                    .containsExactlyInAnyOrder(
                            s.json().get("id").asString(), p.json().get("id").asString());
            assertThat(api.get(base + "/events?canonicalType=payment.refunded", ADMIN)
                            .json()
                            .get("data"))
                    .hasSize(1);

            disableEndpoints(tenant);
        }
    }
}
