package dev.switchboard.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.Api;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * What the slimmed-down ingest path (issue 14: no authorization filter, no per-filter observations, the
 * security headers written up front, unknown ids remembered) still answers over HTTP: the security
 * headers and request id on a 200 and on a problem, and a 404 for a source that is unknown, gone, or
 * asked for again.
 */
class IngestHttpPathTest extends InboundTestBase {

    @Test
    void anAcceptedWebhookCarriesTheSecurityHeadersAndARequestId() {
        String tenant = newTenant();
        var src = source(tenant, "{\"name\":\"GitHub\",\"provider\":\"github\"}");
        String body = "{\"ref\":\"refs/heads/main\"}";
        var r = post(
                src.ingestPath(),
                "application/json",
                body,
                Map.of(
                        "X-GitHub-Event",
                        "push",
                        "X-GitHub-Delivery",
                        UUID.randomUUID().toString(),
                        "X-Hub-Signature-256",
                        Signers.github(src.secret(), body),
                        "X-Request-Id",
                        "trace-42"));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.contentType()).startsWith("application/json");
        securityHeaders(r);
        assertThat(r.header("X-Request-Id")).isEqualTo("trace-42");
    }

    @Test
    void anUnknownSourceIsAProblemEveryTimeWithTheSameHeaders() {
        String path = "/webhooks/src_" + UUID.randomUUID().toString().replace("-", "");
        for (int i = 0; i < 2; i++) { // the second answer comes from the node's memory of unknown ids
            var r = post(path, "application/json", "{}", Map.of());
            assertThat(r.status()).as(r.toString()).isEqualTo(404);
            assertThat(r.contentType()).startsWith("application/problem+json");
            assertThat(r.json().get("code").asString()).isEqualTo("not_found");
            assertThat(r.header("X-Request-Id")).startsWith("req_");
            securityHeaders(r);
        }
    }

    @Test
    void aDeletedSourceIsUnknownAtOnceAndStaysSo() {
        String tenant = newTenant();
        var src = source(tenant, "{\"name\":\"GitHub\",\"provider\":\"github\"}");
        String body = "{\"zen\":\"x\"}";
        Map<String, String> headers = Map.of(
                "X-GitHub-Event", "ping",
                "X-GitHub-Delivery", UUID.randomUUID().toString(),
                "X-Hub-Signature-256", Signers.github(src.secret(), body));
        assertThat(post(src.ingestPath(), "application/json", body, headers).status())
                .isEqualTo(200);
        assertThat(api.delete("/api/v1/tenants/" + tenant + "/sources/" + src.id(), ADMIN)
                        .status())
                .isEqualTo(204);
        for (int i = 0; i < 2; i++) {
            assertThat(post(src.ingestPath(), "application/json", body, headers).status())
                    .isEqualTo(404);
        }
    }

    /** The ingest routes are found apart from the rest of the API (IngestRoutes): a match is what it was. */
    @Test
    void theIngestRoutesAnswerAsSpringMvcsOwnMappingDid() {
        String tenant = newTenant();
        var src = source(tenant, "{\"name\":\"GitHub\",\"provider\":\"github\"}");
        String body = "{\"zen\":\"x\"}";
        assertThat(post(
                                src.ingestPath(),
                                "application/json",
                                body,
                                Map.of(
                                        "X-GitHub-Event", "ping",
                                        "X-GitHub-Delivery", UUID.randomUUID().toString(),
                                        "X-Hub-Signature-256", Signers.github(src.secret(), body)))
                        .status())
                .isEqualTo(200);

        // A method neither route takes: 405 naming the two it does, as problem+json.
        var put = api.send("PUT", src.ingestPath(), null, "application/json", body.getBytes());
        assertThat(put.status()).as(put.toString()).isEqualTo(405);
        assertThat(put.contentType()).startsWith("application/problem+json");
        assertThat(put.header("Allow")).contains("POST").contains("GET");
        // GET is the subscription check's route: a GitHub source sends none, which the controller says.
        var check = api.get(src.ingestPath(), null);
        assertThat(check.status()).as(check.toString()).isEqualTo(405);
        assertThat(check.json().get("code").asString()).isNotEqualTo("not_found");

        // A path under /webhooks/ that is not a source's goes on to the other routes: Slack's approval
        // callback answers for itself (this tenant has not set it up), not ingest.
        var slack =
                post("/webhooks/slack/approvals/" + tenant, "application/x-www-form-urlencoded", "payload=x", Map.of());
        assertThat(slack.status()).as(slack.toString()).isEqualTo(404);
        assertThat(slack.json().get("detail").asString()).isEqualTo("No such Slack approvals.");

        // The request metric is tagged with the route, not with each source's own path.
        var metrics = api.get("/actuator/prometheus", null).body();
        assertThat(metrics).contains("uri=\"/webhooks/{sourceId}\"").doesNotContain("uri=\"" + src.ingestPath());
    }

    private static void securityHeaders(Api.Response r) {
        assertThat(r.header("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(r.header("Cache-Control")).contains("no-store");
        assertThat(r.header("X-Frame-Options")).isEqualTo("DENY");
    }
}
