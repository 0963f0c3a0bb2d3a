package dev.switchboard.inbound;

import dev.switchboard.vault.Secret;
import java.util.List;
import java.util.Set;

/**
 * {@code X-Shopify-Hmac-Sha256: <base64>} over the body. The event id header is not signed, so
 * replays are stopped by the body's hash; the id is kept as the provider's id.
 */
final class ShopifyScheme implements Scheme {

    static final String HEADER = "x-shopify-hmac-sha256";

    @Override
    public Verification verify(WebhookRequest request, List<Secret> secrets, SourceOptions options) {
        String header = request.header(HEADER);
        if (header == null) return Verification.missing("No X-Shopify-Hmac-Sha256 header.");
        byte[] presented = Hmac.base64(header.strip());
        if (presented == null) return Verification.invalid("Malformed X-Shopify-Hmac-Sha256 header.");
        for (Secret secret : secrets) {
            if (Hmac.equal(Hmac.sign("HmacSHA256", Hmac.utf8(secret.reveal()), request.body()), presented)) {
                return new Verification.Verified("shopify-sha256");
            }
        }
        return Verification.invalid("The Shopify signature does not match.");
    }

    @Override
    public List<String> secretHeaders(SourceOptions options) {
        return List.of(HEADER);
    }

    @Override
    public Normalizer.Normalized normalize(Normalizer.Payload p, SourceOptions options) {
        String id = Normalizer.or(p.header("x-shopify-event-id"), p.header("x-shopify-webhook-id"));
        String topic = p.header("x-shopify-topic");
        return new Normalizer.Normalized(
                Normalizer.bodyKey(p.request(), null),
                id,
                topic == null ? "unknown" : topic.replace('/', '.'),
                p.header("x-shopify-shop-domain"),
                Normalizer.iso(p.header("x-shopify-triggered-at")));
    }

    @Override
    public Set<SourceOptions.Field> options() {
        return Set.of();
    }

    @Override
    public SecretOrigin secretOrigin() {
        return SecretOrigin.PROVIDER;
    }
}
