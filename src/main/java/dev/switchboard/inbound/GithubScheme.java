package dev.switchboard.inbound;

import dev.switchboard.vault.Secret;
import java.util.List;
import java.util.Set;

/**
 * {@code X-Hub-Signature-256: sha256=<hex>} over the body. GitHub signs no timestamp and not its
 * {@code X-GitHub-Delivery} header, so replays are stopped by deduplicating on the body's hash; the
 * delivery id is kept as the provider's id.
 */
final class GithubScheme implements Scheme {

    static final String HEADER = "x-hub-signature-256";

    @Override
    public Verification verify(WebhookRequest request, List<Secret> secrets, SourceOptions options) {
        String header = request.header(HEADER);
        if (header == null) return Verification.missing("No X-Hub-Signature-256 header.");
        byte[] presented =
                header.startsWith("sha256=") ? Hmac.hex(header.substring(7).strip()) : null;
        if (presented == null) return Verification.invalid("Malformed X-Hub-Signature-256 header.");
        for (Secret secret : secrets) {
            if (Hmac.equal(Hmac.sign("HmacSHA256", Hmac.utf8(secret.reveal()), request.body()), presented)) {
                return new Verification.Verified("github-sha256");
            }
        }
        return Verification.invalid("The GitHub signature does not match.");
    }

    @Override
    public List<String> secretHeaders(SourceOptions options) {
        return List.of(HEADER, "x-hub-signature");
    }

    @Override
    public Normalizer.Normalized normalize(Normalizer.Payload p, SourceOptions options) {
        String event = p.header("x-github-event");
        String action = p.text("action");
        return new Normalizer.Normalized(
                Normalizer.bodyKey(p.request(), null),
                p.header("x-github-delivery"),
                Normalizer.or(event, "unknown") + (action == null ? "" : "." + action),
                p.json() == null ? null : Normalizer.text(p.json().get("repository"), "full_name"),
                null);
    }

    @Override
    public Set<SourceOptions.Field> options() {
        return Set.of();
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
