package dev.switchboard.approvals;

import dev.switchboard.common.ApiException;
import dev.switchboard.common.Sql;
import dev.switchboard.egress.BoundedCalls;
import dev.switchboard.inbound.SlackSignatures;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Slack approvals. A request for approval is posted to the tenant's channel as an ordinary outbox
 * job on the tenant's Slack connection ({@code chat.postMessage}), so it is paced and logged like any
 * provider call. A click comes back as Slack's interactivity callback: verified with the tenant's
 * signing secret (Slack's {@code v0} scheme and timestamp, the inbound module's verifier), refused
 * when seen before (by its signature), mapped to an approver the tenant named, and decided; the
 * answer to Slack goes at once, and the message is updated through the callback's {@code
 * response_url} afterwards, off the request thread, so Slack's 3-second budget is never at risk.
 */
@Service
class SlackApprovals implements AutoCloseable {

    /** What a callback came to. */
    sealed interface Outcome {
        /** Verified and handled (the decision made, or why not told to the user in Slack). */
        record Acknowledged(String result) implements Outcome {}

        record Rejected(SlackSignatures.Outcome reason) implements Outcome {}

        /** The same signed request again: nothing done. */
        record Replayed() implements Outcome {}
    }

    private static final Logger log = LoggerFactory.getLogger(SlackApprovals.class);
    private static final int MAX_BODY = 64 * 1024;

    private final ApprovalRuleRepository rules;
    private final ApprovalRepository approvals;
    private final ApprovalSettings settings;
    private final ObjectProvider<Approvals> decisions;
    private final ObjectProvider<GatedJobs> jobs;
    private final ApprovalsConfig.SlackClient client;
    private final dev.switchboard.audit.ActionLog audit;
    private final ApprovalsProperties properties;
    private final JsonMapper json;
    private final Clock clock;
    private final ExecutorService updates = Executors.newVirtualThreadPerTaskExecutor();

    SlackApprovals(
            ApprovalRuleRepository rules,
            ApprovalRepository approvals,
            ApprovalSettings settings,
            ObjectProvider<Approvals> decisions,
            ObjectProvider<GatedJobs> jobs,
            ApprovalsConfig.SlackClient client,
            dev.switchboard.audit.ActionLog audit,
            ApprovalsProperties properties,
            JsonMapper json,
            Clock clock) {
        this.rules = rules;
        this.approvals = approvals;
        this.settings = settings;
        this.decisions = decisions;
        this.jobs = jobs;
        this.client = client;
        this.audit = audit;
        this.properties = properties;
        this.json = json;
        this.clock = clock;
    }

    static int maxBody() {
        return MAX_BODY;
    }

    /** Posts the request for approval to the tenant's channel, in the transaction that holds the job. */
    void ask(ApprovalRuleRepository.Settings s, ApprovalRepository.Approval a, ApprovalStep.Job job) {
        byte[] message = json.writeValueAsBytes(SlackMessages.request(s.slackChannel(), a, job));
        try {
            jobs.getObject()
                    .post(
                            a.tenantId(),
                            s.slackConnectionId(),
                            "/chat.postMessage",
                            message,
                            Map.of("switchboard", "approval-request", "approvalFor", a.id()));
        } catch (ApiException gone) {
            // The Slack connection was deleted: the request still waits, on the API and the dashboard.
            log.warn("Approval {} of tenant {} not posted to Slack: {}", a.id(), a.tenantId(), gone.getMessage());
        }
    }

    /** Handles one interactivity callback for a tenant; unknown tenants (or no Slack set up) are a 404. */
    Outcome receive(
            String tenantId,
            Map<String, List<String>> headers,
            byte[] body,
            jakarta.servlet.http.HttpServletRequest http) {
        var s = rules.settingsForTenant(tenantId)
                .filter(ApprovalRuleRepository.Settings::slack)
                .orElseThrow(() -> ApiException.notFound("Slack approvals"));
        var secret = settings.signingSecret(s).orElseThrow(() -> ApiException.notFound("Slack approvals"));
        var now = Sql.now(clock);
        var verified = SlackSignatures.verify(headers, body, List.of(secret), now, properties.slackTolerance());
        if (verified != SlackSignatures.Outcome.VERIFIED) return new Outcome.Rejected(verified);
        String signature = header(headers, "X-Slack-Signature");
        if (!approvals.firstCallback(tenantId, Rules.text(signature, "signature", 100), now)) {
            return new Outcome.Replayed();
        }
        JsonNode payload = payload(body);
        JsonNode action = payload.path("actions").path(0);
        String actionId = action.path("action_id").asString("");
        String jobId = action.path("value").asString("");
        String user = payload.path("user").path("id").asString("");
        String responseUrl = payload.path("response_url").asString("");
        if (!"block_actions".equals(payload.path("type").asString(""))
                || !(actionId.equals(SlackMessages.APPROVE) || actionId.equals(SlackMessages.DENY))
                || jobId.isEmpty()) {
            throw ApiException.invalid("payload", "must be a block_actions callback of an approval's button");
        }
        boolean replyable = allowedResponseUrl(responseUrl);
        String approver = s.slackApprovers().get(user);
        boolean approve = actionId.equals(SlackMessages.APPROVE);
        String audited = approve ? "approval.approve" : "approval.deny";
        if (approver == null) {
            audit.record(http, tenantId, "slack:" + user, audited, "approval", jobId, 403);
            if (replyable)
                update(responseUrl, SlackMessages.ephemeral("You are not one of this workspace's approvers."));
            return new Outcome.Acknowledged("not_an_approver");
        }
        String text;
        String result;
        try {
            var decided = decisions
                    .getObject()
                    .decide(
                            tenantId,
                            jobId,
                            approve,
                            null,
                            new Approvals.Decider("slack:" + user, null, ApprovalRepository.Via.SLACK));
            text = (approve ? "Approved" : "Denied") + " by " + approver + ": job " + decided.id() + ".";
            result = approve ? "approved" : "denied";
            audit.record(http, tenantId, "slack:" + user, audited, "approval", jobId, 200);
        } catch (ApiException e) {
            text = "Nothing changed for job " + jobId + ": " + e.getMessage();
            result = e.code().code();
            audit.record(
                    http,
                    tenantId,
                    "slack:" + user,
                    audited,
                    "approval",
                    jobId,
                    e.code().status().value());
        }
        if (replyable) update(responseUrl, SlackMessages.outcome(text));
        return new Outcome.Acknowledged(result);
    }

    private JsonNode payload(byte[] body) {
        String form = new String(body, StandardCharsets.UTF_8);
        try {
            for (String pair : form.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0 && pair.substring(0, eq).equals("payload")) {
                    return json.readTree(URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        } catch (RuntimeException malformed) {
            throw ApiException.invalid("payload", "must be Slack's JSON payload");
        }
        throw ApiException.invalid("payload", "is required");
    }

    private boolean allowedResponseUrl(String url) {
        return !url.isEmpty() && properties.slackResponseUrlPrefixes().stream().anyMatch(url::startsWith);
    }

    /** Updates the message after the callback is answered; a failure is logged, never retried (the URL is single-use-ish). */
    private void update(String responseUrl, Map<String, Object> message) {
        byte[] bytes = json.writeValueAsBytes(message);
        updates.submit(() -> {
            try {
                var post = new HttpPost(responseUrl);
                post.setEntity(new ByteArrayEntity(bytes, ContentType.APPLICATION_JSON));
                int status =
                        BoundedCalls.call(client.http(), post, properties.slackResponseTimeout(), r -> r.getCode());
                if (status / 100 != 2) log.warn("Slack answered {} to an approval message update", status);
            } catch (Exception e) {
                log.warn("Could not update a Slack approval message: {}", e.toString());
            }
        });
    }

    private static String header(Map<String, List<String>> headers, String name) {
        return headers.entrySet().stream()
                .filter(e -> e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty())
                .map(e -> e.getValue().getFirst())
                .findFirst()
                .orElse("");
    }

    @Override
    public void close() {
        updates.close();
    }
}
