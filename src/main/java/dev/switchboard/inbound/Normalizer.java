package dev.switchboard.inbound;

import dev.switchboard.common.Text;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What Switchboard knows about an event from the provider's conventions: the key to deduplicate on,
 * the provider's own event id, the CloudEvents type ({@code <provider>.<provider's type>}), the
 * external subject (a Stripe customer, a GitHub repository, a Slack team…) and the provider's own
 * time. Never fails: an event it cannot read is still stored, as {@code <provider>.unknown},
 * deduplicated by the hash of its body.
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

    private final JsonMapper json;

    Normalizer(JsonMapper json) {
        this.json = json;
    }

    Normalized normalize(Provider provider, SourceOptions options, WebhookRequest request) {
        JsonNode body = parse(request);
        Map<String, List<String>> form = request.isForm() ? TwilioVerifier.formParams(request.bodyText()) : null;
        String p = provider.wire();
        return switch (provider) {
            case STRIPE ->
                new Normalized(
                        key("id", text(body, "id"), request),
                        text(body, "id"),
                        p + "." + or(text(body, "type"), "unknown"),
                        stripeSubject(body),
                        unix(body == null ? null : body.get("created")));
            case GITHUB -> {
                String event = request.header("x-github-event");
                String action = text(body, "action");
                yield new Normalized(
                        bodyKey(request, null),
                        request.header("x-github-delivery"),
                        p + "." + or(event, "unknown") + (action == null ? "" : "." + action),
                        body == null ? null : text(body.get("repository"), "full_name"),
                        null);
            }
            case SLACK -> {
                if (form != null) {
                    String kind = form.containsKey("command")
                            ? "command"
                            : form.containsKey("payload") ? "interactive" : "form";
                    yield new Normalized(
                            key("trigger", first(form, "trigger_id"), request),
                            first(form, "trigger_id"),
                            p + "." + kind,
                            first(form, "team_id"),
                            null);
                }
                String team = text(body, "team_id");
                if (team == null && body != null) team = text(body.get("team"), "id");
                yield new Normalized(
                        key("event", text(body, "event_id"), request),
                        text(body, "event_id"),
                        p + "." + or(text(body, "type"), "unknown"),
                        team,
                        unix(body == null ? null : body.get("event_time")));
            }
            case TWILIO -> {
                String idem = request.header("i-twilio-idempotency-token");
                yield new Normalized(
                        bodyKey(request, null), idem, p + "." + twilioType(form), twilioSubject(form), null);
            }
            case SHOPIFY -> {
                String id = request.header("x-shopify-event-id");
                if (id == null) id = request.header("x-shopify-webhook-id");
                String topic = request.header("x-shopify-topic");
                yield new Normalized(
                        bodyKey(request, null),
                        id,
                        p + "." + (topic == null ? "unknown" : topic.replace('/', '.')),
                        request.header("x-shopify-shop-domain"),
                        iso(request.header("x-shopify-triggered-at")));
            }
            case STANDARD_WEBHOOKS -> {
                String id = request.header("webhook-id");
                if (id == null) id = request.header("svix-id");
                String ts = request.header("webhook-timestamp");
                if (ts == null) ts = request.header("svix-timestamp");
                Long seconds = ts == null ? null : Hmac.unixSeconds(ts.strip());
                yield new Normalized(
                        key("webhook", id, request),
                        id,
                        p + "." + or(text(body, "type"), "unknown"),
                        text(body, "subject"),
                        seconds == null ? null : Instant.ofEpochSecond(seconds));
            }
            case HMAC, TOKEN, NONE -> {
                String id = options.idHeader() == null ? null : request.header(options.idHeader());
                String type = or(text(body, "type"), or(text(body, "event"), or(text(body, "event_type"), "unknown")));
                // Only hmac signs a timestamp (when its template says so); token and none sign nothing,
                // so whoever can send to them can send anything and their id header is as good as the body.
                String ts = options.signsTimestamp() ? request.header(options.timestampHeader()) : null;
                if (ts != null) ts = ts.strip();
                Long seconds = ts == null ? null : Hmac.unixSeconds(ts);
                boolean idCounts = provider != Provider.HMAC || options.signsId();
                yield new Normalized(
                        id != null && idCounts ? key("id", id, request) : bodyKey(request, ts),
                        id,
                        p + "." + type,
                        text(body, "subject"),
                        seconds == null ? null : Instant.ofEpochSecond(seconds));
            }
        };
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

    /** The provider's id when there is one; otherwise the hash of the body. Always ≤ 200 characters. */
    private static String key(String kind, String id, WebhookRequest request) {
        if (id == null || id.isBlank()) return bodyKey(request, null);
        String k = kind + ":" + id;
        // Long or NUL-bearing ids (a text column cannot hold NUL) are kept as their hash.
        return k.length() <= 200 && k.indexOf('\0') < 0
                ? k
                : "sha256:" + HexFormat.of().formatHex(Hmac.sha256(Hmac.utf8(k)));
    }

    /** A body hash, with the signed timestamp when there is one, so a re-signed resend is a new event. */
    private static String bodyKey(WebhookRequest request, String timestamp) {
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

    private static String stripeSubject(JsonNode body) {
        if (body == null || body.get("data") == null) return null;
        JsonNode object = body.get("data").get("object");
        if (object == null) return null;
        String customer = text(object, "customer");
        if (customer != null) return customer;
        return "customer".equals(text(object, "object")) ? text(object, "id") : null;
    }

    private static String twilioType(Map<String, List<String>> form) {
        if (form == null) return "unknown";
        String messageStatus = first(form, "MessageStatus");
        if (messageStatus == null) messageStatus = first(form, "SmsStatus");
        if (first(form, "MessageSid") != null || first(form, "SmsSid") != null) {
            if (messageStatus == null || messageStatus.equals("received"))
                return first(form, "NumMedia") != null && !"0".equals(first(form, "NumMedia"))
                        ? "mms.received"
                        : "sms.received";
            return "message." + safe(messageStatus);
        }
        if (first(form, "CallSid") != null) return "call." + safe(or(first(form, "CallStatus"), "unknown"));
        return "webhook";
    }

    private static String twilioSubject(Map<String, List<String>> form) {
        if (form == null) return null;
        String from = first(form, "From");
        return from != null ? from : first(form, "AccountSid");
    }

    private static String safe(String s) {
        return s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_-]", "_");
    }

    private static String first(Map<String, List<String>> form, String name) {
        List<String> v = form == null ? null : form.get(name);
        return v == null || v.isEmpty() ? null : v.getFirst();
    }

    static String text(JsonNode node, String field) {
        if (node == null) return null;
        JsonNode v = node.get(field);
        if (v == null || !v.isString()) return null;
        String s = v.asString();
        return s.isEmpty() ? null : s.length() > 200 ? s.substring(0, 200) : s;
    }

    private static String or(String a, String b) {
        return a != null ? a : b;
    }

    private static Instant unix(JsonNode v) {
        if (v == null || !v.canConvertToLong()) return null;
        long s = v.asLong();
        return s > 0 && s < 100_000_000_000L ? Instant.ofEpochSecond(s) : null;
    }

    private static Instant iso(String s) {
        if (s == null) return null;
        try {
            return OffsetDateTime.parse(s).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
