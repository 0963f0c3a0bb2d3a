package dev.switchboard.operations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.testing.Receiver;
import dev.switchboard.testing.Receiver.Answer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Channels against local receivers standing in for Slack, Teams and a webhook. */
class AlertChannelsTest extends OperationsTestBase {

    @Test
    void eachKindOfChannelGetsThePayloadItsServiceAccepts() throws Exception {
        String tenant = newTenant();
        Receiver slack = receiver();
        Receiver teams = receiver();
        Receiver connector = receiver();
        Receiver hook = receiver();
        channel(tenant, "slack", slack.url("/services/T000/B000/XXXX"));
        channel(tenant, "teams", teams.url("/workflows/abc"));
        channel(tenant, "teams_connector", connector.url("/webhookb2/abc"));
        channel(tenant, "webhook", hook.url("/alerts"));

        var raised = api.post(
                base(tenant) + "/alerts",
                ADMIN,
                "{\"title\":\"Payouts <paused>\",\"message\":\"Stripe payouts are paused & retried\","
                        + "\"severity\":\"error\",\"userId\":\"user-42\"}");
        assertThat(raised.status()).as(raised.toString()).isEqualTo(202);
        assertThat(raised.json().get("deliveries")).hasSize(4);

        received(slack, 1);
        JsonNode s = body(slack.requests.getFirst());
        assertThat(slack.requests.getFirst().header("Content-Type")).startsWith("application/json");
        assertThat(s.get("text").asString()).contains("Payouts &lt;paused&gt;", "&amp; retried");
        JsonNode blocks = s.get("blocks");
        assertThat(blocks.get(0).get("type").asString()).isEqualTo("header");
        assertThat(blocks.get(0).get("text").get("type").asString()).isEqualTo("plain_text");
        assertThat(blocks.get(0).get("text").get("text").asString()).isEqualTo("Payouts <paused>");
        assertThat(blocks.get(1).get("type").asString()).isEqualTo("section");
        assertThat(blocks.get(1).get("text").get("type").asString()).isEqualTo("mrkdwn");
        assertThat(blocks.get(2).get("type").asString()).isEqualTo("context");
        assertThat(blocks.get(2).get("elements").get(0).get("text").asString()).contains("error", tenant, "user-42");

        received(teams, 1);
        JsonNode t = body(teams.requests.getFirst());
        assertThat(t.get("type").asString()).isEqualTo("message");
        JsonNode attachment = t.get("attachments").get(0);
        assertThat(attachment.get("contentType").asString()).isEqualTo("application/vnd.microsoft.card.adaptive");
        JsonNode card = attachment.get("content");
        assertThat(card.get("type").asString()).isEqualTo("AdaptiveCard");
        assertThat(card.get("version").asString()).isEqualTo("1.4");
        assertThat(card.get("$schema").asString()).isEqualTo("http://adaptivecards.io/schemas/adaptive-card.json");
        JsonNode cardBody = card.get("body");
        assertThat(cardBody.get(0).get("type").asString()).isEqualTo("TextBlock");
        assertThat(cardBody.get(0).get("text").asString()).isEqualTo("Payouts <paused>");
        assertThat(cardBody.get(0).get("color").asString()).isEqualTo("Attention");
        assertThat(cardBody.get(1).get("text").asString()).isEqualTo("Stripe payouts are paused & retried");
        assertThat(cardBody.get(2).get("type").asString()).isEqualTo("FactSet");
        assertThat(cardBody.get(2).get("facts").get(0).get("title").asString()).isEqualTo("Severity");

        received(connector, 1);
        JsonNode m = body(connector.requests.getFirst());
        assertThat(m.get("@type").asString()).isEqualTo("MessageCard");
        assertThat(m.get("@context").asString()).isEqualTo("https://schema.org/extensions");
        assertThat(m.get("summary").asString()).isEqualTo("Payouts <paused>");
        assertThat(m.get("sections").get(0).get("facts").get(0).get("name").asString())
                .isEqualTo("Severity");

        received(hook, 1);
        JsonNode h = body(hook.requests.getFirst());
        assertThat(h.get("type").asString()).isEqualTo("switchboard.alert");
        assertThat(h.get("tenantId").asString()).isEqualTo(tenant);
        assertThat(h.get("kind").asString()).isEqualTo("manual");
        assertThat(h.get("severity").asString()).isEqualTo("error");
        assertThat(h.get("userId").asString()).isEqualTo("user-42");

        String alertId = raised.json().get("id").asString();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            var a = api.get(base(tenant) + "/alerts/" + alertId, ADMIN).json();
            return a.get("deliveries").findValuesAsString("status").stream().allMatch("sent"::equals);
        });
    }

    @Test
    void aChannelUrlIsSealedAndShownOnlyAsAHint() throws Exception {
        String tenant = newTenant();
        Receiver slack = receiver();
        String url = slack.url("/services/T123/B456/secretpart");
        String id = channel(tenant, "slack", url);
        var view = api.get(base(tenant) + "/alert-channels/" + id, ADMIN);
        assertThat(view.body()).doesNotContain("secretpart", "T123");
        assertThat(view.json().get("urlHint").asString())
                .startsWith("http://127.0.0.1:")
                .endsWith("…part");
        byte[] stored = jdbc.sql("SELECT url FROM alert_channels WHERE id = :id")
                .param("id", id)
                .query(byte[].class)
                .single();
        assertThat(new String(stored, StandardCharsets.ISO_8859_1)).doesNotContain("secretpart");

        // Another tenant does not see it; the platform's list is another scope.
        String other = newTenant();
        assertThat(api.get(base(other) + "/alert-channels/" + id, ADMIN).status())
                .isEqualTo(404);
        assertThat(api.get("/api/v1/alert-channels/" + id, ADMIN).status()).isEqualTo(404);

        var test = api.post(base(tenant) + "/alert-channels/" + id + "/test", ADMIN, null);
        assertThat(test.status()).isEqualTo(202);
        received(slack, 1);
        assertThat(body(slack.requests.getFirst()).get("text").asString()).contains("test alert");

        // Bad input: an unknown kind, a URL the guard refuses, a missing URL.
        assertThat(api.post(
                                base(tenant) + "/alert-channels",
                                ADMIN,
                                "{\"name\":\"n\",\"kind\":\"pager\",\"url\":\"" + url + "\"}")
                        .json()
                        .get("code")
                        .asString())
                .isEqualTo("validation_failed");
        assertThat(api.post(
                                base(tenant) + "/alert-channels",
                                ADMIN,
                                "{\"name\":\"n\",\"kind\":\"slack\",\"url\":\"http://10.1.2.3/x\"}")
                        .status())
                .isEqualTo(400);
        assertThat(api.post(base(tenant) + "/alert-channels", ADMIN, "{\"name\":\"n\",\"kind\":\"slack\"}")
                        .status())
                .isEqualTo(400);

        var renamed = api.patch(base(tenant) + "/alert-channels/" + id, ADMIN, "{\"name\":\"ops\",\"enabled\":false}");
        assertThat(renamed.json().get("name").asString()).isEqualTo("ops");
        assertThat(renamed.json().get("enabled").asBoolean()).isFalse();
        assertThat(api.delete(base(tenant) + "/alert-channels/" + id, ADMIN).status())
                .isEqualTo(204);
        assertThat(api.get(base(tenant) + "/alert-channels/" + id, ADMIN).status())
                .isEqualTo(404);
    }

    @Test
    void aFailingChannelIsRetriedAndRecordedWhileAnotherSucceeds() throws Exception {
        Receiver good = receiver();
        Receiver flaky = receiver();
        Receiver dead = receiver();
        flaky.then(Answer.of(500));
        dead.then(Answer.of(503), Answer.of(503), Answer.of(503));
        String goodId = channel(null, "slack", good.url("/ok"));
        String flakyId = channel(null, "teams", flaky.url("/flaky"));
        String deadId = channel(null, "webhook", dead.url("/dead"));

        var raised = api.post("/api/v1/alerts", ADMIN, "{\"title\":\"Disk\",\"message\":\"Disk 91% full\"}");
        assertThat(raised.status()).as(raised.toString()).isEqualTo(202);
        String alertId = raised.json().get("id").asString();

        // The healthy channel gets it at once, whatever the others answer.
        received(good, 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> flaky.requests.size() == 1 && dead.requests.size() == 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            var s = sends(alertId);
            return s.get(flakyId).get("attempts").asInt() == 1
                    && s.get(deadId).get("attempts").asInt() == 1;
        });
        var first = sends(alertId);
        assertThat(first.get(goodId).get("status").asString()).isEqualTo("sent");
        assertThat(first.get(flakyId).get("status").asString()).isEqualTo("pending");
        assertThat(first.get(flakyId).get("lastStatus").asInt()).isEqualTo(500);
        assertThat(first.get(flakyId).get("lastError").asString()).isEqualTo("HTTP 500");

        // Retries come after a backoff (10 s, then 40 s): moving the clock makes them due.
        clock.advance(Duration.ofSeconds(11));
        await().atMost(Duration.ofSeconds(10))
                .until(() ->
                        "sent".equals(sends(alertId).get(flakyId).get("status").asString()));
        assertThat(flaky.requests).hasSize(2);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> sends(alertId).get(deadId).get("attempts").asInt() == 2);
        clock.advance(Duration.ofSeconds(41));
        await().atMost(Duration.ofSeconds(10))
                .until(() ->
                        "failed".equals(sends(alertId).get(deadId).get("status").asString()));
        var last = sends(alertId);
        assertThat(last.get(deadId).get("attempts").asInt()).isEqualTo(3);
        assertThat(last.get(deadId).get("lastStatus").asInt()).isEqualTo(503);
        assertThat(last.get(flakyId).get("attempts").asInt()).isEqualTo(2);
        assertThat(good.requests).hasSize(1);

        // The platform's alerts are the operator's: a tenant key does not reach them.
        String tenant = newTenant();
        var key = api.post(base(tenant) + "/api-keys", ADMIN, "{\"name\":\"k\",\"role\":\"admin\"}")
                .json()
                .get("key")
                .asString();
        assertThat(api.get("/api/v1/alerts", key).status()).isEqualTo(403);
        assertThat(alerts(tenant)).isEmpty();
    }

    /** The alert's sends by channel id. */
    private java.util.Map<String, JsonNode> sends(String alertId) {
        var a = api.get("/api/v1/alerts/" + alertId, ADMIN).json();
        java.util.Map<String, JsonNode> by = new java.util.HashMap<>();
        for (JsonNode d : a.get("deliveries")) by.put(d.get("channelId").asString(), d);
        return by;
    }
}
