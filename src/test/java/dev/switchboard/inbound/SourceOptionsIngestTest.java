package dev.switchboard.inbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.testing.Api;
import dev.switchboard.testing.Receiver;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Per-source options over HTTP: {@code allowedTypes} (others answered 200, stored as ignored, never
 * routed), the sender's address kept on events ({@code X-Forwarded-For} believed only from a trusted
 * proxy: the suite's server trusts loopback), {@code requireHttps} (by the proxy's
 * {@code X-Forwarded-Proto}), and the counts a source view shows.
 */
class SourceOptionsIngestTest extends InboundTestBase {

    @AfterEach
    void realTime() {
        clock.reset();
    }

    String stripeEvent(String type) {
        return "{\"id\":\"evt_" + UUID.randomUUID().toString().replace("-", "") + "\",\"object\":\"event\",\"type\":\""
                + type + "\",\"created\":" + now()
                + ",\"data\":{\"object\":{\"id\":\"obj_1\",\"customer\":\"cus_9\"}}}";
    }

    Api.Response postStripe(Created src, String secret, String body, Map<String, String> extra) throws Exception {
        Map<String, String> headers = new HashMap<>(extra);
        headers.put("Stripe-Signature", Signers.stripe(body, secret, now()));
        return post(src.ingestPath(), "application/json", body, headers);
    }

    @Test
    void typesLeftOutAreAnsweredStoredAsIgnoredNeverRoutedAndCounted() throws Exception {
        clock.freeze();
        String tenant = newTenant();
        String base = "/api/v1/tenants/" + tenant;
        String secret = "whsec_" + UUID.randomUUID().toString().replace("-", "");
        var src = source(
                tenant,
                "{\"name\":\"Stripe\",\"provider\":\"stripe\",\"secret\":\"" + secret
                        + "\",\"options\":{\"allowedTypes\":[\"payment.succeeded\",\"stripe.invoice.*\"]}}");
        assertThat(src.json().get("options").get("allowedTypes").size()).isEqualTo(2);
        JsonNode zero = src.json().get("counts");
        assertThat(zero.get("accepted").asLong()).isZero();

        try (Receiver all = new Receiver()) {
            var ep = api.post(base + "/endpoints", ADMIN, "{\"url\":\"" + all.url("/all") + "\"}");
            assertThat(ep.status()).isEqualTo(201);

            var payment = postStripe(src, secret, stripeEvent("payment_intent.succeeded"), Map.of());
            SignedIngestTest.accepted(payment);
            SignedIngestTest.accepted(postStripe(src, secret, stripeEvent("invoice.paid"), Map.of()));
            String customer = stripeEvent("customer.created");
            var ignored = postStripe(src, secret, customer, Map.of("X-Forwarded-For", "203.0.113.7"));
            SignedIngestTest.accepted(ignored);
            // Stripe's retry of the ignored event: a duplicate, as for any other.
            var retry = postStripe(src, secret, customer, Map.of());
            assertThat(retry.json().get("duplicate").asBoolean()).isTrue();
            assertThat(retry.json().get("id").asString())
                    .isEqualTo(ignored.json().get("id").asString());
            SignedIngestTest.rejected(
                    post(src.ingestPath(), "application/json", customer, Map.of("Stripe-Signature", "t=1,v1=00")),
                    "signature_invalid");

            await().atMost(Duration.ofSeconds(20)).until(() -> all.requests.size() >= 2);
            JsonNode e = event(tenant, ignored.json().get("id").asString());
            assertThat(e.get("status").asString()).isEqualTo("ignored");
            assertThat(e.get("type").asString()).isEqualTo("stripe.customer.created");
            // The proxy (loopback, trusted) said who sent it.
            assertThat(e.get("remoteAddr").asString()).isEqualTo("203.0.113.7");
            assertThat(event(tenant, payment.json().get("id").asString())
                            .get("remoteAddr")
                            .asString())
                    .isEqualTo("127.0.0.1");
            assertThat(api.get(base + "/events?status=ignored", ADMIN).json().get("data"))
                    .hasSize(1);
            // Routed: only the two allowed, whatever the catch-all endpoint takes.
            assertThat(all.requests)
                    .extracting(r -> Api.JSON.readTree(r.body()).get("type").asString())
                    .containsExactlyInAnyOrder("stripe.payment_intent.succeeded", "stripe.invoice.paid");
            assertThat(jdbc.sql("SELECT count(*) FROM messages WHERE tenant_id = :t AND event_type = :type")
                            .param("t", tenant)
                            .param("type", "stripe.customer.created")
                            .query(Long.class)
                            .single())
                    .isZero();

            JsonNode view = api.get(base + "/sources/" + src.id(), ADMIN).json();
            assertThat(view.get("counts").get("accepted").asLong()).isEqualTo(2);
            assertThat(view.get("counts").get("ignored").asLong()).isEqualTo(1);
            assertThat(view.get("counts").get("duplicate").asLong()).isEqualTo(1);
            assertThat(view.get("counts").get("rejected").asLong()).isEqualTo(1);
            // Stored to the microsecond, as every time is.
            assertThat(view.get("lastReceivedAt").asString())
                    .isEqualTo(clock.instant()
                            .truncatedTo(java.time.temporal.ChronoUnit.MICROS)
                            .toString());
            JsonNode listed =
                    api.get(base + "/sources", ADMIN).json().get("data").get(0);
            assertThat(listed.get("counts")).isEqualTo(view.get("counts"));

            disableEndpoints(tenant);
        }
    }

    @Test
    void requireHttpsRefusesWhatTheTrustedProxyReceivedOverPlainHttp() {
        String tenant = newTenant();
        String token = "shared-token-" + UUID.randomUUID();
        var src = source(
                tenant,
                "{\"name\":\"Mock\",\"provider\":\"token\",\"secret\":\"" + token
                        + "\",\"options\":{\"requireHttps\":true}}");
        Map<String, String> auth = Map.of("Authorization", "Bearer " + token);

        var direct = post(src.ingestPath(), "application/json", "{\"type\":\"a\"}", auth);
        refused(direct);
        var plain = post(
                src.ingestPath(),
                "application/json",
                "{\"type\":\"a\"}",
                Map.of("Authorization", "Bearer " + token, "X-Forwarded-Proto", "http"));
        refused(plain);
        var tls = post(
                src.ingestPath(),
                "application/json",
                "{\"type\":\"a\"}",
                Map.of("Authorization", "Bearer " + token, "X-Forwarded-Proto", "https"));
        assertThat(tls.status()).as(tls.toString()).isEqualTo(200);

        var rejections = api.get("/api/v1/tenants/" + tenant + "/sources/" + src.id() + "/rejections", ADMIN);
        assertThat(rejections.json().get("data"))
                .hasSize(2)
                .allSatisfy(r -> assertThat(r.get("code").asString()).isEqualTo("https_required"));
        JsonNode counts = api.get("/api/v1/tenants/" + tenant + "/sources/" + src.id(), ADMIN)
                .json()
                .get("counts");
        assertThat(counts.get("rejected").asLong()).isEqualTo(2);
        assertThat(counts.get("accepted").asLong()).isEqualTo(1);

        // Without the option, plain http is accepted as before.
        var open = source(tenant, "{\"name\":\"Open\",\"provider\":\"token\",\"secret\":\"" + token + "\"}");
        assertThat(post(open.ingestPath(), "application/json", "{}", auth).status())
                .isEqualTo(200);
    }

    static void refused(Api.Response r) {
        assertThat(r.status()).as(r.toString()).isEqualTo(403);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.json().get("code").asString()).isEqualTo("https_required");
    }

    @Test
    void optionsAreCheckedForEveryProvider() {
        String tenant = newTenant();
        var bad = api.post(
                "/api/v1/tenants/" + tenant + "/sources",
                ADMIN,
                "{\"name\":\"x\",\"provider\":\"none\",\"options\":{\"allowedTypes\":[\"none.ok\",\"bad type\",\"*\"]}}");
        assertThat(bad.status()).as(bad.toString()).isEqualTo(400);
        assertThat(bad.body()).contains("options.allowedTypes[1]").contains("options.allowedTypes[2]");
        var many = new StringBuilder("[");
        for (int i = 0; i < 101; i++)
            many.append(i == 0 ? "" : ",").append("\"t").append(i).append("\"");
        var tooMany = api.post(
                "/api/v1/tenants/" + tenant + "/sources",
                ADMIN,
                "{\"name\":\"x\",\"provider\":\"github\",\"secret\":\"0123456789abcdef0123\",\"options\":{\"allowedTypes\":"
                        + many + "]}}");
        assertThat(tooMany.status()).as(tooMany.toString()).isEqualTo(400);
        var ok = api.post(
                "/api/v1/tenants/" + tenant + "/sources",
                ADMIN,
                "{\"name\":\"x\",\"provider\":\"github\",\"secret\":\"0123456789abcdef0123\",\"options\":"
                        + "{\"allowedTypes\":[\"github.push\"],\"requireHttps\":false}}");
        assertThat(ok.status()).as(ok.toString()).isEqualTo(201);
    }
}
