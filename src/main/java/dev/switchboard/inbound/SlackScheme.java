package dev.switchboard.inbound;

import dev.switchboard.vault.Secret;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code X-Slack-Signature: v0=<hex>} over {@code "v0:" + X-Slack-Request-Timestamp + ":" + body}.
 * Events API bodies carry a signed {@code event_id}, slash commands and interactions a {@code
 * trigger_id}; the {@code url_verification} handshake is answered with its challenge.
 */
final class SlackScheme implements Scheme {

    static final String SIGNATURE = "x-slack-signature";
    static final String TIMESTAMP = "x-slack-request-timestamp";

    @Override
    public Verification verify(WebhookRequest request, List<Secret> secrets, SourceOptions options) {
        String signature = request.header(SIGNATURE);
        String ts = request.header(TIMESTAMP);
        if (signature == null || ts == null) {
            return Verification.missing("X-Slack-Signature and X-Slack-Request-Timestamp are required.");
        }
        Long timestamp = Hmac.unixSeconds(ts.strip());
        byte[] presented =
                signature.startsWith("v0=") ? Hmac.hex(signature.substring(3).strip()) : null;
        if (timestamp == null || presented == null) return Verification.invalid("Malformed Slack signature headers.");
        byte[] prefix = Hmac.utf8("v0:" + timestamp + ":");
        for (Secret secret : secrets) {
            if (Hmac.equal(Hmac.sign("HmacSHA256", Hmac.utf8(secret.reveal()), prefix, request.body()), presented)) {
                return Hmac.withinTolerance(timestamp, request.receivedAt(), options.tolerance())
                        ? new Verification.Verified("slack-v0")
                        : Verification.stale("The Slack request timestamp is outside the tolerance.");
            }
        }
        return Verification.invalid("The Slack signature does not match.");
    }

    @Override
    public List<String> secretHeaders(SourceOptions options) {
        return List.of(SIGNATURE);
    }

    @Override
    public Normalizer.Normalized normalize(Normalizer.Payload p, SourceOptions options) {
        if (p.form() != null) {
            String kind = p.form().containsKey("command")
                    ? "command"
                    : p.form().containsKey("payload") ? "interactive" : "form";
            String trigger = p.field("trigger_id");
            return new Normalizer.Normalized(
                    Normalizer.key("trigger", trigger, p.request()), trigger, kind, p.field("team_id"), null);
        }
        String team = p.text("team_id");
        if (team == null && p.json() != null) team = Normalizer.text(p.json().get("team"), "id");
        String eventId = p.text("event_id");
        return new Normalizer.Normalized(
                Normalizer.key("event", eventId, p.request()),
                eventId,
                Normalizer.or(p.text("type"), "unknown"),
                team,
                Normalizer.unix(p.json() == null ? null : p.json().get("event_time")));
    }

    /** Slack checks a new Events API URL by posting {@code url_verification}: echo its challenge, store nothing. */
    @Override
    public Optional<String> handshake(Normalizer.Payload p) {
        if (p.form() != null || !"url_verification".equals(p.text("type"))) return Optional.empty();
        return Optional.of(Normalizer.or(p.text("challenge"), ""));
    }

    @Override
    public Set<SourceOptions.Field> options() {
        return Set.of(SourceOptions.Field.TOLERANCE_SECONDS);
    }

    @Override
    public SecretOrigin secretOrigin() {
        return SecretOrigin.PROVIDER;
    }
}
