package dev.switchboard.inbound;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * How senders sign, for tests: the official SDKs where they expose signing (stripe-java, the
 * Standard Webhooks library), and the providers' documented recipes where the SDK only verifies
 * (Twilio's, checked against its RequestValidator in the tests) or none exists for Java.
 */
public final class Signers {

    private Signers() {}

    static String stripe(String payload, String secret, long timestamp) throws Exception {
        return com.stripe.net.Webhook.Signature.generateSignatureHeader(payload, secret, timestamp);
    }

    static String standardWebhooks(String secret, String id, long timestamp, String payload) throws Exception {
        return new com.standardwebhooks.Webhook(secret).sign(id, timestamp, payload);
    }

    public static String github(String secret, String body) {
        return github(secret, body.getBytes(StandardCharsets.UTF_8));
    }

    /** For bodies that are not UTF-8 text (hostile input): GitHub signs the bytes as sent. */
    public static String github(String secret, byte[] body) {
        return "sha256=" + HexFormat.of().formatHex(hmac("HmacSHA256", secret, body));
    }

    static String slack(String secret, long timestamp, String body) {
        return "v0=" + HexFormat.of().formatHex(hmac("HmacSHA256", secret, "v0:" + timestamp + ":" + body));
    }

    static String shopify(String secret, String body) {
        return Base64.getEncoder().encodeToString(hmac("HmacSHA256", secret, body));
    }

    static String twilio(String token, String url, Map<String, String> params) {
        StringBuilder sb = new StringBuilder(url);
        new TreeMap<>(params).forEach((k, v) -> sb.append(k).append(v));
        return Base64.getEncoder().encodeToString(hmac("HmacSHA1", token, sb.toString()));
    }

    static byte[] hmac(String algorithm, String key, String data) {
        return hmac(algorithm, key, data.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] hmac(String algorithm, String key, byte[] data) {
        try {
            Mac mac = Mac.getInstance(algorithm);
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), algorithm));
            return mac.doFinal(data);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
