package dev.switchboard.inbound;

import dev.switchboard.vault.Secret;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * {@code Stripe-Signature: t=<unix>,v1=<hex>[,v1=<hex>…]} over {@code t + "." + body}, HMAC-SHA256
 * keyed with the UTF-8 bytes of the whole {@code whsec_…} string. Any matching v1 passes (Stripe
 * sends several while rolling its secret); v0 and unknown schemes are ignored. The event id is in
 * the signed body, so it is the dedupe key.
 */
final class StripeScheme implements Scheme {

    static final String HEADER = "stripe-signature";

    @Override
    public Verification verify(WebhookRequest request, List<Secret> secrets, SourceOptions options) {
        if (options.usesTestToken()) return testToken(request, secrets);
        String header = request.header(HEADER);
        if (header == null || header.isBlank()) return Verification.missing("No Stripe-Signature header.");
        Long timestamp = null;
        List<byte[]> signatures = new ArrayList<>();
        for (String item : header.split(",", 64)) {
            int eq = item.indexOf('=');
            if (eq < 0) continue;
            // No trimming: stripe-java reads " v1" as another scheme, and its verdict is the contract.
            String key = item.substring(0, eq);
            String value = item.substring(eq + 1);
            if (key.equals("t")) timestamp = Hmac.unixSeconds(value);
            else if (key.equals("v1")) {
                byte[] sig = Hmac.hex(value);
                if (sig != null) signatures.add(sig);
            }
        }
        if (timestamp == null || signatures.isEmpty()) {
            return Verification.invalid("The Stripe-Signature header has no timestamp or no v1 signature.");
        }
        byte[] signedPrefix = Hmac.utf8(timestamp + ".");
        for (Secret secret : secrets) {
            byte[] expected = Hmac.sign("HmacSHA256", Hmac.utf8(secret.reveal()), signedPrefix, request.body());
            for (byte[] sig : signatures) {
                if (Hmac.equal(expected, sig)) {
                    return Hmac.withinTolerance(timestamp, request.receivedAt(), options.tolerance())
                            ? new Verification.Verified("stripe-v1")
                            : Verification.stale("The Stripe-Signature timestamp is outside the tolerance.");
                }
            }
        }
        return Verification.invalid("No v1 signature matches.");
    }

    /**
     * Test mode through a shared token ({@code testToken}): {@code Authorization: Bearer <secret>},
     * compared hashed like {@link TokenScheme}. Nothing is signed, so the verdict says so.
     */
    private static Verification testToken(WebhookRequest request, List<Secret> secrets) {
        String auth = request.header("authorization");
        if (auth == null)
            return Verification.missing("No Authorization header (this Stripe source takes a test token).");
        if (!auth.regionMatches(true, 0, "Bearer ", 0, 7)) return Verification.invalid("Expected 'Bearer <token>'.");
        byte[] hash = Hmac.sha256(Hmac.utf8(auth.substring(7).strip()));
        for (Secret secret : secrets) {
            if (Hmac.equal(Hmac.sha256(Hmac.utf8(secret.reveal())), hash)) {
                return new Verification.Verified("stripe-test-token");
            }
        }
        return Verification.invalid("The token does not match.");
    }

    @Override
    public List<String> secretHeaders(SourceOptions options) {
        return options.usesTestToken() ? List.of(HEADER, "authorization") : List.of(HEADER);
    }

    @Override
    public Normalizer.Normalized normalize(Normalizer.Payload p, SourceOptions options) {
        String id = p.text("id");
        return new Normalizer.Normalized(
                Normalizer.key("id", id, p.request()),
                id,
                Normalizer.or(p.text("type"), "unknown"),
                subject(p.json()),
                Normalizer.unix(p.json() == null ? null : p.json().get("created")));
    }

    /** The customer the event concerns: the object's {@code customer}, or the object when it is one. */
    private static String subject(JsonNode body) {
        if (body == null || body.get("data") == null) return null;
        JsonNode object = body.get("data").get("object");
        if (object == null) return null;
        String customer = Normalizer.text(object, "customer");
        if (customer != null) return customer;
        return "customer".equals(Normalizer.text(object, "object")) ? Normalizer.text(object, "id") : null;
    }

    @Override
    public Set<SourceOptions.Field> options() {
        return Set.of(SourceOptions.Field.TOLERANCE_SECONDS, SourceOptions.Field.TEST_TOKEN);
    }

    @Override
    public List<dev.switchboard.common.FieldError> optionProblems(SourceOptions o) {
        return o.usesTestToken() && o.toleranceSeconds() != null
                ? List.of(new dev.switchboard.common.FieldError(
                        "options.toleranceSeconds", "does not apply with options.testToken (nothing is timestamped)"))
                : List.of();
    }

    @Override
    public SecretOrigin secretOrigin() {
        return SecretOrigin.PROVIDER;
    }
}
