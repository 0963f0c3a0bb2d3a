package dev.switchboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.switchboard.testing.LocalProviders;
import dev.switchboard.testing.ReadmeBlock;
import dev.switchboard.testing.ServerTest;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Runs the README's approvals walk-through, as written, against the real server and the local
 * stand-in (Stripe's API, Slack's API under {@code /services/}, a {@code response_url} under {@code
 * /hooks/}): a call that waits for approval, its request posted to Slack, approved by a simulated
 * Slack click signed with the signing secret, a replay refused, the call sent and the message updated.
 */
class ReadmeApprovalsTest extends ServerTest {

    @Test
    void theApprovalsWalkThroughWorksAsWritten() throws Exception {
        assumeTrue(ReadmeBlock.runnable() && ReadmeBlock.onPath("openssl"), "bash, curl or openssl is not installed");
        clock.reset();
        String tenant = newTenant();
        String key = newKey(tenant, "admin");
        try (LocalProviders standIn = new LocalProviders(0, 25, null)) {
            String out = ReadmeBlock.named("approvals")
                    .replace("localhost:8080", "127.0.0.1:" + port)
                    .replace("127.0.0.1:12111", "127.0.0.1:" + standIn.port())
                    .replace("localhost:12111", "127.0.0.1:" + standIn.port())
                    .replace("/tenants/acme/", "/tenants/" + tenant + "/")
                    .replace("/slack/approvals/acme", "/slack/approvals/" + tenant)
                    .env("ACME", key)
                    .env("ADMIN", ADMIN)
                    .run(Duration.ofSeconds(120));

            assertThat(out)
                    .contains("\"status\":\"pending_approval\"")
                    .contains("\"signingSecretSet\":true")
                    .doesNotContain("walkthrough-slack-signing-secret")
                    .contains("The approval request is in Slack")
                    .contains("{\"result\":\"approved\"}")
                    .contains("\"code\":\"conflict\"")
                    .contains("\"by\":\"slack:U0ALICE\"")
                    .contains("\"status\":\"succeeded\"")
                    .contains("The Slack message was updated through its response_url");
            assertThat(standIn.slack).anyMatch(text -> text.startsWith("Approval needed: POST /v1/customers"));
            assertThat(standIn.hooksDelivered.get()).isEqualTo(1);
            var approvals = api.get("/api/v1/tenants/" + tenant + "/approvals?status=all", key)
                    .json()
                    .get("data");
            assertThat(approvals).hasSize(1);
            assertThat(approvals.get(0).get("status").asString()).isEqualTo("approved");
        }
    }
}
