package dev.switchboard.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.testing.Receiver;
import dev.switchboard.testing.Receiver.Answer;
import dev.switchboard.testing.ServerTest;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * Every write after a delivery claim is fenced on the claim's lease token: a late outcome from a
 * claim whose lease ran out is logged but not applied; a resend cannot start a second send of a
 * delivery in flight; a disabled tenant's deliveries wait until it is enabled again.
 */
class DeliveryFencingTest extends ServerTest {

    @Autowired
    DeliveryEngine engine;

    @Autowired
    OutboundProperties properties;

    @Autowired
    MeterRegistry metrics;

    Receiver receiver;
    String tenant;
    String endpointId;

    @BeforeEach
    void setUp() throws Exception {
        clock.reset();
        receiver = new Receiver();
        tenant = newTenant();
        var r = api.post(
                "/api/v1/tenants/" + tenant + "/endpoints", ADMIN, "{\"url\":\"" + receiver.url("/hook") + "\"}");
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        endpointId = r.json().get("id").asString();
    }

    @AfterEach
    void tearDown() {
        api.patch("/api/v1/tenants/" + tenant, ADMIN, "{\"disabled\":false}");
        disableEndpoints(tenant);
        receiver.close();
        clock.reset();
    }

    String send() {
        var r = api.post(
                "/api/v1/tenants/" + tenant + "/messages", ADMIN, "{\"eventType\":\"order.created\",\"payload\":{}}");
        assertThat(r.status()).as(r.toString()).isEqualTo(202);
        return r.json().get("id").asString();
    }

    String status(String messageId) {
        return api.get("/api/v1/tenants/" + tenant + "/messages/" + messageId, ADMIN)
                .json()
                .get("deliveries")
                .get(0)
                .get("status")
                .asString();
    }

    JsonNode attempts(String messageId) {
        return api.get("/api/v1/tenants/" + tenant + "/messages/" + messageId + "/attempts", ADMIN)
                .json();
    }

    int leaseToken(String messageId) {
        return jdbc.sql("SELECT lease_token FROM deliveries WHERE message_id = :m")
                .param("m", messageId)
                .query(Integer.class)
                .single();
    }

    double stale() {
        return metrics.counter(Completions.STALE).count();
    }

    @Test
    void aLateOutcomeOfAnExpiredClaimDoesNotOverwriteASuccess() {
        CountDownLatch answer = new CountDownLatch(1);
        // The first attempt hangs (and then fails); the second, under a new claim, succeeds.
        receiver.then(new Answer(500, Map.of(), new byte[0], answer));
        double staleBefore = stale();
        String id = send();
        await().atMost(Duration.ofSeconds(10)).until(() -> receiver.requests.size() == 1);

        // Its lease runs out while the first attempt still waits: the delivery is claimed again.
        clock.advance(properties.lease().plusSeconds(1));
        engine.wake();
        await().atMost(Duration.ofSeconds(10)).until(() -> status(id).equals("succeeded"));
        assertThat(receiver.requests).hasSize(2);

        // The first attempt's failure arrives late: it is in the attempt log, and changes nothing.
        answer.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> attempts(id).size() == 2);
        assertThat(attempts(id).findValuesAsString("outcome")).contains("SUCCESS");
        assertThat(status(id)).isEqualTo("succeeded");
        await().atMost(Duration.ofSeconds(5)).until(() -> stale() == staleBefore + 1);
    }

    @Test
    void aResendOfADeliveryInFlightIsRefusedAndSendsNothing() {
        CountDownLatch answer = new CountDownLatch(1);
        receiver.then(new Answer(200, Map.of(), new byte[0], answer));
        String id = send();
        await().atMost(Duration.ofSeconds(10)).until(() -> receiver.requests.size() == 1);
        String resend = "/api/v1/tenants/" + tenant + "/messages/" + id + "/endpoints/" + endpointId + "/resend";

        int token = leaseToken(id);
        var refused = api.post(resend, ADMIN, "");
        assertThat(refused.status()).as(refused.toString()).isEqualTo(409);
        assertThat(refused.json().get("code").asString()).isEqualTo("conflict");
        // Nothing was queued: a claim now does not take the delivery a second time.
        engine.runOnce();
        assertThat(leaseToken(id)).isEqualTo(token);
        assertThat(receiver.requests).hasSize(1);

        answer.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> status(id).equals("succeeded"));
        assertThat(receiver.requests).hasSize(1);

        // Once the send has ended, a resend goes out again.
        assertThat(api.post(resend, ADMIN, "").status()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(10)).until(() -> receiver.requests.size() == 2);
        await().atMost(Duration.ofSeconds(10)).until(() -> status(id).equals("succeeded"));
    }

    @Test
    void aDisabledTenantsDeliveriesWaitUntilItIsEnabled() {
        receiver.then(Answer.of(500));
        String id = send();
        await().atMost(Duration.ofSeconds(10)).until(() -> attempts(id).size() == 1);
        assertThat(status(id)).isEqualTo("pending");

        assertThat(api.patch("/api/v1/tenants/" + tenant, ADMIN, "{\"disabled\":true}")
                        .status())
                .isEqualTo(200);
        // The retry is due, but no claim takes it: its lease token stays where it was.
        clock.advance(Duration.ofMinutes(1));
        int token = leaseToken(id);
        engine.runOnce();
        engine.wake();
        engine.runOnce();
        assertThat(leaseToken(id)).isEqualTo(token);
        assertThat(receiver.requests).hasSize(1);

        assertThat(api.patch("/api/v1/tenants/" + tenant, ADMIN, "{\"disabled\":false}")
                        .status())
                .isEqualTo(200);
        engine.wake();
        await().atMost(Duration.ofSeconds(10)).until(() -> status(id).equals("succeeded"));
        assertThat(receiver.requests).hasSize(2);
    }
}
