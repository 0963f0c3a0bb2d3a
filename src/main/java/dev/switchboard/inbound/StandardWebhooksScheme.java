package dev.switchboard.inbound;

import dev.switchboard.vault.Secret;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/**
 * Standard Webhooks (Svix and others): {@code webhook-id}, {@code webhook-timestamp} and
 * {@code webhook-signature: v1,<base64> [v1,<base64>…]} (or the same under {@code svix-*}), HMAC-SHA256
 * over {@code id + "." + timestamp + "." + body}, keyed with the base64 part of {@code whsec_…}. The
 * id is signed, so it is the dedupe key.
 */
final class StandardWebhooksScheme implements Scheme {

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

    @Override
    public Normalizer.Normalized normalize(Normalizer.Payload p, SourceOptions options) {
        String id = Normalizer.or(p.header("webhook-id"), p.header("svix-id"));
        String ts = Normalizer.or(p.header("webhook-timestamp"), p.header("svix-timestamp"));
        Long seconds = ts == null ? null : Hmac.unixSeconds(ts.strip());
        return new Normalizer.Normalized(
                Normalizer.key("webhook", id, p.request()),
                id,
                Normalizer.or(p.text("type"), "unknown"),
                p.text("subject"),
                seconds == null ? null : Instant.ofEpochSecond(seconds));
    }

    @Override
    public Set<SourceOptions.Field> options() {
        return Set.of(SourceOptions.Field.TOLERANCE_SECONDS);
    }

    @Override
    public SecretOrigin secretOrigin() {
        return SecretOrigin.GENERATED;
    }

    @Override
    public String secretProblem(String secret) {
        byte[] key = key(secret);
        return secret.startsWith(PREFIX) && key != null && key.length >= 24 && key.length <= 64
                ? null
                : "must be whsec_ followed by the base64 of 24 to 64 bytes";
    }

    @Override
    public Secret newSecret() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Secret.of(PREFIX + Base64.getEncoder().encodeToString(key));
    }
}
