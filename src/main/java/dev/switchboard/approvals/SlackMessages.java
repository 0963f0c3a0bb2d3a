package dev.switchboard.approvals;

import java.util.List;
import java.util.Map;

/**
 * The Block Kit messages of Slack approvals: the request, with a preview and Approve and Deny buttons
 * (their {@code value} is the job's id), and what replaces it once decided. Slack caps a section's
 * text at 3,000 characters; previews are cut well below.
 */
final class SlackMessages {

    static final String APPROVE = "approve";
    static final String DENY = "deny";
    private static final int PREVIEW_CHARS = 2500;

    private SlackMessages() {}

    static Map<String, Object> request(String channel, ApprovalRepository.Approval a, ApprovalStep.Job job) {
        String title = "Approval needed: " + job.method() + " " + job.path();
        StringBuilder details = new StringBuilder("*" + escape(title) + "*\nJob `" + a.id() + "` on connection `"
                + a.connectionId() + "` (" + escape(a.provider()) + ")");
        if (a.reason() != null) details.append("\nReason: ").append(escape(a.reason()));
        if (a.batchId() != null)
            details.append("\nBatch: `").append(escape(a.batchId())).append('`');
        if (a.fourEyes()) details.append("\nFour eyes: the key that queued it cannot approve it.");
        String body = job.bodyPreview() == null ? "(no body)" : job.bodyPreview();
        if (body.length() > PREVIEW_CHARS) body = body.substring(0, PREVIEW_CHARS) + "…";
        return Map.of(
                "channel",
                channel,
                "text",
                title,
                "blocks",
                List.of(
                        section(details.toString()),
                        section("```" + body.replace("```", "'''") + "```"),
                        Map.of(
                                "type",
                                "context",
                                "elements",
                                List.of(Map.of("type", "mrkdwn", "text", "Expires " + a.expiresAt()))),
                        Map.of(
                                "type",
                                "actions",
                                "block_id",
                                "switchboard_approval",
                                "elements",
                                List.of(
                                        button("Approve", "primary", APPROVE, a.id()),
                                        button("Deny", "danger", DENY, a.id())))));
    }

    /** Replaces the request once decided (or says why the click changed nothing). */
    static Map<String, Object> outcome(String text) {
        return Map.of("replace_original", true, "text", text, "blocks", List.of(section(escape(text))));
    }

    /** A reply only the clicking user sees, leaving the request in place. */
    static Map<String, Object> ephemeral(String text) {
        return Map.of("replace_original", false, "response_type", "ephemeral", "text", text);
    }

    private static Map<String, Object> section(String mrkdwn) {
        return Map.of("type", "section", "text", Map.of("type", "mrkdwn", "text", mrkdwn));
    }

    private static Map<String, Object> button(String label, String style, String actionId, String value) {
        return Map.of(
                "type",
                "button",
                "text",
                Map.of("type", "plain_text", "text", label),
                "style",
                style,
                "action_id",
                actionId,
                "value",
                value);
    }

    /** Slack's three control characters in mrkdwn. */
    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
