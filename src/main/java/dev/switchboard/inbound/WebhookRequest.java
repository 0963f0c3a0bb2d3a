package dev.switchboard.inbound;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A received webhook as the verifiers see it: lower-cased header names, the exact body bytes, and
 * the URLs the sender may have signed (Twilio signs the URL; behind a proxy it may differ from ours).
 */
record WebhookRequest(
        Map<String, List<String>> headers,
        byte[] body,
        List<String> urls,
        String contentType,
        Instant receivedAt,
        String method,
        Map<String, List<String>> query) {

    /** A POST without query parameters, as most providers send. */
    WebhookRequest(
            Map<String, List<String>> headers, byte[] body, List<String> urls, String contentType, Instant receivedAt) {
        this(headers, body, urls, contentType, receivedAt, "POST", Map.of());
    }

    /** The same request carrying one item of a batch as its body (see {@link Scheme#batch}). */
    WebhookRequest withBody(byte[] item, String itemContentType) {
        return new WebhookRequest(headers, item, urls, itemContentType, receivedAt, method, query);
    }

    /** The first value of a query parameter, decoded, or null. */
    String param(String name) {
        List<String> values = query == null ? null : query.get(name);
        return values == null || values.isEmpty() ? null : values.getFirst();
    }

    /** The first value of a header, or null. */
    String header(String name) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? null : values.getFirst();
    }

    String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    boolean isForm() {
        return contentType != null
                && contentType.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded");
    }

    /** The form fields sorted by name (Twilio's signing order); null when the body is not a valid form encoding. */
    Map<String, List<String>> form() {
        return decode(bodyText());
    }

    /** Form-encoded {@code name=value&…} (a body or a query string) sorted by name; null when not valid. */
    static Map<String, List<String>> decode(String text) {
        Map<String, List<String>> params = new TreeMap<>();
        if (text == null || text.isEmpty()) return params;
        try {
            for (String pair : text.split("&", 10_000)) {
                if (pair.isEmpty()) continue;
                int eq = pair.indexOf('=');
                String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                params.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
            }
            return params;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
