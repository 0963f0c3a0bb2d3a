package dev.switchboard.inbound;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A received webhook as the verifiers see it: lower-cased header names, the exact body bytes, and
 * the URLs the sender may have signed (Twilio signs the URL; behind a proxy it may differ from ours).
 */
record WebhookRequest(
        Map<String, List<String>> headers, byte[] body, List<String> urls, String contentType, Instant receivedAt) {

    /** The first value of a header, or null. */
    String header(String name) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? null : values.getFirst();
    }

    String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    boolean isForm() {
        return contentType != null
                && contentType.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded");
    }
}
