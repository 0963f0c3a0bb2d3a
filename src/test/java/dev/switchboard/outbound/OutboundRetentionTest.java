package dev.switchboard.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.testing.Receiver;
import dev.switchboard.testing.ServerTest;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Outbound retention with a moved clock: a delivered message past 30 days goes with its deliveries,
 * attempts and Idempotency-Key; a message whose delivery is still pending or paused stays, however
 * old; a recent one stays; an Idempotency-Key goes after its 24 hours.
 */
class OutboundRetentionTest extends ServerTest {

    @Autowired
    OutboundRetention retention;

    String tenant;

    @AfterEach
    void tearDown() {
        if (tenant != null) disableEndpoints(tenant);
        clock.reset();
    }

    String endpoint(String url, String type) {
        var r = api.post(
                "/api/v1/tenants/" + tenant + "/endpoints",
                ADMIN,
                "{\"url\":\"" + url + "\",\"eventTypes\":[\"" + type + "\"]}");
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.json().get("id").asString();
    }

    String send(String type, String idempotencyKey) {
        var b = HttpRequest.newBuilder(URI.create(api.base() + "/api/v1/tenants/" + tenant + "/messages"))
                .header("Authorization", "Bearer " + ADMIN)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"eventType\":\"" + type + "\",\"payload\":{}}"));
        if (idempotencyKey != null) b.header("Idempotency-Key", idempotencyKey);
        var r = api.send(b.build());
        assertThat(r.status()).as(r.toString()).isEqualTo(202);
        return r.json().get("id").asString();
    }

    String status(String message) {
        return jdbc.sql("SELECT status FROM deliveries WHERE message_id = :m")
                .param("m", message)
                .query(String.class)
                .single();
    }

    long rows(String table, String message) {
        return jdbc.sql("SELECT count(*) FROM " + table + " WHERE message_id = :m")
                .param("m", message)
                .query(Long.class)
                .single();
    }

    @Test
    void oldDoneMessagesGoAndUndeliveredOnesStay() throws Exception {
        tenant = newTenant();
        try (Receiver ok = new Receiver();
                Receiver failing = new Receiver()) {
            endpoint(ok.url("/ok"), "a.done");
            endpoint(failing.url("/fail"), "c.retry");
            String paused = endpoint(ok.url("/paused"), "b.wait");
            api.patch("/api/v1/tenants/" + tenant + "/endpoints/" + paused, ADMIN, "{\"disabled\":true}");
            for (int i = 0; i < 20; i++) failing.then(Receiver.Answer.of(503));

            String done = send("a.done", "key-done");
            String waiting = send("b.wait", null);
            String retrying = send("c.retry", null);
            await().atMost(Duration.ofSeconds(60)).until(() -> status(done), "succeeded"::equals);
            await().atMost(Duration.ofSeconds(60)).until(() -> rows("delivery_attempts", retrying) > 0);
            assertThat(status(waiting)).isEqualTo("paused");
            assertThat(status(retrying)).isEqualTo("pending");
            assertThat(rows("delivery_attempts", done)).isEqualTo(1);
            assertThat(rows("message_idempotency", done)).isEqualTo(1);

            // A day and a bit: the key's window is over, the messages are far from their 30 days.
            clock.advance(Duration.ofHours(25));
            retention.run(100);
            assertThat(rows("message_idempotency", done)).isZero();
            assertThat(rows("deliveries", done)).isEqualTo(1);

            clock.advance(Duration.ofDays(30));
            String recent = send("a.done", null);
            await().atMost(Duration.ofSeconds(60)).until(() -> status(recent), "succeeded"::equals);
            retention.run(100);

            assertThat(api.get("/api/v1/tenants/" + tenant + "/messages/" + done, ADMIN)
                            .status())
                    .isEqualTo(404);
            assertThat(rows("deliveries", done)).isZero();
            assertThat(rows("delivery_attempts", done)).isZero();
            // Never purged while a delivery waits: paused with its endpoint, or pending a retry.
            assertThat(api.get("/api/v1/tenants/" + tenant + "/messages/" + waiting, ADMIN)
                            .status())
                    .isEqualTo(200);
            assertThat(status(waiting)).isEqualTo("paused");
            assertThat(api.get("/api/v1/tenants/" + tenant + "/messages/" + retrying, ADMIN)
                            .status())
                    .isEqualTo(200);
            assertThat(rows("deliveries", retrying)).isEqualTo(1);
            // The old attempts of a message kept are past their own retention.
            assertThat(jdbc.sql(
                                    "SELECT count(*) FROM delivery_attempts WHERE message_id = :m AND attempted_at < :cutoff")
                            .param("m", retrying)
                            .param(
                                    "cutoff",
                                    dev.switchboard.common.Sql.ts(
                                            clock.instant().minus(Duration.ofDays(30))))
                            .query(Long.class)
                            .single())
                    .isZero();
            assertThat(api.get("/api/v1/tenants/" + tenant + "/messages/" + recent, ADMIN)
                            .status())
                    .isEqualTo(200);
            assertThat(rows("delivery_attempts", recent)).isEqualTo(1);
        }
    }
}
