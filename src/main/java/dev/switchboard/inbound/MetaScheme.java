package dev.switchboard.inbound;

import dev.switchboard.vault.Secret;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * Meta's Graph API webhooks (Facebook pages, Messenger, Instagram, WhatsApp Cloud). The
 * subscription check is a GET with {@code hub.mode=subscribe}, {@code hub.verify_token} (the
 * token the user typed into Meta's dashboard: the source's sealed verify token) and {@code
 * hub.challenge}, answered with the challenge as text. Deliveries carry {@code X-Hub-Signature-256:
 * sha256=<hex>}, HMAC-SHA256 of the raw body keyed with the app secret (the source's secret).
 *
 * <p>Meta signs no timestamp and no delivery id. The dedupe key is every entry's {@code id} with its
 * {@code time}, in order (both signed, in the body): a retried delivery repeats them, a new change
 * to the same page has a new time. WhatsApp's entries carry no {@code time}; a body with any entry
 * lacking one is deduplicated on its hash, which a retry also repeats.
 */
final class MetaScheme implements Scheme {

    static final String HEADER = "x-hub-signature-256";

    @Override
    public Optional<Subscription> subscription(WebhookRequest request, Secret verifyToken) {
        if (!"GET".equals(request.method())) return Optional.empty();
        String mode = request.param("hub.mode");
        String token = request.param("hub.verify_token");
        String challenge = request.param("hub.challenge");
        if (!"subscribe".equals(mode) || token == null || challenge == null || verifyToken == null) {
            return Optional.of(
                    new Subscription.Refused("Expected hub.mode=subscribe, hub.verify_token, hub.challenge."));
        }
        // Hashed first, so the comparison takes the same time whatever the lengths.
        boolean same = Hmac.equal(Hmac.sha256(Hmac.utf8(verifyToken.reveal())), Hmac.sha256(Hmac.utf8(token)));
        if (!same) return Optional.of(new Subscription.Refused("The verify token is not this source's."));
        if (challenge.length() > 1000) return Optional.of(new Subscription.Refused("The challenge is too long."));
        return Optional.of(new Subscription.Answer(challenge));
    }

    @Override
    public boolean usesVerifyToken() {
        return true;
    }

    @Override
    public Verification verify(WebhookRequest request, List<Secret> secrets, SourceOptions options) {
        String header = request.header(HEADER);
        if (header == null) return Verification.missing("No X-Hub-Signature-256 header.");
        byte[] presented =
                header.startsWith("sha256=") ? Hmac.hex(header.substring(7).strip()) : null;
        if (presented == null) return Verification.invalid("Malformed X-Hub-Signature-256 header.");
        for (Secret secret : secrets) {
            if (Hmac.equal(Hmac.sign("HmacSHA256", Hmac.utf8(secret.reveal()), request.body()), presented)) {
                return new Verification.Verified("meta-sha256");
            }
        }
        return Verification.invalid("The Meta signature does not match.");
    }

    @Override
    public List<String> secretHeaders(SourceOptions options) {
        return List.of(HEADER, "x-hub-signature");
    }

    @Override
    public Normalizer.Normalized normalize(Normalizer.Payload p, SourceOptions options) {
        JsonNode entries = p.json() == null ? null : p.json().get("entry");
        JsonNode first = entries != null && entries.isArray() && !entries.isEmpty() ? entries.get(0) : null;
        return new Normalizer.Normalized(
                dedupeKey(entries, p.request()),
                null,
                type(p.text("object"), first),
                scalar(first, "id"),
                first == null ? null : Normalizer.unix(first.get("time")));
    }

    /** {@code <object>.<field>}: {@code page.feed}, {@code instagram.comments}, {@code whatsapp_business_account.messages}. */
    private static String type(String object, JsonNode entry) {
        if (object == null) return "unknown";
        String field = null;
        if (entry != null) {
            JsonNode changes = entry.get("changes");
            if (changes != null && changes.isArray() && !changes.isEmpty()) {
                JsonNode change = changes.get(0);
                field = Normalizer.text(change, "field");
                // WhatsApp reports delivery statuses under "messages" too: only a message is one received.
                JsonNode value = change == null ? null : change.get("value");
                if ("messages".equals(field)
                        && value != null
                        && value.get("messages") == null
                        && value.get("statuses") != null) field = "statuses";
            } else if (entry.get("messaging") != null) {
                field = "messaging";
            }
        }
        return field == null ? object : object + "." + field;
    }

    private static String dedupeKey(JsonNode entries, WebhookRequest request) {
        if (entries == null || !entries.isArray() || entries.isEmpty()) return Normalizer.bodyKey(request, null);
        List<String> parts = new ArrayList<>();
        for (JsonNode entry : entries) {
            String id = scalar(entry, "id");
            String time = scalar(entry, "time");
            if (id == null || time == null) return Normalizer.bodyKey(request, null);
            parts.add(id + "@" + time);
        }
        return Normalizer.key("entries", String.join(",", parts), request);
    }

    /** A string or number field as text (Meta sends ids as strings and times as numbers), or null. */
    private static String scalar(JsonNode node, String field) {
        if (node == null || !node.isObject()) return null;
        JsonNode v = node.get(field);
        if (v == null) return null;
        if (v.isString()) return Normalizer.text(node, field);
        return v.isIntegralNumber() ? v.asString() : null;
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
