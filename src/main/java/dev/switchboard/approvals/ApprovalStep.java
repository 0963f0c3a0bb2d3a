package dev.switchboard.approvals;

import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * The step the outbox takes for every new job, inside the transaction that stores it: does this job
 * need approval (the caller's {@code "approval"} field, or one of the tenant's rules)? When it does,
 * the request for approval is recorded, announced, and sent to Slack if the tenant set that up, and
 * the outbox stores the job as {@code pending_approval}.
 */
@Component
public class ApprovalStep {

    /**
     * A job about to be stored, with its preview already redacted by the outbox (credentials, auth
     * headers, secret-named fields) and its body cut to the first 2 KB.
     */
    public record Job(
            String tenantId,
            String jobId,
            String connectionId,
            String provider,
            String method,
            String path,
            Map<String, List<String>> headers,
            String bodyPreview,
            Map<String, String> metadata,
            JsonNode approval,
            String createdBy) {}

    /** How much of a body a preview shows. */
    public static final int PREVIEW_BYTES = 2048;

    private final Approvals approvals;

    ApprovalStep(Approvals approvals) {
        this.approvals = approvals;
    }

    /** True when the job must wait for approval; bad {@code approval} input is a 400 and stores nothing. */
    public boolean gate(Job job) {
        return approvals.gate(job);
    }
}
