package dev.switchboard.inbound;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Cross-provider event types: {@code payment.succeeded} whether Stripe or PayPal sent it. The
 * built-in mapping is the versioned {@code inbound/canonical-types.json} in the jar; an operator adds
 * rules with a file of the same shape ({@code SWITCHBOARD_INBOUND_CANONICAL_TYPES_FILE}), read at
 * startup on every node. As with the provider catalog, the built-in entries come first and cannot be
 * taken over: an operator's rule applies only where no built-in one matched.
 *
 * <p>A rule names a provider type as the events API shows it ({@code stripe.payment_intent.succeeded})
 * and, when the type alone says too little ({@code slack.event_callback}), conditions on the body:
 * JSON pointers and the values they may hold, {@code null} meaning absent.
 */
@Component
class CanonicalTypes {

    /** One rule; {@code when} may be null. */
    record Rule(String type, Map<String, List<String>> when, String canonical) {

        boolean matches(Normalizer.Payload payload) {
            if (when == null || when.isEmpty()) return true;
            JsonNode json = payload.json();
            if (json == null) return false;
            for (var condition : when.entrySet()) {
                JsonNode v = json.at(condition.getKey());
                String value = v == null || v.isMissingNode() || v.isNull() ? null : v.isString() ? v.asString() : "";
                if (!condition.getValue().contains(value)) return false;
            }
            return true;
        }
    }

    record Mappings(int version, List<Rule> mappings) {}

    static final String BUILT_IN = "/inbound/canonical-types.json";

    /** Dotted lowercase names ({@code payment.succeeded}): also valid outbound event type names. */
    private static final Pattern CANONICAL = Pattern.compile("[a-z0-9_]+(\\.[a-z0-9_]+){1,5}");

    private static final Pattern TYPE = Pattern.compile("[A-Za-z0-9_.-]{1,200}");

    private final Map<String, List<Rule>> byType = new HashMap<>();
    private final int version;

    CanonicalTypes(JsonMapper json, InboundProperties properties) throws IOException {
        try (InputStream in = CanonicalTypes.class.getResourceAsStream(BUILT_IN)) {
            Mappings builtIn = json.readValue(in, Mappings.class);
            add(builtIn, "the built-in " + BUILT_IN);
            this.version = builtIn.version();
        }
        String file = properties.canonicalTypesFile();
        if (file != null && !file.isBlank()) {
            Mappings extra;
            try (InputStream in = Files.newInputStream(Path.of(file))) {
                extra = json.readValue(in, Mappings.class);
            } catch (IOException | RuntimeException e) {
                throw new IllegalStateException(
                        "SWITCHBOARD_INBOUND_CANONICAL_TYPES_FILE (" + file + ") cannot be read as a mapping: "
                                + e.getMessage(),
                        e);
            }
            add(extra, "SWITCHBOARD_INBOUND_CANONICAL_TYPES_FILE (" + file + ")");
        }
    }

    /** The built-in file's version. */
    int version() {
        return version;
    }

    /** The canonical type of an event of this provider type, or null when no rule maps it. */
    String of(String type, Normalizer.Payload payload) {
        List<Rule> rules = byType.get(type);
        if (rules == null) return null;
        for (Rule r : rules) {
            try {
                if (r.matches(payload)) return r.canonical();
            } catch (RuntimeException e) {
                // A body a rule cannot read is simply not that canonical type; ingest never fails on it.
            }
        }
        return null;
    }

    /** Every rule (per type, built-in first). */
    List<Rule> rules() {
        return byType.values().stream().flatMap(List::stream).toList();
    }

    private void add(Mappings file, String origin) {
        if (file == null || file.mappings() == null) {
            throw new IllegalStateException(origin + " has no \"mappings\" list");
        }
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < file.mappings().size(); i++) {
            Rule r = file.mappings().get(i);
            String at = "mappings[" + i + "]";
            if (r == null) {
                problems.add(at + " is null");
                continue;
            }
            if (r.type() == null || !TYPE.matcher(r.type()).matches()) {
                problems.add(at + ".type must be an event type as the events API shows it");
            }
            if (r.canonical() == null || !CANONICAL.matcher(r.canonical()).matches()) {
                problems.add(at + ".canonical must be a dotted lowercase name such as payment.succeeded");
            } else if (Arrays.stream(Provider.values())
                    .anyMatch(p -> r.canonical().startsWith(p.wire() + "."))) {
                problems.add(at + ".canonical must not look like a provider's own type");
            }
            if (r.when() != null) {
                r.when().forEach((pointer, values) -> {
                    if (pointer == null || !pointer.startsWith("/") || !isPointer(pointer)) {
                        problems.add(at + ".when keys must be JSON pointers such as /event/type");
                    }
                    if (values == null || values.isEmpty()) {
                        problems.add(at + ".when values must be non-empty lists (null: absent)");
                    }
                });
            }
        }
        if (!problems.isEmpty()) throw new IllegalStateException(origin + " is not valid: " + problems);
        for (Rule r : file.mappings()) {
            byType.computeIfAbsent(r.type(), k -> new ArrayList<>()).add(r);
        }
    }

    private static boolean isPointer(String pointer) {
        try {
            tools.jackson.core.JsonPointer.compile(pointer);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
