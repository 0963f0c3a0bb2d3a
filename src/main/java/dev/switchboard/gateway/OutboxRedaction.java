package dev.switchboard.gateway;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * What an outbox job shows of a request or a provider's answer: credentials, cookies and every
 * header or field whose name looks like a secret (secret, token, password, key, …) replaced by
 * {@value #REDACTED}, in JSON, in form-encoded text and in headers alike. Erring on the side of
 * hiding: a field named {@code monkey} is hidden too.
 */
final class OutboxRedaction {

    static final String REDACTED = "[redacted]";

    private static final Pattern SECRET_NAME =
            Pattern.compile("(?i).*(secret|token|passw|pwd|key|auth|cookie|session|signature|credential|bearer).*");

    /** {@code name=value}, {@code "name":"value"} or {@code name: value} in text that is not JSON. */
    private static final Pattern SECRET_PAIR = Pattern.compile(
            "(?i)([\\w.\\-\\[\\]]*(?:secret|token|passw|pwd|key|auth|cookie|session|signature|credential)"
                    + "[\\w.\\-\\[\\]]*)(\"?\\s*[:=]\\s*\"?)([^\"&\\s,;}]+)");

    /** A bearer or basic credential anywhere in text. */
    private static final Pattern SCHEME = Pattern.compile("(?i)\\b(bearer|basic)\\s+[A-Za-z0-9._~+/=-]+");

    private OutboxRedaction() {}

    static boolean secretName(String name) {
        return SECRET_NAME.matcher(name).matches();
    }

    static Map<String, List<String>> headers(Map<String, List<String>> headers) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        headers.forEach((name, values) -> out.put(
                name,
                secretName(name)
                        ? List.of(REDACTED)
                        : values.stream().map(OutboxRedaction::text).toList()));
        return out;
    }

    /** A body as text, redacted, then cut to {@code max} characters; null for none. */
    static String body(byte[] body, int max, JsonMapper json) {
        if (body == null || body.length == 0 || max == 0) return null;
        String text = null;
        byte first = firstNonBlank(body);
        if (first == '{' || first == '[') {
            try {
                JsonNode tree = json.readTree(body);
                redact(tree);
                text = json.writeValueAsString(tree);
            } catch (RuntimeException notJson) {
                // Not JSON after all (or cut short): redacted as text below.
            }
        }
        if (text == null) text = text(new String(body, StandardCharsets.UTF_8));
        text = text.replace('\0', '\uFFFD');
        return text.length() <= max ? text : text.substring(0, max);
    }

    /** Replaces, in place, the value of every field named like a secret. */
    static void redact(JsonNode node) {
        if (node instanceof ObjectNode o) {
            for (String name : List.copyOf(o.propertyNames())) {
                if (secretName(name)) o.put(name, REDACTED);
                else redact(o.get(name));
            }
        } else if (node != null && node.isArray()) {
            for (JsonNode n : node) redact(n);
        }
    }

    static String text(String s) {
        if (s == null) return null;
        String out = SECRET_PAIR
                .matcher(s)
                .replaceAll(m -> java.util.regex.Matcher.quoteReplacement(m.group(1) + m.group(2) + REDACTED));
        return SCHEME.matcher(out).replaceAll(m -> m.group(1) + " " + REDACTED);
    }

    private static byte firstNonBlank(byte[] b) {
        for (byte x : b) if (x != ' ' && x != '\n' && x != '\r' && x != '\t') return x;
        return 0;
    }

    static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
