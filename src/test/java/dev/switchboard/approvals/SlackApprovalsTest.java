package dev.switchboard.approvals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.testing.Api;
import dev.switchboard.testing.Receiver;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Slack approvals end to end: the request is posted through the outbox to a local Slack API double
 * with Approve and Deny buttons, and the interactivity callback, signed as Slack signs it, decides;
 * the message is updated at a local {@code response_url} receiver. A forged signature, a stale
 * timestamp, a replay and a user who is not an approver change nothing.
 */
class SlackApprovalsTest extends ApprovalTestBase {

    static final String SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
    static final String APPROVER = "U2CERLKJA";

    Receiver slackApi;
    Receiver responses;
    String callback;

    @BeforeEach
    void setUpSlack() throws Exception {
        slackApi = new Receiver();
        responses = new Receiver();
        String slack = connect(slackApi.url("/api"), "Slack");
        var put = api.send(
                "PUT",
                base + "/approval-settings",
                ADMIN,
                "application/json",
                ("{\"slack\":{\"connection\":\"" + slack + "\",\"channel\":\"C0APPROVALS\",\"signingSecret\":\""
                                + SIGNING_SECRET + "\",\"approvers\":{\"" + APPROVER + "\":\"Road Runner\"}}}")
                        .getBytes(StandardCharsets.UTF_8));
        assertThat(put.status()).as(put.toString()).isEqualTo(200);
        assertThat(put.body()).doesNotContain(SIGNING_SECRET);
        callback = put.json().get("slack").get("callbackPath").asString();
        assertThat(callback).isEqualTo("/webhooks/slack/approvals/" + tenant);
    }

    @AfterEach
    void tearDownSlack() {
        slackApi.close();
        responses.close();
    }

    /** The Block Kit message posted for a job, once the outbox sent it to the Slack double. */
    JsonNode postedMessage(String jobId) {
        await().atMost(Duration.ofSeconds(15))
                .until(() -> slackApi.requests.stream().anyMatch(r -> r.text().contains(jobId)));
        var r = slackApi.requests.stream()
                .filter(x -> x.text().contains(jobId))
                .findFirst()
                .orElseThrow();
        assertThat(r.path()).endsWith("/api/chat.postMessage");
        assertThat(r.header("Authorization")).isEqualTo("Bearer sk_test_approval_4242");
        return Api.JSON.readTree(r.body());
    }

    String payload(String user, String action, String jobId) {
        return "{\"type\":\"block_actions\",\"user\":{\"id\":\"" + user + "\"},\"actions\":[{\"action_id\":\""
                + action + "\",\"value\":\"" + jobId + "\"}],\"response_url\":\"" + responses.url("/actions/" + jobId)
                + "\"}";
    }

    static String sign(String secret, long timestamp, String body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return "v0="
                + HexFormat.of()
                        .formatHex(mac.doFinal(("v0:" + timestamp + ":" + body).getBytes(StandardCharsets.UTF_8)));
    }

    Api.Response send(String body, long timestamp, String signature) {
        return api.send(HttpRequest.newBuilder(URI.create(api.base() + callback))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("X-Slack-Request-Timestamp", Long.toString(timestamp))
                .header("X-Slack-Signature", signature)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build());
    }

    static String form(String payloadJson) {
        return "payload=" + URLEncoder.encode(payloadJson, StandardCharsets.UTF_8);
    }

    @Test
    void aSignedClickApprovesAndTheMessageIsUpdated() throws Exception {
        String id = queue(
                        "{\"method\":\"POST\",\"path\":\"/v1/charges\",\"body\":{\"amount\":990,\"apiKey\":\"k_hidden\"}}",
                        "\"approval\":{\"required\":true,\"reason\":\"first charge\"}")
                .get("id")
                .asString();
        var message = postedMessage(id);
        assertThat(message.get("channel").asString()).isEqualTo("C0APPROVALS");
        var actions = message.get("blocks").get(3);
        assertThat(actions.get("type").asString()).isEqualTo("actions");
        assertThat(actions.get("elements").get(0).get("action_id").asString()).isEqualTo("approve");
        assertThat(actions.get("elements").get(0).get("value").asString()).isEqualTo(id);
        assertThat(actions.get("elements").get(1).get("action_id").asString()).isEqualTo("deny");
        assertThat(message.toString()).contains("/v1/charges").doesNotContain("k_hidden");

        String body = form(payload(APPROVER, "approve", id));
        long now = clock.instant().getEpochSecond();

        // Forged: signed with another secret. Stale: signed right, six minutes ago.
        var forged = send(body, now, sign("not-the-signing-secret-000000000", now, body));
        assertThat(forged.status()).isEqualTo(401);
        assertThat(forged.json().get("code").asString()).isEqualTo("signature_invalid");
        var stale = send(body, now - 360, sign(SIGNING_SECRET, now - 360, body));
        assertThat(stale.status()).isEqualTo(401);
        assertThat(stale.json().get("code").asString()).isEqualTo("timestamp_out_of_tolerance");
        assertThat(send(body, now, "").status()).isEqualTo(401);
        assertThat(approval(id).get("status").asString()).isEqualTo("pending");

        // Someone the tenant did not name: told so, nothing decided.
        String stranger = form(payload("U0STRANGER", "approve", id));
        var refused = send(stranger, now, sign(SIGNING_SECRET, now, stranger));
        assertThat(refused.status()).isEqualTo(200);
        assertThat(refused.json().get("result").asString()).isEqualTo("not_an_approver");
        assertThat(approval(id).get("status").asString()).isEqualTo("pending");

        // The approver's click, signed as Slack signs it: approved, sent, message replaced.
        String signature = sign(SIGNING_SECRET, now, body);
        var ok = send(body, now, signature);
        assertThat(ok.status()).as(ok.toString()).isEqualTo(200);
        assertThat(ok.json().get("result").asString()).isEqualTo("approved");
        var a = approval(id);
        assertThat(a.get("status").asString()).isEqualTo("approved");
        assertThat(a.get("decision").get("by").asString()).isEqualTo("slack:" + APPROVER);
        assertThat(a.get("decision").get("via").asString()).isEqualTo("slack");
        awaitStatus(id, "succeeded");
        assertThat(providerCalls()).isEqualTo(1);
        awaitEvents(id, Approvals.REQUESTED, Approvals.APPROVED);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> responses.requests.stream().anyMatch(r -> r.text().contains("Approved by Road Runner")));
        var update = responses.requests.stream()
                .filter(r -> r.text().contains("Approved by Road Runner"))
                .findFirst()
                .orElseThrow();
        assertThat(Api.JSON.readTree(update.body()).get("replace_original").asBoolean())
                .isTrue();
        int updates = responses.requests.size();
        // Audited like an API decision, with the Slack user as the actor; the stranger's click too, as a failure.
        var audit =
                api.get(base + "/audit?action=approval.approve", ADMIN).json().get("data");
        assertThat(audit)
                .anySatisfy(e -> {
                    assertThat(e.get("actor").asString()).isEqualTo("slack:" + APPROVER);
                    assertThat(e.get("outcome").asString()).isEqualTo("success");
                    assertThat(e.get("targetId").asString()).isEqualTo(id);
                })
                .anySatisfy(e -> {
                    assertThat(e.get("actor").asString()).isEqualTo("slack:U0STRANGER");
                    assertThat(e.get("outcome").asString()).isEqualTo("failure");
                });

        // The same signed request again: refused as a replay, nothing changes, no second update.
        var replay = send(body, now, signature);
        assertThat(replay.status()).isEqualTo(409);
        assertThat(approval(id).get("decision").get("at").asString())
                .isEqualTo(a.get("decision").get("at").asString());
        assertThat(responses.requests).hasSize(updates);
        assertThat(providerCalls()).isEqualTo(1);
    }

    @Test
    void aSignedDenyClickDeniesAndUnknownTenantsAreNotFound() throws Exception {
        String id = queue("{\"method\":\"POST\",\"path\":\"/v1/refunds\"}", "\"approval\":{\"required\":true}")
                .get("id")
                .asString();
        postedMessage(id);
        String body = form(payload(APPROVER, "deny", id));
        long now = clock.instant().getEpochSecond();
        var denied = send(body, now, sign(SIGNING_SECRET, now, body));
        assertThat(denied.status()).as(denied.toString()).isEqualTo(200);
        assertThat(denied.json().get("result").asString()).isEqualTo("denied");
        assertThat(job(id).get("status").asString()).isEqualTo("denied");
        awaitEvents(id, Approvals.DENIED);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> responses.requests.stream().anyMatch(r -> r.text().contains("Denied by Road Runner")));
        assertThat(providerCalls()).isZero();

        var unknown =
                api.send(HttpRequest.newBuilder(URI.create(api.base() + "/webhooks/slack/approvals/" + newTenant()))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build());
        assertThat(unknown.status()).isEqualTo(404);
    }
}
