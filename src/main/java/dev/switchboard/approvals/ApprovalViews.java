package dev.switchboard.approvals;

import java.time.Instant;
import java.util.Map;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** What the API and the dashboard show of a request for approval and of a rule. */
@Component
class ApprovalViews {

    record Decision(String by, String via, Instant at, String reason) {}

    /** {@code id} is the job's id; {@code preview} its request, redacted, body cut at 2 KB. */
    record ApprovalView(
            String id,
            String status,
            String connection,
            String provider,
            String batch,
            String reason,
            String rule,
            boolean fourEyes,
            String requestedBy,
            JsonNode preview,
            Instant expiresAt,
            Instant createdAt,
            Decision decision) {}

    record RuleView(
            String id,
            String name,
            String provider,
            String pathPattern,
            Map<String, String> metadata,
            Integer batchLargerThan,
            boolean fourEyes,
            String expiresIn,
            Instant createdAt) {}

    private final JsonMapper json;

    ApprovalViews(JsonMapper json) {
        this.json = json;
    }

    ApprovalView approval(ApprovalRepository.Approval a) {
        return new ApprovalView(
                a.id(),
                a.status().wire(),
                a.connectionId(),
                a.provider(),
                a.batchId(),
                a.reason(),
                a.ruleId(),
                a.fourEyes(),
                a.requestedBy(),
                json.readTree(a.preview()),
                a.expiresAt(),
                a.createdAt(),
                a.decidedAt() == null
                        ? null
                        : new Decision(a.decidedBy(), a.decidedVia(), a.decidedAt(), a.decisionReason()));
    }

    static RuleView rule(ApprovalRuleRepository.Rule r) {
        return new RuleView(
                r.id(),
                r.name(),
                r.provider(),
                r.pathPattern(),
                r.metadata(),
                r.batchOver(),
                r.fourEyes(),
                r.expiresInSeconds() == null
                        ? null
                        : java.time.Duration.ofSeconds(r.expiresInSeconds()).toString(),
                r.createdAt());
    }
}
