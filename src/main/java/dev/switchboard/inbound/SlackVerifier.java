package dev.switchboard.inbound;

import dev.switchboard.vault.Secret;
import java.util.List;

/** {@code X-Slack-Signature: v0=<hex>} over {@code "v0:" + X-Slack-Request-Timestamp + ":" + body}. */
final class SlackVerifier implements Verifier {

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
}
