package dev.switchboard.inbound;

import dev.switchboard.common.FieldError;
import dev.switchboard.vault.Secret;
import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The generic scheme for senders without a named one: a configured header holding an HMAC
 * (sha1/sha256/sha512, hex or base64, after an optional prefix such as {@code sha256=}) over the
 * body, or over a template such as {@code {timestamp}.{body}} when the sender also signs a timestamp
 * (and {@code {id}}, the value of {@code idHeader}, when it signs its event id).
 */
final class HmacScheme implements Scheme {

    private static final List<String> PLACEHOLDERS = List.of("{body}", "{timestamp}", "{id}");

    @Override
    public Verification verify(WebhookRequest request, List<Secret> secrets, SourceOptions options) {
        String header = request.header(options.header());
        if (header == null) return Verification.missing("No " + options.header() + " header.");
        String value = header.strip();
        if (options.prefix() != null) {
            if (!value.regionMatches(
                    true, 0, options.prefix(), 0, options.prefix().length())) {
                return Verification.invalid("The signature does not start with '" + options.prefix() + "'.");
            }
            value = value.substring(options.prefix().length());
        }
        boolean base64 = options.encoding() == SourceOptions.Encoding.BASE64;
        byte[] presented = base64 ? Hmac.base64(value) : Hmac.hex(value);
        if (presented == null) return Verification.invalid("The signature is not " + (base64 ? "base64." : "hex."));

        Long timestamp = null;
        String ts = null;
        // A timestamp header the template does not sign (sources stored before that was refused) is ignored.
        if (options.signsTimestamp()) {
            ts = request.header(options.timestampHeader());
            if (ts == null) return Verification.missing("No " + options.timestampHeader() + " header.");
            timestamp = Hmac.unixSeconds(ts.strip());
            if (timestamp == null) return Verification.invalid("Malformed " + options.timestampHeader() + " header.");
        }
        String id = null;
        if (options.signsId()) {
            id = request.header(options.idHeader());
            if (id == null) return Verification.missing("No " + options.idHeader() + " header.");
        }
        byte[] content = content(options.signedContent(), ts == null ? "" : ts.strip(), id, request.body());
        String algorithm = (options.algorithm() == null ? SourceOptions.Algorithm.SHA256 : options.algorithm()).jca;
        for (Secret secret : secrets) {
            if (Hmac.equal(Hmac.sign(algorithm, Hmac.utf8(secret.reveal()), content), presented)) {
                if (timestamp != null && !Hmac.withinTolerance(timestamp, request.receivedAt(), options.tolerance())) {
                    return Verification.stale("The timestamp is outside the tolerance.");
                }
                return new Verification.Verified(
                        "hmac-" + algorithm.substring(4).toLowerCase(Locale.ROOT));
            }
        }
        return Verification.invalid("The signature does not match.");
    }

    /** The template with {timestamp}, {id} and {body} filled in; the body's bytes are kept exactly. */
    static byte[] content(String template, String timestamp, String id, byte[] body) {
        if (template == null || template.equals("{body}")) return body;
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + 64);
        String rest = template;
        while (!rest.isEmpty()) {
            int next = -1;
            String placeholder = null;
            for (String p : PLACEHOLDERS) {
                int at = rest.indexOf(p);
                if (at >= 0 && (next < 0 || at < next)) {
                    next = at;
                    placeholder = p;
                }
            }
            if (next < 0) {
                out.writeBytes(Hmac.utf8(rest));
                break;
            }
            out.writeBytes(Hmac.utf8(rest.substring(0, next)));
            switch (placeholder) {
                case "{body}" -> out.writeBytes(body);
                case "{timestamp}" -> out.writeBytes(Hmac.utf8(timestamp));
                default -> out.writeBytes(Hmac.utf8(id == null ? "" : id));
            }
            rest = rest.substring(next + placeholder.length());
        }
        return out.toByteArray();
    }

    @Override
    public List<String> secretHeaders(SourceOptions options) {
        return options.header() == null ? List.of() : List.of(options.header().toLowerCase(Locale.ROOT));
    }

    /**
     * The id header is the dedupe key only when the template signs it ({@code {id}}); otherwise the
     * body's hash with the signed timestamp, if any, so a re-signed resend is a new event.
     */
    @Override
    public Normalizer.Normalized normalize(Normalizer.Payload p, SourceOptions options) {
        String id = options.idHeader() == null ? null : p.header(options.idHeader());
        String ts = options.signsTimestamp() ? p.header(options.timestampHeader()) : null;
        if (ts != null) ts = ts.strip();
        Long seconds = ts == null ? null : Hmac.unixSeconds(ts);
        return new Normalizer.Normalized(
                id != null && options.signsId()
                        ? Normalizer.key("id", id, p.request())
                        : Normalizer.bodyKey(p.request(), ts),
                id,
                TokenScheme.type(p),
                p.text("subject"),
                seconds == null ? null : Instant.ofEpochSecond(seconds));
    }

    @Override
    public Set<SourceOptions.Field> options() {
        return EnumSet.complementOf(EnumSet.of(SourceOptions.Field.TEST_TOKEN));
    }

    @Override
    public List<FieldError> optionProblems(SourceOptions o) {
        List<FieldError> errors = new ArrayList<>();
        if (o.header() == null) errors.add(new FieldError("options.header", "is required for hmac"));
        if (o.toleranceSeconds() != null && o.timestampHeader() == null) {
            errors.add(new FieldError("options.toleranceSeconds", "applies only with options.timestampHeader"));
        }
        if (o.prefix() != null && o.prefix().length() > 50) {
            errors.add(new FieldError("options.prefix", "is longer than 50"));
        }
        String template = o.signedContent();
        if (template != null) {
            if (!template.contains("{body}")) {
                errors.add(new FieldError("options.signedContent", "must contain {body}"));
            } else if (template.contains("{timestamp}") && o.timestampHeader() == null) {
                errors.add(new FieldError(
                        "options.signedContent", "uses {timestamp}, so options.timestampHeader is required"));
            } else if (template.contains("{id}") && o.idHeader() == null) {
                errors.add(new FieldError("options.signedContent", "uses {id}, so options.idHeader is required"));
            } else if (template.length() > 200) {
                errors.add(new FieldError("options.signedContent", "is longer than 200"));
            }
        }
        if (o.timestampHeader() != null && (template == null || !template.contains("{timestamp}"))) {
            // A timestamp the signature does not cover can be refreshed by anyone replaying the request.
            errors.add(new FieldError(
                    "options.signedContent", "must contain {timestamp} when options.timestampHeader is set"));
        }
        return errors;
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
