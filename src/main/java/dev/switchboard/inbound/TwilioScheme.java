package dev.switchboard.inbound;

import dev.switchboard.vault.Secret;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code X-Twilio-Signature: <base64>}, HMAC-SHA1 keyed with the auth token over the full URL Twilio
 * called, followed, for form posts, by every parameter name and value sorted by name. JSON bodies
 * are signed through the URL instead: it carries {@code bodySHA256=<hex>}, and the body must hash to
 * it. Like Twilio's own validators, the URL is tried with and without its port.
 *
 * <p>The {@code I-Twilio-Idempotency-Token} header is not signed, so events deduplicate on the
 * body's hash (a form body carries the message or call SID and its status); the token is kept as
 * the provider's id.
 */
final class TwilioScheme implements Scheme {

    static final String HEADER = "x-twilio-signature";

    @Override
    public Verification verify(WebhookRequest request, List<Secret> secrets, SourceOptions options) {
        String header = request.header(HEADER);
        if (header == null) return Verification.missing("No X-Twilio-Signature header.");
        byte[] presented = Hmac.base64(header.strip());
        if (presented == null) return Verification.invalid("Malformed X-Twilio-Signature header.");

        Map<String, List<String>> params = null;
        if (request.isForm()) {
            params = request.form();
            if (params == null) return Verification.invalid("The form body cannot be parsed.");
        }
        for (String url : request.urls()) {
            if (params == null) {
                String bodyHash = queryParam(url, "bodySHA256");
                if (bodyHash == null) continue;
                byte[] expectedHash = Hmac.hex(bodyHash);
                if (!Hmac.equal(Hmac.sha256(request.body()), expectedHash)) continue;
            }
            for (String variant : portVariants(url)) {
                byte[] data = Hmac.utf8(signedString(variant, params));
                for (Secret secret : secrets) {
                    if (Hmac.equal(Hmac.sign("HmacSHA1", Hmac.utf8(secret.reveal()), data), presented)) {
                        return new Verification.Verified("twilio-sha1");
                    }
                }
            }
        }
        return Verification.invalid("The Twilio signature does not match this URL and body.");
    }

    static String signedString(String url, Map<String, List<String>> params) {
        StringBuilder sb = new StringBuilder(url);
        if (params != null) {
            params.forEach((name, values) ->
                    values.stream().sorted().forEach(v -> sb.append(name).append(v)));
        }
        return sb.toString();
    }

    static String queryParam(String url, String name) {
        int q = url.indexOf('?');
        if (q < 0) return null;
        for (String pair : url.substring(q + 1).split("&")) {
            if (pair.startsWith(name + "=")) return pair.substring(name.length() + 1);
        }
        return null;
    }

    /** The URL as given, with the scheme's default port added when it has none, and with no port. */
    static Set<String> portVariants(String url) {
        Set<String> variants = new LinkedHashSet<>();
        variants.add(url);
        try {
            URI uri = new URI(url);
            if (uri.getHost() == null) return variants;
            int defaultPort = "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
            int port = uri.getPort() == -1 ? defaultPort : uri.getPort();
            variants.add(withPort(uri, port));
            variants.add(withPort(uri, -1));
        } catch (URISyntaxException e) {
            // Keep the URL as given.
        }
        return variants;
    }

    private static String withPort(URI uri, int port) throws URISyntaxException {
        return new URI(uri.getScheme(), uri.getRawUserInfo(), uri.getHost(), port, null, null, null)
                + (uri.getRawPath() == null ? "" : uri.getRawPath())
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    }

    static String bodyHash(byte[] body) {
        return HexFormat.of().formatHex(Hmac.sha256(body));
    }

    @Override
    public List<String> secretHeaders(SourceOptions options) {
        return List.of(HEADER);
    }

    @Override
    public Normalizer.Normalized normalize(Normalizer.Payload p, SourceOptions options) {
        return new Normalizer.Normalized(
                Normalizer.bodyKey(p.request(), null),
                p.header("i-twilio-idempotency-token"),
                type(p),
                p.form() == null ? null : Normalizer.or(p.field("From"), p.field("AccountSid")),
                null);
    }

    /** {@code sms.received}, {@code mms.received}, {@code message.<status>}, {@code call.<status>} or {@code webhook}. */
    private static String type(Normalizer.Payload p) {
        if (p.form() == null) return "unknown";
        String messageStatus = Normalizer.or(p.field("MessageStatus"), p.field("SmsStatus"));
        if (p.field("MessageSid") != null || p.field("SmsSid") != null) {
            if (messageStatus == null || messageStatus.equals("received"))
                return p.field("NumMedia") != null && !"0".equals(p.field("NumMedia"))
                        ? "mms.received"
                        : "sms.received";
            return "message." + safe(messageStatus);
        }
        if (p.field("CallSid") != null) return "call." + safe(Normalizer.or(p.field("CallStatus"), "unknown"));
        return "webhook";
    }

    private static String safe(String s) {
        return s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_-]", "_");
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
