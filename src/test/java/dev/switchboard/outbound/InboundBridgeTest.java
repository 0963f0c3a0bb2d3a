package dev.switchboard.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.testing.Api;
import dev.switchboard.testing.Receiver;
import dev.switchboard.testing.ServerTest;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** A verified inbound Stripe event goes out to the endpoints that subscribe to its type, signed. */
class InboundBridgeTest extends ServerTest {

    @Test
    void aVerifiedStripeEventReachesSubscribedEndpoints() throws Exception {
        String tenant = newTenant();
        String base = "/api/v1/tenants/" + tenant;
        String secret = "whsec_test_" + UUID.randomUUID().toString().replace("-", "");
        var source = api.post(
                base + "/sources",
                ADMIN,
                "{\"name\":\"Stripe\",\"provider\":\"stripe\",\"secret\":\"" + secret + "\"}");
        assertThat(source.status()).isEqualTo(201);
        try (Receiver billing = new Receiver();
                Receiver other = new Receiver()) {
            var ep = api.post(
                    base + "/endpoints",
                    ADMIN,
                    "{\"url\":\"" + billing.url("/stripe") + "\",\"eventTypes\":[\"stripe.invoice.paid\"]}");
            api.post(
                    base + "/endpoints",
                    ADMIN,
                    "{\"url\":\"" + other.url("/other") + "\",\"eventTypes\":[\"stripe.charge.refunded\"]}");

            String payload =
                    "{\"id\":\"evt_" + UUID.randomUUID() + "\",\"type\":\"invoice.paid\",\"created\":1700000000,"
                            + "\"data\":{\"object\":{\"id\":\"in_1\",\"customer\":\"cus_42\",\"amount_paid\":2999}}}";
            long now = clock.instant().getEpochSecond();
            var ingest = api.send(HttpRequest.newBuilder(URI.create(
                            api.base() + "/webhooks/" + source.json().get("id").asString()))
                    .header("Content-Type", "application/json")
                    .header(
                            "Stripe-Signature",
                            com.stripe.net.Webhook.Signature.generateSignatureHeader(payload, secret, now))
                    .POST(HttpRequest.BodyPublishers.ofString(payload, StandardCharsets.UTF_8))
                    .build());
            assertThat(ingest.status()).as(ingest.toString()).isEqualTo(200);
            String eventId = ingest.json().get("id").asString();

            await().atMost(Duration.ofSeconds(20)).until(() -> billing.requests.size() == 1);
            Receiver.Request r = billing.requests.getFirst();
            DeliveryTest.verified(r, ep.json().get("secret").asString());
            JsonNode body = Api.JSON.readTree(r.body());
            assertThat(body.get("type").asString()).isEqualTo("stripe.invoice.paid");
            JsonNode event = body.get("data");
            assertThat(event.get("id").asString()).isEqualTo(eventId);
            assertThat(event.get("specversion").asString()).isEqualTo("1.0");
            assertThat(event.get("subject").asString()).isEqualTo("cus_42");
            assertThat(event.get("verification").asString()).isEqualTo("stripe-v1");
            assertThat(event.get("data")
                            .get("data")
                            .get("object")
                            .get("amount_paid")
                            .asInt())
                    .isEqualTo(2999);
            assertThat(other.requests).isEmpty();

            disableEndpoints(tenant);
        }
    }

    @Test
    void anUnverifiedEventGoesOnlyToEndpointsThatNameItsType() throws Exception {
        String tenant = newTenant();
        String base = "/api/v1/tenants/" + tenant;
        var open = api.post(base + "/sources", ADMIN, "{\"name\":\"Open\",\"provider\":\"none\"}");
        assertThat(open.status()).isEqualTo(201);
        String sourceId = open.json().get("id").asString();
        try (Receiver named = new Receiver();
                Receiver everything = new Receiver()) {
            api.post(
                    base + "/endpoints",
                    ADMIN,
                    "{\"url\":\"" + named.url("/named") + "\",\"eventTypes\":[\"none.order.created\"]}");
            var all = api.post(base + "/endpoints", ADMIN, "{\"url\":\"" + everything.url("/all") + "\"}");
            assertThat(all.status()).as(all.toString()).isEqualTo(201);

            var ingest = api.send(HttpRequest.newBuilder(URI.create(api.base() + "/webhooks/" + sourceId))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"order.created\",\"n\":1}"))
                    .build());
            assertThat(ingest.status()).as(ingest.toString()).isEqualTo(200);
            String eventId = ingest.json().get("id").asString();

            await().atMost(Duration.ofSeconds(20)).until(() -> named.requests.size() == 1);
            JsonNode cloudEvent =
                    Api.JSON.readTree(named.requests.getFirst().body()).get("data");
            assertThat(cloudEvent.get("verification").asString()).isEqualTo("none");
            // Where the event came from, without the ingest URL's id.
            assertThat(cloudEvent.get("source").asString()).isEqualTo("/switchboard/sources/none");
            assertThat(named.requests.getFirst().text()).doesNotContain(sourceId);

            // The message and all its deliveries commit with the event's processing: none waits for the catch-all.
            assertThat(api.get(base + "/events/" + eventId, ADMIN)
                            .json()
                            .get("status")
                            .asString())
                    .isEqualTo("processed");
            assertThat(jdbc.sql("SELECT count(*) FROM deliveries WHERE endpoint_id = :ep")
                            .param("ep", all.json().get("id").asString())
                            .query(Long.class)
                            .single())
                    .isZero();
            assertThat(everything.requests).isEmpty();

            disableEndpoints(tenant);
        }
    }
}
