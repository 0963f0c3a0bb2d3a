package dev.switchboard.inbound;

import dev.switchboard.vault.Secret;
import java.util.List;

/** {@code X-Shopify-Hmac-Sha256: <base64>} over the body; replays are stopped by the body's hash (the event id header is not signed). */
final class ShopifyVerifier implements Verifier {

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
}
