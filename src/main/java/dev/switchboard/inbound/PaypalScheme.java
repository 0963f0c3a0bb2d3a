package dev.switchboard.inbound;

import dev.switchboard.vault.Secret;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.zip.CRC32;
import tools.jackson.databind.JsonNode;

/**
 * PayPal's certificate-based webhook signature: {@code PAYPAL-TRANSMISSION-SIG} is base64 of
 * SHA256withRSA over {@code <PAYPAL-TRANSMISSION-ID>|<PAYPAL-TRANSMISSION-TIME>|<webhook id>|<CRC32
 * of the body, decimal>}, by the certificate at {@code PAYPAL-CERT-URL}. The webhook id (from the
 * PayPal dashboard) is the source's secret: it binds a transmission to this subscription. The
 * certificate is fetched only from PayPal's hosts and checked by {@link PaypalCertificates}.
 *
 * <p>The body's {@code id} ({@code WH-…}) is covered by the CRC in the signature, so it is the
 * dedupe key; the transmission time is checked against the tolerance.
 */
final class PaypalScheme implements Scheme {

    static final String ID = "paypal-transmission-id";
    static final String TIME = "paypal-transmission-time";
    static final String SIG = "paypal-transmission-sig";
    static final String CERT_URL = "paypal-cert-url";
    static final String ALGO = "paypal-auth-algo";

    /** Without PayPal's certificates (unit tests of other schemes), nothing can be verified. */
    @Override
    public Verification verify(WebhookRequest request, List<Secret> secrets, SourceOptions options) {
        return verify(request, secrets, options, Context.NONE);
    }

    @Override
    public Verification verify(WebhookRequest request, List<Secret> secrets, SourceOptions options, Context context) {
        String id = request.header(ID);
        String time = request.header(TIME);
        String sig = request.header(SIG);
        String certUrl = request.header(CERT_URL);
        String algo = request.header(ALGO);
        if (id == null || time == null || sig == null || certUrl == null || algo == null) {
            return Verification.missing(
                    "PAYPAL-TRANSMISSION-ID, -TIME, -SIG, PAYPAL-CERT-URL and PAYPAL-AUTH-ALGO are" + " required.");
        }
        if (!algo.strip().equals("SHA256withRSA"))
            return Verification.invalid("PAYPAL-AUTH-ALGO must be SHA256withRSA.");
        byte[] presented = Hmac.base64(sig.strip());
        Instant sent = Normalizer.iso(time.strip());
        if (presented == null || sent == null || id.length() > 200) {
            return Verification.invalid("Malformed PayPal transmission headers.");
        }
        if (context.paypal() == null) return Verification.invalid("PayPal certificates are not available.");
        X509Certificate cert;
        try {
            cert = context.paypal().certificate(certUrl.strip(), request.receivedAt());
        } catch (PaypalCertificates.Refused refused) {
            return Verification.invalid(refused.getMessage());
        }
        CRC32 crc = new CRC32();
        crc.update(request.body());
        for (Secret webhookId : secrets) {
            String signed = id + "|" + time + "|" + webhookId.reveal() + "|" + crc.getValue();
            if (verifies(cert, Hmac.utf8(signed), presented)) {
                return Hmac.withinTolerance(sent.getEpochSecond(), request.receivedAt(), options.tolerance())
                        ? new Verification.Verified("paypal-sha256withrsa")
                        : Verification.stale("PAYPAL-TRANSMISSION-TIME is outside the tolerance.");
            }
        }
        return Verification.invalid("The PayPal signature does not match.");
    }

    private static boolean verifies(X509Certificate cert, byte[] data, byte[] signature) {
        try {
            Signature s = Signature.getInstance("SHA256withRSA");
            s.initVerify(cert.getPublicKey());
            s.update(data);
            return s.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    @Override
    public List<String> secretHeaders(SourceOptions options) {
        return List.of(SIG);
    }

    @Override
    public Normalizer.Normalized normalize(Normalizer.Payload p, SourceOptions options) {
        String id = p.text("id");
        JsonNode resource = p.json() == null ? null : p.json().get("resource");
        JsonNode payer = resource == null ? null : resource.get("payer");
        return new Normalizer.Normalized(
                Normalizer.key("id", id, p.request()),
                id,
                Normalizer.or(p.text("event_type"), "unknown"),
                Normalizer.text(payer, "payer_id"),
                Normalizer.iso(p.text("create_time")));
    }

    @Override
    public Set<SourceOptions.Field> options() {
        return Set.of(SourceOptions.Field.TOLERANCE_SECONDS);
    }

    @Override
    public SecretOrigin secretOrigin() {
        return SecretOrigin.PROVIDER;
    }
}
