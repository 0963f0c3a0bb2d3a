package dev.switchboard.outbound;

import dev.switchboard.vault.Secret;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.List;
import java.util.StringJoiner;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Standard Webhooks signatures for outbound deliveries: {@code webhook-signature: v1,<base64>},
 * HMAC-SHA256 over {@code id + "." + timestamp + "." + body} with the key inside {@code whsec_…}.
 * During a secret rotation every delivery carries one signature per live secret, space-separated,
 * so receivers verify with either.
 */
final class WebhookSigner {

    public static final String SECRET_PREFIX = "whsec_";

    private WebhookSigner() {}

    public static String signatures(String messageId, long timestamp, byte[] body, List<Secret> secrets) {
        if (secrets.isEmpty()) throw new IllegalArgumentException("no secret to sign with");
        byte[] prefix = (messageId + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8);
        StringJoiner out = new StringJoiner(" ");
        for (Secret secret : secrets) {
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(key(secret), "HmacSHA256"));
                mac.update(prefix);
                out.add("v1," + Base64.getEncoder().encodeToString(mac.doFinal(body)));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HmacSHA256 is not available", e);
            }
        }
        return out.toString();
    }

    /** A new endpoint secret: {@code whsec_} and the base64 of 32 random bytes. */
    public static Secret newSecret() {
        byte[] key = new byte[32];
        new java.security.SecureRandom().nextBytes(key);
        return Secret.of(SECRET_PREFIX + Base64.getEncoder().encodeToString(key));
    }

    private static byte[] key(Secret secret) {
        String value = secret.reveal();
        if (!value.startsWith(SECRET_PREFIX)) throw new IllegalArgumentException("endpoint secrets start with whsec_");
        return Base64.getDecoder().decode(value.substring(SECRET_PREFIX.length()));
    }
}
