package dev.switchboard.inbound;

import dev.switchboard.vault.Secret;
import java.util.List;
import java.util.Locale;

/**
 * A shared token, as some platforms use before a provider is live: {@code Authorization: Bearer
 * <token>} by default, or the raw value of a configured header. Both sides are hashed before the
 * constant-time comparison, so not even the token's length leaks.
 */
final class TokenVerifier implements Verifier {

    @Override
    public Verification verify(WebhookRequest request, List<Secret> secrets, SourceOptions options) {
        String presented;
        if (options.header() == null) {
            String auth = request.header("authorization");
            if (auth == null) return Verification.missing("No Authorization header.");
            if (!auth.regionMatches(true, 0, "Bearer ", 0, 7))
                return Verification.invalid("Expected 'Bearer <token>'.");
            presented = auth.substring(7).strip();
        } else {
            presented = request.header(options.header());
            if (presented == null) return Verification.missing("No " + options.header() + " header.");
            presented = presented.strip();
        }
        byte[] hash = Hmac.sha256(Hmac.utf8(presented));
        for (Secret secret : secrets) {
            if (Hmac.equal(Hmac.sha256(Hmac.utf8(secret.reveal())), hash)) return new Verification.Verified("token");
        }
        return Verification.invalid("The token does not match.");
    }

    @Override
    public List<String> secretHeaders(SourceOptions options) {
        return List.of(
                options.header() == null ? "authorization" : options.header().toLowerCase(Locale.ROOT));
    }
}
