package dev.switchboard.inbound;

import dev.switchboard.common.Text;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What Switchboard knows about an event from the provider's conventions: the key to deduplicate on,
 * the provider's own event id, the CloudEvents type ({@code <provider>.<provider's type>}), the
 * external subject (a Stripe customer, a GitHub repository, a Slack team…) and the provider's own
 * time. Each {@link Scheme} reads its provider's conventions; this class parses the body once and
 * holds what they share. Never fails: an event that cannot be read is still stored, as {@code
 * <provider>.unknown}, deduplicated by the hash of its body.
 *
 * <p>The dedupe key is built from signed input only. Where the provider's id travels in a header
 * the signature does not cover (GitHub, Shopify, Twilio, generic HMAC without {@code {id}}), a
 * replay could carry a fresh id; the key is then the body's hash (with the signed timestamp, if
 * any), and the id is kept as an attribute.
 */
final class Normalizer {

    /** @param providerId the provider's own id for the event (shown, never trusted), or null */
    record Normalized(String dedupeKey, String providerId, String type, String subject, Instant time) {
        Normalized {
            // Columns are 200 wide and text: a sender's long value is cut, and NUL (which PostgreSQL
            // cannot store) replaced, never a failed insert.
            type = Text.storable(type, 200);
            subject = Text.storable(subject, 200);
            providerId = providerId == null || providerId.isBlank() ? null : Text.storable(providerId, 200);
        }
    }

    /** A request with its body read once: a JSON object, or form fields, or neither. */
    record Payload(WebhookRequest request, JsonNode json, Map<String, List<String>> form) {

        String header(String name) {
            return request.header(name);
        }

        /** A string field of the JSON body, or null. */
        String text(String field) {
            return Normalizer.text(json, field);
        }

        /** The first value of a form field, or null. */
        String field(String name) {
            List<String> v = form == null ? null : form.get(name);
            return v == null || v.isEmpty() ? null : v.getFirst();
        }
    }

    private final JsonMapper json;

    Normalizer(JsonMapper json) {
        this.json = json;
    }

    Payload read(WebhookRequest request) {
        return new Payload(request, parse(request), request.isForm() ? request.form() : null);
    }

    /** The request as one payload per event: itself, or each item of a batch with the item as its body. */
    List<Payload> parts(Provider provider, Payload payload) {
        List<JsonNode> items;
        try {
            items = provider.scheme.batch(payload);
        } catch (RuntimeException e) {
            items = null;
        }
        if (items == null || items.isEmpty()) return List.of(payload);
        List<Payload> parts = new java.util.ArrayList<>(items.size());
        for (JsonNode item : items) {
            WebhookRequest one = payload.request().withBody(json.writeValueAsBytes(item), "application/json");
            parts.add(new Payload(one, item.isObject() ? item : null, null));
        }
        return parts;
    }

    Normalized normalize(Provider provider, SourceOptions options, WebhookRequest request) {
        return normalize(provider, options, read(request));
    }

    Normalized normalize(Provider provider, SourceOptions options, Payload payload) {
        Normalized n = provider.scheme.normalize(payload, options);
        return new Normalized(n.dedupeKey(), n.providerId(), provider.wire() + "." + n.type(), n.subject(), n.time());
    }

    private JsonNode parse(WebhookRequest request) {
        if (request.isForm() || request.body().length == 0) return null;
        try {
            JsonNode node = json.readTree(request.body());
            return node != null && node.isObject() ? node : null;
        } catch (RuntimeException notJson) {
            return null;
        }
    }

    /** A signed id as the key when there is one; otherwise the hash of the body. Always ≤ 200 characters. */
    static String key(String kind, String id, WebhookRequest request) {
        if (id == null || id.isBlank()) return bodyKey(request, null);
        String k = kind + ":" + id;
        // Long or NUL-bearing ids (a text column cannot hold NUL) are kept as their hash.
        return k.length() <= 200 && k.indexOf('\0') < 0
                ? k
                : "sha256:" + HexFormat.of().formatHex(Hmac.sha256(Hmac.utf8(k)));
    }

    /** A body hash, with the signed timestamp when there is one, so a re-signed resend is a new event. */
    static String bodyKey(WebhookRequest request, String timestamp) {
        byte[] hash = timestamp == null
                ? Hmac.sha256(request.body())
                : Hmac.sha256(concat(Hmac.utf8(timestamp + "."), request.body()));
        return "sha256:" + HexFormat.of().formatHex(hash);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    static String text(JsonNode node, String field) {
        if (node == null) return null;
        JsonNode v = node.get(field);
        if (v == null || !v.isString()) return null;
        String s = v.asString();
        return s.isEmpty() ? null : s.length() > 200 ? s.substring(0, 200) : s;
    }

    static String or(String a, String b) {
        return a != null ? a : b;
    }

    static Instant unix(JsonNode v) {
        if (v == null || !v.canConvertToLong()) return null;
        long s = v.asLong();
        return s > 0 && s < 100_000_000_000L ? Instant.ofEpochSecond(s) : null;
    }

    static Instant iso(String s) {
        if (s == null) return null;
        try {
            return OffsetDateTime.parse(s).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
