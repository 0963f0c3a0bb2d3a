package dev.switchboard.approvals;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Every path of an approval gate over HTTP, against the real server and a local provider: a job
 * that waits, approved (sent) or denied (never sent), expired by the moving clock, refused under
 * four eyes, decided a batch at a time, a viewer refused, and an approved job whose connection is
 * suspended held until it is resumed. Each decision is checked in the record and in the events.
 */
class ApprovalsTest extends ApprovalTestBase {

    private static final String POST_CHARGE = """
            {"method":"POST","path":"/v1/charges","headers":{"X-Api-Token":"tok_live_hidden_77"},
             "body":{"amount":4200,"password":"hunter2-hidden","note":"%s"}}""";

    @Test
    void anApprovedJobIsSentWithItsDecisionRecorded() {
        var queued = queue(
                POST_CHARGE.formatted("x".repeat(4000)), "\"approval\":{\"required\":true,\"reason\":\"big refund\"}");
        String id = queued.get("id").asString();
        assertThat(queued.get("status").asString()).isEqualTo("pending_approval");
        assertThat(job(id).get("status").asString()).isEqualTo("pending_approval");

        // Listed with a redacted preview: method, path, headers, the first 2 KB of the body, metadata.
        var list = api.get(base + "/approvals", viewer);
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.json().get("data")).hasSize(1);
        var a = list.json().get("data").get(0);
        assertThat(a.get("id").asString()).isEqualTo(id);
        assertThat(a.get("status").asString()).isEqualTo("pending");
        assertThat(a.get("reason").asString()).isEqualTo("big refund");
        assertThat(a.get("preview").get("method").asString()).isEqualTo("POST");
        assertThat(a.get("preview").get("path").asString()).isEqualTo("/v1/charges");
        assertThat(a.get("preview").get("body").asString()).hasSizeLessThanOrEqualTo(2048);
        assertThat(list.body())
                .contains("[redacted]")
                .doesNotContain("tok_live_hidden_77")
                .doesNotContain("hunter2-hidden")
                .doesNotContain("sk_test_approval_4242");

        // Nothing is sent while it waits, whatever the worker does.
        clock.advance(Duration.ofMinutes(5));
        assertThat(providerCalls()).isZero();

        var approved = api.post(base + "/approvals/" + id + "/approve", approver, "{\"reason\":\"checked the order\"}");
        assertThat(approved.status()).as(approved.toString()).isEqualTo(200);
        assertThat(approved.json().get("status").asString()).isEqualTo("approved");
        var decision = approved.json().get("decision");
        assertThat(decision.get("by").asString()).isEqualTo(approverId);
        assertThat(decision.get("via").asString()).isEqualTo("api");
        assertThat(decision.get("reason").asString()).isEqualTo("checked the order");
        assertThat(decision.get("at").asString()).isNotBlank();

        awaitStatus(id, "succeeded");
        assertThat(providerCalls()).isEqualTo(1);
        assertThat(provider.requests.getFirst().path()).endsWith("/v1/charges");
        awaitEvents(id, Approvals.REQUESTED, Approvals.APPROVED);

        // Decided once: a second decision is a 409 and changes nothing.
        var again = api.post(base + "/approvals/" + id + "/deny", approver, null);
        assertThat(again.status()).isEqualTo(409);
        assertThat(approval(id).get("status").asString()).isEqualTo("approved");
        // The audit log names the decision and who made it.
        var audit = api.get(base + "/audit?action=approval.approve", ADMIN);
        assertThat(audit.status()).as(audit.toString()).isEqualTo(200);
        assertThat(audit.json().get("data").get(0).get("actor").asString()).isEqualTo(approverId);
    }

    @Test
    void aDeniedJobIsNeverSent() {
        String id = queue(
                        "{\"method\":\"DELETE\",\"path\":\"/v1/customers/cus_1\"}", "\"approval\":{\"required\":true}")
                .get("id")
                .asString();
        var denied = api.post(base + "/approvals/" + id + "/deny", approver, "{\"reason\":\"wrong customer\"}");
        assertThat(denied.status()).as(denied.toString()).isEqualTo(200);
        assertThat(denied.json().get("status").asString()).isEqualTo("denied");
        var j = job(id);
        assertThat(j.get("status").asString()).isEqualTo("denied");
        assertThat(j.get("lastError").asString()).contains("wrong customer");
        awaitEvents(id, Approvals.REQUESTED, Approvals.DENIED);
        clock.advance(Duration.ofHours(1));
        assertThat(providerCalls()).isZero();
        assertThat(api.post(base + "/approvals/" + id + "/approve", approver, null)
                        .status())
                .isEqualTo(409);
    }

    @Test
    void anUndecidedRequestExpiresAndItsJobIsNeverSent() {
        String id = queue(
                        "{\"method\":\"POST\",\"path\":\"/v1/payouts\"}",
                        "\"approval\":{\"required\":true,\"expiresIn\":\"PT1H\"}")
                .get("id")
                .asString();
        assertThat(approval(id).get("expiresAt").asString()).isNotBlank();
        clock.advance(Duration.ofMinutes(59));
        approvalJobs.wake();
        assertThat(approval(id).get("status").asString()).isEqualTo("pending");

        clock.advance(Duration.ofMinutes(2));
        approvalJobs.wake();
        awaitStatus(id, "expired");
        var a = approval(id);
        assertThat(a.get("status").asString()).isEqualTo("expired");
        assertThat(a.get("decision").get("by").asString()).isEqualTo("system");
        awaitEvents(id, Approvals.EXPIRED);
        var audit =
                api.get(base + "/audit?action=approval.expire", ADMIN).json().get("data");
        assertThat(audit).hasSize(1);
        assertThat(audit.get(0).get("actor").asString()).isEqualTo("system");
        assertThat(audit.get(0).get("targetId").asString()).isEqualTo(id);
        assertThat(api.post(base + "/approvals/" + id + "/approve", approver, null)
                        .status())
                .isEqualTo(409);
        assertThat(providerCalls()).isZero();
    }

    @Test
    void underFourEyesTheKeyThatQueuedTheJobCannotApproveIt() {
        var settings = api.send(
                "PUT",
                base + "/approval-settings",
                ADMIN,
                "application/json",
                "{\"fourEyes\":true}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(settings.status()).as(settings.toString()).isEqualTo(200);
        String id = queue("{\"method\":\"POST\",\"path\":\"/v1/charges\"}", "\"approval\":{\"required\":true}")
                .get("id")
                .asString();
        assertThat(approval(id).get("fourEyes").asBoolean()).isTrue();

        var own = api.post(base + "/approvals/" + id + "/approve", requester, null);
        assertThat(own.status()).isEqualTo(403);
        assertThat(own.json().get("code").asString()).isEqualTo("four_eyes");
        assertThat(approval(id).get("status").asString()).isEqualTo("pending");
        assertThat(providerCalls()).isZero();

        assertThat(api.post(base + "/approvals/" + id + "/approve", approver, null)
                        .status())
                .isEqualTo(200);
        awaitStatus(id, "succeeded");
    }

    @Test
    void aViewerSeesApprovalsButCannotDecide() {
        String id = queue("{\"method\":\"POST\",\"path\":\"/v1/charges\"}", "\"approval\":{\"required\":true}")
                .get("id")
                .asString();
        assertThat(api.get(base + "/approvals/" + id, viewer).status()).isEqualTo(200);
        var refused = api.post(base + "/approvals/" + id + "/approve", viewer, null);
        assertThat(refused.status()).isEqualTo(403);
        assertThat(api.post(base + "/approvals/" + id + "/deny", viewer, null).status())
                .isEqualTo(403);
        assertThat(api.post(base + "/approvals/batches/b/approve", viewer, null).status())
                .isEqualTo(403);
        assertThat(approval(id).get("status").asString()).isEqualTo("pending");
        // Another tenant's approval is not there at all.
        String other = newTenant();
        assertThat(api.post("/api/v1/tenants/" + other + "/approvals/" + id + "/approve", ADMIN, null)
                        .status())
                .isEqualTo(404);
    }

    @Test
    void rulesHoldJobsAndABatchIsDecidedAtOnce() {
        var rule = api.post(
                base + "/approval-rules",
                ADMIN,
                "{\"name\":\"big campaigns\",\"metadata\":{\"bulk\":\"true\"},\"batchLargerThan\":2}");
        assertThat(rule.status()).as(rule.toString()).isEqualTo(201);
        var payouts =
                api.post(base + "/approval-rules", ADMIN, "{\"name\":\"payouts\",\"pathPattern\":\"/v1/payouts/**\"}");
        assertThat(payouts.status()).as(payouts.toString()).isEqualTo(201);
        assertThat(api.post(base + "/approval-rules", ADMIN, "{\"name\":\"nothing\"}")
                        .status())
                .isEqualTo(400);

        // A path the rule names waits; another path does not.
        assertThat(queue("{\"method\":\"POST\",\"path\":\"/v1/payouts/po_1/cancel\"}", null)
                        .get("status")
                        .asString())
                .isEqualTo("pending_approval");
        String free = queue("{\"method\":\"GET\",\"path\":\"/v1/balance\"}", null)
                .get("id")
                .asString();
        awaitStatus(free, "succeeded");

        // A bulk batch: the first two go, the ones past the size wait, and are approved together.
        String[] ids = new String[5];
        for (int i = 0; i < 5; i++) {
            ids[i] = queue(
                            "{\"method\":\"POST\",\"path\":\"/v1/emails\",\"body\":{\"to\":\"" + i + "\"}}",
                            "\"metadata\":{\"bulk\":\"true\",\"batch\":\"spring-sale\"}")
                    .get("id")
                    .asString();
        }
        awaitStatus(ids[0], "succeeded");
        awaitStatus(ids[1], "succeeded");
        for (int i = 2; i < 5; i++)
            assertThat(job(ids[i]).get("status").asString()).isEqualTo("pending_approval");
        var pending =
                api.get(base + "/approvals?batch=spring-sale", ADMIN).json().get("data");
        assertThat(pending).hasSize(3);
        assertThat(pending.get(0).get("reason").asString()).isEqualTo("Rule: big campaigns");

        var batch = api.post(base + "/approvals/batches/spring-sale/approve", approver, "{\"reason\":\"campaign ok\"}");
        assertThat(batch.status()).as(batch.toString()).isEqualTo(200);
        assertThat(batch.json().get("decided")).hasSize(3);
        assertThat(batch.json().get("refused")).isEmpty();
        for (int i = 2; i < 5; i++) awaitStatus(ids[i], "succeeded");
        assertThat(provider.requests.stream().filter(r -> r.path().endsWith("/v1/emails")))
                .hasSize(5);

        // Denied as a batch: the explicit approval's batch id, none sent.
        String d1 = queue(
                        "{\"method\":\"POST\",\"path\":\"/v1/sms\"}",
                        "\"approval\":{\"required\":true,\"batch\":\"b-2\"}")
                .get("id")
                .asString();
        String d2 = queue(
                        "{\"method\":\"POST\",\"path\":\"/v1/sms\"}",
                        "\"approval\":{\"required\":true,\"batch\":\"b-2\"}")
                .get("id")
                .asString();
        var denied = api.post(base + "/approvals/batches/b-2/deny", approver, null);
        assertThat(denied.status()).as(denied.toString()).isEqualTo(200);
        assertThat(denied.json().get("decided")).hasSize(2);
        assertThat(job(d1).get("status").asString()).isEqualTo("denied");
        assertThat(job(d2).get("status").asString()).isEqualTo("denied");
        assertThat(provider.requests.stream().filter(r -> r.path().endsWith("/v1/sms")))
                .isEmpty();
        assertThat(api.post(base + "/approvals/batches/b-2/deny", approver, null)
                        .status())
                .isEqualTo(404);

        // Bad approval input stores nothing.
        var bad = api.post(
                base + "/outbox",
                requester,
                "{\"connection\":\"" + connection + "\",\"request\":{\"method\":\"GET\",\"path\":\"/x\"},"
                        + "\"approval\":{\"required\":\"yes\"}}");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().get("code").asString()).isEqualTo("validation_failed");
    }

    @Test
    void anApprovedJobWhoseConnectionIsSuspendedWaitsUntilItIsResumed() {
        String id = queue("{\"method\":\"POST\",\"path\":\"/v1/charges\"}", "\"approval\":{\"required\":true}")
                .get("id")
                .asString();
        String con = base + "/connections/" + connection;
        assertThat(api.post(con + "/suspend", ADMIN, "{}").status()).isEqualTo(200);
        assertThat(api.post(base + "/approvals/" + id + "/approve", approver, null)
                        .status())
                .isEqualTo(200);
        var held = awaitStatus(id, "held");
        assertThat(held.get("attempts").asInt()).isZero();
        assertThat(providerCalls()).isZero();

        assertThat(api.post(con + "/resume", ADMIN, "{}").status()).isEqualTo(200);
        awaitStatus(id, "succeeded");
        assertThat(providerCalls()).isEqualTo(1);
    }
}
