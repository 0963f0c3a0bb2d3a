package dev.switchboard.operations;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An alert as each kind of channel expects it. Slack: an incoming webhook's {@code text} (the
 * notification fallback) and Block Kit {@code blocks}. Teams Workflows: a {@code message} with one
 * Adaptive Card 1.4 attachment. The retired Office 365 connector: a {@code MessageCard}. A generic
 * webhook: the alert's own fields.
 */
final class AlertPayloads {

    private AlertPayloads() {}

    static Map<String, Object> of(Channel.Kind kind, Alert a) {
        return switch (kind) {
            case SLACK -> slack(a);
            case TEAMS -> adaptiveCard(a);
            case TEAMS_CONNECTOR -> messageCard(a);
            case WEBHOOK -> generic(a);
        };
    }

    static Map<String, Object> slack(Alert a) {
        String title = heading(a);
        List<Object> blocks = new ArrayList<>();
        blocks.add(Map.of("type", "header", "text", Map.of("type", "plain_text", "text", Alerting.cut(title, 150))));
        blocks.add(Map.of(
                "type",
                "section",
                "text",
                Map.of("type", "mrkdwn", "text", Alerting.cut(slackEscape(a.message()), 3000))));
        StringBuilder context = new StringBuilder();
        facts(a).forEach((k, v) -> context.append(context.isEmpty() ? "" : "  ·  ")
                .append('*')
                .append(k)
                .append(":* ")
                .append(slackEscape(v)));
        blocks.add(Map.of(
                "type",
                "context",
                "elements",
                List.of(Map.of("type", "mrkdwn", "text", Alerting.cut(context.toString(), 3000)))));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("text", slackEscape(title + ": " + a.message()));
        body.put("blocks", blocks);
        return body;
    }

    static Map<String, Object> adaptiveCard(Alert a) {
        List<Object> facts = new ArrayList<>();
        facts(a).forEach((k, v) -> facts.add(Map.of("title", k, "value", v)));
        List<Object> cardBody = List.of(
                Map.of(
                        "type",
                        "TextBlock",
                        "size",
                        "Large",
                        "weight",
                        "Bolder",
                        "wrap",
                        true,
                        "color",
                        color(a),
                        "text",
                        heading(a)),
                Map.of("type", "TextBlock", "wrap", true, "text", a.message()),
                Map.of("type", "FactSet", "facts", facts));
        Map<String, Object> card = new LinkedHashMap<>();
        card.put("$schema", "http://adaptivecards.io/schemas/adaptive-card.json");
        card.put("type", "AdaptiveCard");
        card.put("version", "1.4");
        card.put("body", cardBody);
        Map<String, Object> attachment = new LinkedHashMap<>();
        attachment.put("contentType", "application/vnd.microsoft.card.adaptive");
        attachment.put("contentUrl", null);
        attachment.put("content", card);
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("type", "message");
        message.put("attachments", List.of(attachment));
        return message;
    }

    static Map<String, Object> messageCard(Alert a) {
        List<Object> facts = new ArrayList<>();
        facts(a).forEach((k, v) -> facts.add(Map.of("name", k, "value", v)));
        Map<String, Object> card = new LinkedHashMap<>();
        card.put("@type", "MessageCard");
        card.put("@context", "https://schema.org/extensions");
        card.put("summary", heading(a));
        card.put("themeColor", a.recovery() ? "2EB886" : a.severity() == Alert.Severity.INFO ? "0078D7" : "D70000");
        card.put("title", heading(a));
        card.put("text", a.message());
        card.put("sections", List.of(Map.of("facts", facts)));
        return card;
    }

    static Map<String, Object> generic(Alert a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "switchboard.alert");
        m.put("id", a.id());
        m.put("tenantId", Alerting.PLATFORM.equals(a.tenantId()) ? null : a.tenantId());
        m.put("kind", a.kind());
        m.put("subject", a.subject());
        m.put("recovery", a.recovery());
        m.put("severity", a.severity().wire());
        m.put("title", a.title());
        m.put("message", a.message());
        m.put("userId", a.userId());
        m.put("occurrences", a.occurrences());
        m.put("createdAt", a.createdAt().toString());
        return m;
    }

    private static String heading(Alert a) {
        return (a.recovery() ? "Resolved: " : "") + a.title();
    }

    private static Map<String, String> facts(Alert a) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("Severity", a.severity().wire());
        if (!Alerting.PLATFORM.equals(a.tenantId())) f.put("Tenant", a.tenantId());
        f.put("Kind", a.kind());
        if (a.subject() != null) f.put("Subject", a.subject());
        if (a.userId() != null) f.put("User", a.userId());
        if (a.occurrences() > 1) f.put("Occurrences", String.valueOf(a.occurrences()));
        f.put("Time", a.createdAt().toString());
        return f;
    }

    private static String color(Alert a) {
        if (a.recovery()) return "Good";
        return switch (a.severity()) {
            case INFO -> "Default";
            case WARNING -> "Warning";
            case ERROR, CRITICAL -> "Attention";
        };
    }

    /** Slack's mrkdwn treats &, < and > as control characters: text shows them as typed. */
    private static String slackEscape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
