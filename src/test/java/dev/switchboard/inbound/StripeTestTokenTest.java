package dev.switchboard.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** A Stripe source in test mode: a shared token instead of Stripe's signature, read as Stripe, flagged. */
class StripeTestTokenTest extends InboundTestBase {

    @Test
    void aTokenAuthenticatesAndTheBodyIsReadAsStripes() throws Exception {
        String tenant = newTenant();
        String token = "mock-mode-token-" + UUID.randomUUID();
        var src = source(
                tenant,
                "{\"name\":\"Stripe (mock)\",\"provider\":\"stripe\",\"secret\":\"" + token
                        + "\",\"options\":{\"testToken\":true}}");
        assertThat(src.json().get("options").get("testToken").asBoolean()).isTrue();
        String payload = "{\"id\":\"evt_" + UUID.randomUUID() + "\",\"type\":\"payment_intent.succeeded\","
                + "\"created\":1700000000,\"data\":{\"object\":{\"id\":\"pi_1\",\"customer\":\"cus_42\"}}}";

        var ok = post(src.ingestPath(), "application/json", payload, Map.of("Authorization", "Bearer " + token));
        SignedIngestTest.accepted(ok);
        var e = event(tenant, ok.json().get("id").asString());
        assertThat(e.get("type").asString()).isEqualTo("stripe.payment_intent.succeeded");
        assertThat(e.get("subject").asString()).isEqualTo("cus_42");
        assertThat(e.get("verification").asString()).isEqualTo("stripe-test-token");
        assertThat(e.get("cloudEvent").get("verification").asString()).isEqualTo("stripe-test-token");
        assertThat(e.get("headers").get("authorization").asString()).isEqualTo("[redacted]");
        var again = post(src.ingestPath(), "application/json", payload, Map.of("Authorization", "Bearer " + token));
        assertThat(again.json().get("duplicate").asBoolean()).isTrue();

        SignedIngestTest.rejected(
                post(src.ingestPath(), "application/json", payload, Map.of("Authorization", "Bearer " + token + "x")),
                "signature_invalid");
        // A real Stripe signature is not what this source takes.
        SignedIngestTest.rejected(
                post(
                        src.ingestPath(),
                        "application/json",
                        payload,
                        Map.of("Stripe-Signature", Signers.stripe(payload, token, now()))),
                "signature_missing");
    }

    @Test
    void onlyStripeTakesTheOption() {
        String tenant = newTenant();
        var r = api.post(
                "/api/v1/tenants/" + tenant + "/sources",
                ADMIN,
                "{\"name\":\"g\",\"provider\":\"github\",\"options\":{\"testToken\":true}}");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.body()).contains("options.testToken");
    }
}
