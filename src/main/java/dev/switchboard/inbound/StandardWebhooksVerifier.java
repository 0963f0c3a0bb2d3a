package dev.switchboard.inbound;

import dev.switchboard.vault.Secret;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Standard Webhooks (Svix and others): {@code webhook-id}, {@code webhook-timestamp} and
 * {@code webhook-signature: v1,<base64> [v1,<base64>…]} (or the same under {@code svix-*}), HMAC-SHA256
 * over {@code id + "." + timestamp + "." + body}, keyed with the base64 part of {@code whsec_…}.
 */
final class StandardWebhooksVerifier implements Verifier {

    static final String PREFIX = "whsec_";

    @Override
    public Verification verify(WebhookRequest request, List<Secret> secrets, SourceOptions options) {
        String id = first(request, "webhook-id", "svix-id");
        String ts = first(request, "webhook-timestamp", "svix-timestamp");
        String header = first(request, "webhook-signature", "svix-signature");
        if (id == null || ts == null || header == null) {
            return Verification.missing("webhook-id, webhook-timestamp and webhook-signature are required.");
        }
        Long timestamp = Hmac.unixSeconds(ts.strip());
        if (timestamp == null) return Verification.invalid("Malformed webhook-timestamp.");
        List<byte[]> signatures = new ArrayList<>();
        for (String token : header.split(" ", 32)) {
            if (token.startsWith("v1,")) {
                byte[] sig = Hmac.base64(token.substring(3));
                if (sig != null) signatures.add(sig);
            }
        }
        if (signatures.isEmpty()) return Verification.invalid("No v1 signature in webhook-signature.");
        byte[] prefix = Hmac.utf8(id + "." + timestamp + ".");
        for (Secret secret : secrets) {
            byte[] key = key(secret.reveal());
            if (key == null) continue;
            byte[] expected = Hmac.sign("HmacSHA256", key, prefix, request.body());
            for (byte[] sig : signatures) {
                if (Hmac.equal(expected, sig)) {
                    return Hmac.withinTolerance(timestamp, request.receivedAt(), options.tolerance())
                            ? new Verification.Verified("standard-webhooks-v1")
                            : Verification.stale("webhook-timestamp is outside the tolerance.");
                }
            }
        }
        return Verification.invalid("No v1 signature matches.");
    }

    /** The key bytes of a {@code whsec_} secret, or null when it is not one. */
    static byte[] key(String secret) {
        String b64 = secret.startsWith(PREFIX) ? secret.substring(PREFIX.length()) : secret;
        try {
            return Base64.getDecoder().decode(b64);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String first(WebhookRequest request, String name, String alternative) {
        String v = request.header(name);
        return v != null ? v : request.header(alternative);
    }

    @Override
    public List<String> secretHeaders(SourceOptions options) {
        return List.of("webhook-signature", "svix-signature");
    }
}
