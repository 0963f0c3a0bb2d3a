package dev.switchboard.inbound;

import dev.switchboard.vault.Secret;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A shared token, as some platforms use before a provider is live: {@code Authorization: Bearer
 * <token>} by default, or the raw value of a configured header. Both sides are hashed before the
 * constant-time comparison, so not even the token's length leaks. Nothing is signed: whoever holds
 * the token can send anything, so a configured {@code idHeader} is as trustworthy as the body and
 * deduplicates.
 */
final class TokenScheme implements Scheme {

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

    @Override
    public Normalizer.Normalized normalize(Normalizer.Payload p, SourceOptions options) {
        return unsigned(p, options);
    }

    /** For schemes that sign nothing: the id header when configured, else the body's hash. */
    static Normalizer.Normalized unsigned(Normalizer.Payload p, SourceOptions options) {
        String id = options.idHeader() == null ? null : p.header(options.idHeader());
        return new Normalizer.Normalized(
                id != null ? Normalizer.key("id", id, p.request()) : Normalizer.bodyKey(p.request(), null),
                id,
                type(p),
                p.text("subject"),
                null);
    }

    /** The generic schemes' type: the body's {@code type}, {@code event} or {@code event_type}. */
    static String type(Normalizer.Payload p) {
        return Normalizer.or(
                p.text("type"), Normalizer.or(p.text("event"), Normalizer.or(p.text("event_type"), "unknown")));
    }

    @Override
    public Set<SourceOptions.Field> options() {
        return Set.of(SourceOptions.Field.HEADER, SourceOptions.Field.ID_HEADER);
    }

    @Override
    public SecretOrigin secretOrigin() {
        return SecretOrigin.GENERATED;
    }

    @Override
    public String secretProblem(String secret) {
        return Scheme.sharedSecretProblem(secret);
    }
}
