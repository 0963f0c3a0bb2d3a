package dev.switchboard.inbound;

import dev.switchboard.vault.Secret;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Slack's {@code v0} request signature, for other modules that take Slack's requests at routes of
 * their own (interactivity callbacks for approvals): the same verifier as a Slack source's, so there
 * is one implementation of the scheme. Never throws on what the sender controls.
 */
public final class SlackSignatures {

    /** The outcome of a check. */
    public enum Outcome {
        VERIFIED,
        SIGNATURE_MISSING,
        SIGNATURE_INVALID,
        TIMESTAMP_OUT_OF_TOLERANCE
    }

    private static final SlackScheme SCHEME = new SlackScheme();

    private SlackSignatures() {}

    /**
     * @param headers the request's headers (any case); {@code X-Slack-Signature} and {@code
     *     X-Slack-Request-Timestamp} are read
     * @param body the body exactly as received
     * @param secrets the signing secret (current first, then a previous one)
     * @param now when the request arrived: the timestamp must be within {@code toleranceSeconds} of it
     */
    public static Outcome verify(
            Map<String, List<String>> headers, byte[] body, List<Secret> secrets, Instant now, int toleranceSeconds) {
        Map<String, List<String>> lower = new java.util.HashMap<>();
        headers.forEach((k, v) -> lower.put(k.toLowerCase(Locale.ROOT), v));
        var request = new WebhookRequest(lower, body, List.of(), null, now);
        var options = new SourceOptions(toleranceSeconds, null, null, null, null, null, null, null);
        return switch (SCHEME.verify(request, secrets, options)) {
            case Verification.Verified v -> Outcome.VERIFIED;
            case Verification.Unverified u -> Outcome.SIGNATURE_INVALID;
            case Verification.Rejected r ->
                switch (r.reason()) {
                    case SIGNATURE_MISSING -> Outcome.SIGNATURE_MISSING;
                    case SIGNATURE_INVALID -> Outcome.SIGNATURE_INVALID;
                    case TIMESTAMP_OUT_OF_TOLERANCE -> Outcome.TIMESTAMP_OUT_OF_TOLERANCE;
                };
        };
    }
}
