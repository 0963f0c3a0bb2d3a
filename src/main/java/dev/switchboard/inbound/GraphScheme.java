package dev.switchboard.inbound;

import dev.switchboard.vault.Secret;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Microsoft Graph change notifications. Graph checks a subscription's URL by posting {@code
 * ?validationToken=…}, to be answered 200 {@code text/plain} with the decoded token within 10 s.
 * Notifications are not signed: each item carries the {@code clientState} given when the
 * subscription was created (the source's secret), and the request is accepted only when every item's
 * matches, since one forged item in a batch makes the batch forged.
 *
 * <p>A request batches notifications in {@code value[]}; each is stored as its own event, with the
 * item as its body. Items carry no id, so each deduplicates on its own hash (a redelivered batch
 * repeats its items). Lifecycle notifications ({@code lifecycleEvent}: {@code
 * reauthorizationRequired}, {@code subscriptionRemoved}, {@code missed}) are typed {@code
 * lifecycle.<event>}; change notifications {@code <resource kind>.<changeType>}, such as {@code
 * event.updated} for a calendar event.
 */
final class GraphScheme implements Scheme {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int MAX_ITEMS = 1000;

    @Override
    public Optional<Subscription> subscription(WebhookRequest request, Secret verifyToken) {
        String token = request.param("validationToken");
        if (token == null) return Optional.empty();
        if (token.length() > 2000) return Optional.of(new Subscription.Refused("The validation token is too long."));
        return Optional.of(new Subscription.Answer(token));
    }

    @Override
    public Verification verify(WebhookRequest request, List<Secret> secrets, SourceOptions options) {
        List<JsonNode> items = items(parse(request.body()));
        if (items == null) return Verification.invalid("Not a Graph notification: no value[] of objects.");
        List<byte[]> expected = new ArrayList<>(secrets.size());
        for (Secret secret : secrets) expected.add(Hmac.sha256(Hmac.utf8(secret.reveal())));
        for (JsonNode item : items) {
            String state = Normalizer.text(item, "clientState");
            if (state == null) return Verification.missing("A notification has no clientState.");
            byte[] presented = Hmac.sha256(Hmac.utf8(state));
            boolean matches = false;
            for (byte[] e : expected) matches |= Hmac.equal(e, presented);
            if (!matches) return Verification.invalid("A notification's clientState is not this source's.");
        }
        return new Verification.Verified("msgraph-clientstate");
    }

    private static JsonNode parse(byte[] body) {
        if (body.length == 0) return null;
        try {
            return JSON.readTree(body);
        } catch (RuntimeException notJson) {
            return null;
        }
    }

    /** The notifications of a body, or null when it is not {@code {"value": [ {…}, … ]}} with 1 to 1000 items. */
    private static List<JsonNode> items(JsonNode body) {
        if (body == null || !body.isObject()) return null;
        JsonNode value = body.get("value");
        if (value == null || !value.isArray() || value.isEmpty() || value.size() > MAX_ITEMS) return null;
        List<JsonNode> items = new ArrayList<>(value.size());
        for (JsonNode item : value) {
            if (!item.isObject()) return null;
            items.add(item);
        }
        return items;
    }

    @Override
    public List<JsonNode> batch(Normalizer.Payload payload) {
        return items(payload.json());
    }

    @Override
    public List<String> secretHeaders(SourceOptions options) {
        return List.of();
    }

    @Override
    public Normalizer.Normalized normalize(Normalizer.Payload p, SourceOptions options) {
        String lifecycle = p.text("lifecycleEvent");
        String type = lifecycle != null ? "lifecycle." + safe(lifecycle) : kind(p.json()) + "." + change(p);
        return new Normalizer.Normalized(
                Normalizer.bodyKey(p.request(), null), null, type, p.text("subscriptionId"), null);
    }

    private static String change(Normalizer.Payload p) {
        String change = p.text("changeType");
        return change == null ? "unknown" : safe(change);
    }

    /** {@code #Microsoft.Graph.Event} → {@code event}; without resourceData, {@code resource}. */
    private static String kind(JsonNode item) {
        JsonNode data = item == null ? null : item.get("resourceData");
        String odata = Normalizer.text(data, "@odata.type");
        if (odata == null) return "resource";
        String kind = odata.substring(odata.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
        return kind.isEmpty() ? "resource" : safe(kind);
    }

    private static String safe(String s) {
        return s.replaceAll("[^A-Za-z0-9_-]", "_");
    }

    @Override
    public Set<SourceOptions.Field> options() {
        return Set.of();
    }

    @Override
    public SecretOrigin secretOrigin() {
        return SecretOrigin.GENERATED;
    }

    /** Graph limits clientState to 128 characters. */
    @Override
    public String secretProblem(String secret) {
        return secret.length() > 128
                ? "must be at most 128 characters (Graph's limit)"
                : Scheme.sharedSecretProblem(secret);
    }
}
