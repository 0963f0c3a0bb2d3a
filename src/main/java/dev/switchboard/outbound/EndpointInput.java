package dev.switchboard.outbound;

import dev.switchboard.common.ApiException;
import dev.switchboard.egress.BlockedDestinationException;
import dev.switchboard.egress.UrlGuard;
import dev.switchboard.egress.UrlGuards;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The checks an endpoint's settings pass before they are stored; each failure is a 400 on its field. */
@Component
class EndpointInput {

    /** What a response shows instead of a static header's value. */
    static final String REDACTED = "[redacted]";

    private static final Pattern HEADER_NAME = Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}");
    /** Headers Switchboard sets itself; an endpoint may not replace them. */
    private static final Set<String> RESERVED = Set.of(
            "webhook-id",
            "webhook-timestamp",
            "webhook-signature",
            "content-type",
            "content-length",
            "host",
            "user-agent",
            "transfer-encoding",
            "connection");

    private final UrlGuard guard;
    private final JsonMapper json;

    EndpointInput(UrlGuards guards, JsonMapper json) {
        this.guard = guards.tenant(); // an endpoint's URL is the tenant's
        this.json = json;
    }

    void checkUrl(String url) {
        try {
            guard.check(url);
        } catch (BlockedDestinationException e) {
            throw ApiException.invalid("url", "is not allowed: " + e.getMessage());
        }
    }

    /** The list as stored: at most 8000 characters of JSON. */
    List<String> checkTypes(List<String> types) {
        if (types != null && json.writeValueAsString(types).length() > 8000) {
            throw ApiException.invalid("eventTypes", "must be at most 8000 characters together");
        }
        return types;
    }

    /** The filter checked and as stored, or null when none was given. */
    String filterText(JsonNode filter) {
        if (filter == null) return null;
        Filter.parse("filter", filter);
        String text = json.writeValueAsString(filter);
        if (text.length() > 8000) throw ApiException.invalid("filter", "must be at most 8000 characters");
        return text;
    }

    /**
     * Headers as sent back after a GET carry {@value #REDACTED} for values: those keep their stored
     * value, so a client can change one header without knowing the others.
     */
    Map<String, String> keepRedacted(Map<String, String> sent, Supplier<Map<String, String>> stored) {
        if (!sent.containsValue(REDACTED)) return checkHeaders(sent);
        Map<String, String> current = stored.get();
        Map<String, String> merged = new HashMap<>();
        for (var h : sent.entrySet()) {
            if (!REDACTED.equals(h.getValue())) merged.put(h.getKey(), h.getValue());
            else if (current.containsKey(h.getKey())) merged.put(h.getKey(), current.get(h.getKey()));
            else throw ApiException.invalid("headers." + h.getKey(), "has no stored value to keep");
        }
        return checkHeaders(merged);
    }

    static Map<String, String> checkHeaders(Map<String, String> headers) {
        if (headers == null) return Map.of();
        for (var h : headers.entrySet()) {
            String name = h.getKey();
            if (!HEADER_NAME.matcher(name).matches())
                throw ApiException.invalid("headers." + name, "is not a header name");
            if (RESERVED.contains(name.toLowerCase(Locale.ROOT))) {
                throw ApiException.invalid("headers." + name, "is set by Switchboard and cannot be replaced");
            }
            String value = h.getValue();
            if (value == null
                    || value.length() > 1000
                    || value.chars().anyMatch(c -> c == '\r' || c == '\n' || c == 0)) {
                throw ApiException.invalid("headers." + name, "must be a single line of at most 1000 characters");
            }
        }
        return Map.copyOf(headers);
    }
}
